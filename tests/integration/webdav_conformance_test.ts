/**
 * RFC 4918 points pinned on the real server (port 0, fetch over TCP): the `If` header holds on
 * reads as on writes (§10.4.1: GET, HEAD and PROPFIND answer 412 when it is false, 400 when it
 * does not parse); a write through a loop of symlinks is a 409, not a 500; `allprop` with
 * `include` answers the included properties too (§9.1); and an empty chunked MKCOL body is no body
 * (RFC 9110 §6.4.1).
 */

import { assert, assertEquals } from "../support/assert.ts";
import { dav, withShare } from "./webdav_share_fixture.ts";
import { lockBody, readMultistatus } from "../webdav/webdav_fixture.ts";

const WRITES = { allowDelete: true, allowMkdir: true };
const NO_LOCK_TOKEN = "<urn:uuid:00000000-0000-0000-0000-000000000000>";

const READS: Array<[string, Record<string, string>]> = [
  ["GET", {}],
  ["HEAD", {}],
  ["PROPFIND", { Depth: "0" }],
];

Deno.test("GET, HEAD and PROPFIND answer as usual when If holds the ETag, 412 when it is stale", async () => {
  await withShare({}, async (_s, root, base) => {
    await Deno.writeTextFile(`${root}/a.txt`, "hello");
    const url = `${base}/files/a.txt`;
    const etag = (await dav(url, "GET")).headers.get("etag")!;
    for (const [method, extra] of READS) {
      const res = await dav(url, method, { ...extra, If: `([${etag}])` });
      assertEquals(res.status, method === "PROPFIND" ? 207 : 200, method);
      if (method === "GET") assertEquals(res.text, "hello");
      const stale = await dav(url, method, { ...extra, If: '(["stale-etag"])' });
      assertEquals(stale.status, 412, method);
    }
    // A true list beside a false one makes the header true (§10.4.3).
    const either = await dav(url, "GET", { If: `(["stale-etag"]) ([${etag}])` });
    assertEquals(either.status, 200);
    assertEquals(either.text, "hello");
  });
});

