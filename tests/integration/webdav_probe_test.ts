/**
 * What a probe of the WebDAV share against the behaviour of real clients found, pinned on the
 * real server (port 0, the real HTTP layer): a `Destination` in raw UTF-8 bytes names the UTF-8
 * file; Windows' upload sequence (PUT, LOCK, PUT, PROPPATCH `Win32*` times, UNLOCK) leaves the
 * file with the time Windows sent; and `--hide` holds for PROPFIND, COPY and MOVE.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { dav, withShare } from "./webdav_share_fixture.ts";
import { RawClient } from "../support/server.ts";

const WRITES = { allowDelete: true, allowMkdir: true };

Deno.test("a Destination sent as raw UTF-8 bytes names the UTF-8 file, not its latin1 reading", async () => {
  await withShare(WRITES, async (s, root) => {
    await Deno.writeTextFile(`${root}/a.txt`, "A");
    const c = await RawClient.connect(s.port);
    try {
      // A string is sent one char code per byte: these are the UTF-8 bytes of "/files/été.txt".
      await c.send(
        "COPY /files/a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
          "Destination: /files/\u00c3\u00a9t\u00c3\u00a9.txt\r\nContent-Length: 0\r\n\r\n",
      );
      assertEquals((await c.readResponse())?.status, 201);
    } finally {
      c.close();
    }
    assertEquals(await Deno.readTextFile(`${root}/été.txt`), "A");
  });
});

Deno.test("Windows' upload sequence leaves the file with the time it sent in Win32LastModifiedTime", async () => {
  await withShare(WRITES, async (_s, root, base) => {
    const url = `${base}/files/report.docx`;
    // Microsoft-WebDAV-MiniRedir copying a file in: an empty PUT, a LOCK, the content under the
    // lock, the times and attributes of the original, then UNLOCK.
    assertEquals((await dav(url, "PUT", {}, "")).status, 201);
    const locked = await dav(
      url,
      "LOCK",
      { "Content-Type": "text/xml", Timeout: "Second-3600" },
      '<?xml version="1.0" encoding="utf-8" ?><D:lockinfo xmlns:D="DAV:"><D:lockscope>' +
        "<D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>" +
        "DOMAIN\\user</D:href></D:owner></D:lockinfo>",
    );
    assertEquals(locked.status, 200);
    const token = locked.headers.get("lock-token")!;
    const ifHeader = `(${token})`;
    assertEquals((await dav(url, "PUT", { If: ifHeader }, "contents")).status, 204);
    const patched = await dav(
      url,
      "PROPPATCH",
      { If: ifHeader, "Content-Type": "text/xml" },
      '<?xml version="1.0" encoding="utf-8" ?><D:propertyupdate xmlns:D="DAV:" ' +
        'xmlns:Z="urn:schemas-microsoft-com:"><D:set><D:prop>' +
        "<Z:Win32CreationTime>Tue, 04 Jun 2024 08:00:00 GMT</Z:Win32CreationTime>" +
        "<Z:Win32LastAccessTime>Tue, 04 Jun 2024 09:30:00 GMT</Z:Win32LastAccessTime>" +
        "<Z:Win32LastModifiedTime>Tue, 04 Jun 2024 09:30:00 GMT</Z:Win32LastModifiedTime>" +
        "<Z:Win32FileAttributes>00000020</Z:Win32FileAttributes>" +
        "</D:prop></D:set></D:propertyupdate>",
    );
    assertEquals(patched.status, 207);
    assert(!/HTTP\/1\.1 [45]/.test(patched.text), patched.text);
    assertEquals((await dav(url, "UNLOCK", { "Lock-Token": token })).status, 204);

    const when = "Tue, 04 Jun 2024 09:30:00 GMT";
    assertEquals((await Deno.stat(`${root}/report.docx`)).mtime?.toUTCString(), when);
    const head = await fetch(url, { method: "HEAD" });
    await head.body?.cancel();
    assertEquals(head.headers.get("last-modified"), when);
    const listed = await dav(`${base}/files/`, "PROPFIND", { Depth: "1" });
    assert(listed.text.includes(`<D:getlastmodified>${when}</D:getlastmodified>`), listed.text);
    assertEquals(await Deno.readTextFile(`${root}/report.docx`), "contents");
  });
});

Deno.test("--hide over the wire: PROPFIND lists no private name; COPY and MOVE cannot publish one", async () => {
  await withShare({ ...WRITES, hide: ["docs/private", "*.key"] }, async (_s, root, base) => {
    await Deno.mkdir(`${root}/docs/private`, { recursive: true });
    await Deno.writeTextFile(`${root}/docs/private/plan.txt`, "PRIVATE PLAN");
    await Deno.writeTextFile(`${root}/docs/server.key`, "PRIVATE KEY");
    await Deno.writeTextFile(`${root}/docs/notes.txt`, "notes");

    const listed = await dav(`${base}/files/docs/`, "PROPFIND", { Depth: "1" });
    assertEquals(listed.status, 207);
    assert(!listed.text.includes("private") && !listed.text.includes("server.key"), listed.text);
    assert(listed.text.includes("/files/docs/notes.txt"), listed.text);

    const copied = await dav(`${base}/files/docs/`, "COPY", { Destination: "/files/copy/" });
    assertEquals(copied.status, 201);
    assertEquals((await fetch(`${base}/files/copy/private/plan.txt`)).status, 404);
    assertEquals([...Deno.readDirSync(`${root}/copy`)].map((e) => e.name), ["notes.txt"]);

    const moved = await dav(`${base}/files/docs/`, "MOVE", { Destination: "/files/old/" });
    assertEquals(moved.status, 403);
    const after = await fetch(`${base}/files/old/private/plan.txt`);
    assertEquals([after.status, await after.text()].join(" "), "404 Not found\n");
    assertEquals(await Deno.readTextFile(`${root}/docs/private/plan.txt`), "PRIVATE PLAN");
  });
});

Deno.test("ten PROPPATCHes at once on one file keep all ten properties, across workers too", async () => {
  await withShare(WRITES, async (_s, root, base) => {
    await Deno.writeTextFile(`${root}/c.txt`, "x");
    const names = Array.from({ length: 10 }, (_, i) => `p${i}`);
    const answers = await Promise.all(names.map((n) =>
      dav(
        `${base}/files/c.txt`,
        "PROPPATCH",
        { "Content-Type": "application/xml" },
        '<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:z">' +
          `<D:set><D:prop><Z:${n}>${n}</Z:${n}></D:prop></D:set></D:propertyupdate>`,
      )
    ));
    assertEquals(answers.map((a) => a.status), names.map(() => 207));
    const found = await dav(
      `${base}/files/c.txt`,
      "PROPFIND",
      { Depth: "0" },
      '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:propname/></D:propfind>',
    );
    for (const n of names) assert(found.text.includes(`<${n} xmlns="urn:z"/>`), found.text);
  });
});