Deno.test("If accepts the ETag of a compressed download of the file, on reads and writes", async () => {
  await withShare(WRITES, async (_s, root, base) => {
    await Deno.writeTextFile(`${root}/t.txt`, "text ".repeat(400));
    const url = `${base}/files/t.txt`;
    const gz = await fetch(url, { headers: { "Accept-Encoding": "gzip" } });
    await gz.body?.cancel();
    assertEquals(gz.headers.get("content-encoding"), "gzip");
    const tag = gz.headers.get("etag")!;
    assert(tag.endsWith('-gzip"'), tag);
    // The same bytes compressed: the client holds the current state (as If-Match accepts it).
    const read = await dav(url, "GET", { "Accept-Encoding": "gzip", If: `([${tag}])` });
    assertEquals(read.status, 200);
    const stale = tag.replace(/-gzip"$/, '-zstd"');
    assertEquals((await dav(url, "GET", { If: `([${stale}])` })).status, 412);
    const write = await dav(url, "PUT", { If: `([${tag}])` }, "new");
    assertEquals(write.status, 204);
    assertEquals(await Deno.readTextFile(`${root}/t.txt`), "new");
  });
});

Deno.test("GET, HEAD and PROPFIND answer as usual when If submits a covering lock's token, 412 for another", async () => {
  await withShare(WRITES, async (_s, root, base) => {
    await Deno.writeTextFile(`${root}/a.txt`, "hello");
    const url = `${base}/files/a.txt`;
    const locked = await dav(url, "LOCK", { "Content-Type": "text/xml" }, lockBody());
    assertEquals(locked.status, 200);
    const token = locked.headers.get("lock-token")!;
    for (const [method, extra] of READS) {
      const res = await dav(url, method, { ...extra, If: `(${token})` });
      assertEquals(res.status, method === "PROPFIND" ? 207 : 200, method);
      const other = await dav(url, method, { ...extra, If: `(${NO_LOCK_TOKEN})` });
      assertEquals(other.status, 412, method);
    }
    // Tagged with the resource's own URL, as clients that lock a whole tree send it.
    const tagged = await dav(url, "GET", { If: `<${url}> (${token})` });
    assertEquals(tagged.status, 200);
    assertEquals(tagged.text, "hello");
    assertEquals((await dav(url, "GET", { If: `<${url}> (${NO_LOCK_TOKEN})` })).status, 412);
  });
});

Deno.test("GET, HEAD and PROPFIND of a file, a folder and the share answer 412 when If is false", async () => {
  await withShare({}, async (_s, root, base) => {
    await Deno.writeTextFile(`${root}/a.txt`, "hello");
    await Deno.mkdir(`${root}/dir`);
    for (const target of ["a.txt", "dir/", ""]) {
      const url = `${base}/files/${target}`;
      for (const [method, extra] of READS) {
        for (const ifValue of ['(["stale-etag"])', `(${NO_LOCK_TOKEN})`, "(<DAV:no-lock>)"]) {
          const res = await dav(url, method, { ...extra, If: ifValue });
          assertEquals(res.status, 412, `${method} /files/${target} If: ${ifValue}`);
        }
        // Not of a state no resource has is always true.
        const res = await dav(url, method, { ...extra, If: "(Not <DAV:no-lock>)" });
        assertEquals(res.status, method === "PROPFIND" ? 207 : 200, `${method} /files/${target}`);
      }
    }
  });
});

Deno.test("GET, HEAD and PROPFIND answer 400 when If does not parse", async () => {
  await withShare({}, async (_s, root, base) => {
    await Deno.writeTextFile(`${root}/a.txt`, "hello");
    const url = `${base}/files/a.txt`;
    for (const [method, extra] of READS) {
      for (const ifValue of ["not a list", "(", "()", "<http://x/> oops"]) {
        const res = await dav(url, method, { ...extra, If: ifValue });
        assertEquals(res.status, 400, `${method} If: ${ifValue}`);
      }
    }
  });
});

Deno.test("If is not evaluated for a read that would not answer 2xx (missing file, folder redirect)", async () => {
  await withShare({}, async (_s, root, base) => {
    await Deno.writeTextFile(`${root}/a.txt`, "hello");
    await Deno.mkdir(`${root}/dir`);
    // RFC 9110 §13.2.1: the precondition is ignored when the answer without it is not a 2xx.
    const missing = await dav(`${base}/files/nope.txt`, "GET", { If: '(["x"])' });
    assertEquals(missing.status, 404);
    const missingDav = await dav(`${base}/files/nope.txt`, "PROPFIND", {
      Depth: "0",
      If: '(["x"])',
    });
    assertEquals(missingDav.status, 404);
    const redirect = await fetch(`${base}/files/dir`, {
      headers: { If: '(["x"])' },
      redirect: "manual",
    });
    await redirect.body?.cancel();
    assertEquals(redirect.status, 308);
    // …while the same header on the file that exists is evaluated.
    assertEquals((await dav(`${base}/files/a.txt`, "GET", { If: '(["x"])' })).status, 412);
  });
});

Deno.test("writes through a loop of symlinks answer 409, not 500", async () => {
  await withShare(WRITES, async (s, root, base) => {
    await Deno.symlink("b", `${root}/a`);
    await Deno.symlink("a", `${root}/b`);
    await Deno.writeTextFile(`${root}/src.txt`, "source");
    const put = await dav(`${base}/files/a/x.txt`, "PUT", {}, "data");
    assertEquals(put.status, 409, `PUT: ${put.text}`);
    const mkcol = await dav(`${base}/files/a/newdir`, "MKCOL");
    assertEquals(mkcol.status, 409, `MKCOL: ${mkcol.text}`);
    for (const method of ["COPY", "MOVE"]) {
      const res = await dav(`${base}/files/src.txt`, method, {
        Destination: `${base}/files/a/copy.txt`,
      });
      assertEquals(res.status, 409, `${method}: ${res.text}`);
    }
    assertEquals(await Deno.readTextFile(`${root}/src.txt`), "source");
    assertEquals(s.errors, []);
  });
});

Deno.test("PROPFIND allprop with include answers the included properties, unknown ones as 404", async () => {
  await withShare(WRITES, async (_s, root, base) => {
    await Deno.writeTextFile(`${root}/a.txt`, "hello");
    const url = `${base}/files/a.txt`;
    const patched = await dav(
      url,
      "PROPPATCH",
      { "Content-Type": "text/xml" },
      '<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:x-test:">' +
        "<D:set><D:prop><Z:color>blue</Z:color></D:prop></D:set></D:propertyupdate>",
    );
    assertEquals(patched.status, 207);
    const res = await dav(
      url,
      "PROPFIND",
      { Depth: "0", "Content-Type": "text/xml" },
      '<?xml version="1.0"?><D:propfind xmlns:D="DAV:" ' +
        'xmlns:Z="urn:schemas-microsoft-com:" xmlns:T="urn:x-test:"><D:allprop/><D:include>' +
        "<Z:Win32LastModifiedTime/><T:color/><T:missing/><D:getetag/></D:include></D:propfind>",
    );
    assertEquals(res.status, 207);
    const props = readMultistatus(res.text).get("/files/a.txt")!;
    const win32 = props.get("{urn:schemas-microsoft-com:}Win32LastModifiedTime");
    assertEquals(win32?.status, 200, res.text);
    assert(/GMT$/.test(win32!.element.children.join("")), res.text);
    assertEquals(props.get("{urn:x-test:}color")?.status, 200);
    assertEquals(props.get("{urn:x-test:}missing")?.status, 404, res.text);
    // allprop itself still answers: the live and dead properties, each once.
    assertEquals(props.get("{DAV:}getcontentlength")?.status, 200);
    assertEquals(props.get("{DAV:}getetag")?.status, 200);
    assertEquals(res.text.split("<D:getetag>").length - 1, 1, res.text);
    assertEquals(res.text.split("color").length - 1, 2, res.text); // one element: open + close
  });
});

/** Sends `head` then `body` raw over one connection that closes after, and returns the status. */
async function rawStatus(port: number, head: string, body: string): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(
      new TextEncoder().encode(`${head}Host: t\r\nConnection: close\r\n\r\n${body}`),
    );
    const decoder = new TextDecoder();
    const buf = new Uint8Array(4096);
    let text = "";
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += decoder.decode(buf.subarray(0, n), { stream: true });
    }
    const status = /^HTTP\/1\.1 (\d{3}) /.exec(text);
    assert(status !== null, text);
    return Number(status[1]);
  } finally {
    conn.close();
  }
}

Deno.test("MKCOL with an empty chunked body makes the folder, as with Content-Length: 0 (RFC 9110 §6.4.1)", async () => {
  await withShare(WRITES, async (s, root) => {
    const chunked = "Transfer-Encoding: chunked\r\n";
    assertEquals(
      await rawStatus(s.port, `MKCOL /files/a/ HTTP/1.1\r\n${chunked}`, "0\r\n\r\n"),
      201,
    );
    assertEquals(
      await rawStatus(s.port, "MKCOL /files/b/ HTTP/1.1\r\nContent-Length: 0\r\n", ""),
      201,
    );
    // A body that holds bytes is refused either way (RFC 4918 §9.3.1), and nothing is made.
    const some = "3\r\nabc\r\n0\r\n\r\n";
    assertEquals(await rawStatus(s.port, `MKCOL /files/c/ HTTP/1.1\r\n${chunked}`, some), 415);
    assertEquals(
      await rawStatus(s.port, "MKCOL /files/d/ HTTP/1.1\r\nContent-Length: 3\r\n", "abc"),
      415,
    );
    const made: string[] = [];
    for await (const e of Deno.readDir(root)) made.push(e.name);
    assertEquals(made.sort(), ["a", "b"]);
  });
});
