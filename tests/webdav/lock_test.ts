/**
 * LOCK and UNLOCK, and the lock check every write passes — WebDAV's own and the uploads' PUT,
 * DELETE and MKCOL through the write guard.
 */

import { assert, assertEquals } from "../support/assert.ts";
import {
  MAX_LOCK_OWNER_TOTAL_BYTES,
  MAX_LOCKS,
  MAX_SHARED_LOCKS_PER_RESOURCE,
} from "../../src/webdav/lock_table.ts";
import { MAX_LOCK_OWNER_BYTES } from "../../src/webdav/lock_handler.ts";
import { lockBody, propfindBody, readMultistatus, textIn, withDav } from "./webdav_fixture.ts";
import { exists } from "../support/paths.ts";

const ALL = { allowDelete: true, allowMkdir: true };

Deno.test("LOCK answers the lock with Lock-Token; lockdiscovery shows it with its owner", async () => {
  await withDav(ALL, async (app) => {
    await Deno.writeTextFile(`${app.root}/f`, "x");
    const res = await app.call(
      "LOCK",
      "/files/f",
      [["Timeout", "Second-600"], ["Depth", "0"]],
      lockBody("exclusive", "<D:href>mailto:me</D:href>"),
    );
    assertEquals(res.status, 200);
    const token = res.header("lock-token")!;
    assert(/^<urn:uuid:[0-9a-f-]{36}>$/.test(token), token);
    assert(res.text.includes("<D:timeout>Second-600</D:timeout>"), res.text);
    const found = await app.call(
      "PROPFIND",
      "/files/f",
      [["Depth", "0"]],
      propfindBody("lockdiscovery"),
    );
    const disc = readMultistatus(found.text).get("/files/f")!.get("{DAV:}lockdiscovery")!;
    const text = textIn(disc.element);
    assert(text.includes(token.slice(1, -1)) && text.includes("mailto:me"), found.text);
  });
});

Deno.test("a locked file refuses PUT, DELETE, PROPPATCH, MOVE without the token (423), takes it with", async () => {
  await withDav(ALL, async (app) => {
    await Deno.writeTextFile(`${app.root}/f`, "v1");
    const token = (await app.call("LOCK", "/files/f", [], lockBody())).header("lock-token")!;
    const put = await app.call("PUT", "/files/f", [], "v2");
    assertEquals(put.status, 423);
    assert(put.text.includes("<D:lock-token-submitted><D:href>/files/f</D:href>"), put.text);
    assertEquals((await app.call("DELETE", "/files/f")).status, 423);
    assertEquals((await app.call("MOVE", "/files/f", [["Destination", "/files/g"]])).status, 423);
    assertEquals(
      (await app.call("COPY", "/files/f", [["Destination", "/files/g"]])).status,
      201,
      "reading is free",
    );
    assertEquals((await app.call("COPY", "/files/g", [["Destination", "/files/f"]])).status, 423);
    assertEquals(await Deno.readTextFile(`${app.root}/f`), "v1");
    const withToken: [string, string] = ["If", `(${token})`];
    assertEquals((await app.call("PUT", "/files/f", [withToken], "v2")).status, 204);
    assertEquals(await Deno.readTextFile(`${app.root}/f`), "v2");
    assertEquals(
      (await app.call("PUT", "/files/f", [["If", "(<urn:uuid:wrong>)"]], "v3")).status,
      412,
    );
    assertEquals((await app.call("PUT", "/files/f", [["If", "((("]], "v3")).status, 400);
    assertEquals((await app.call("UNLOCK", "/files/f", [["Lock-Token", token]])).status, 204);
    assertEquals((await app.call("PUT", "/files/f", [], "v3")).status, 204);
  });
});

Deno.test("a depth-infinity folder lock guards new members: PUT, MKCOL, POST of a form", async () => {
  await withDav(ALL, async (app) => {
    await Deno.mkdir(`${app.root}/d`);
    const token = (await app.call("LOCK", "/files/d/", [["Depth", "infinity"]], lockBody())).header(
      "lock-token",
    )!;
    assertEquals((await app.call("PUT", "/files/d/new.txt", [], "x")).status, 423);
    assertEquals((await app.call("MKCOL", "/files/d/sub/")).status, 423);
    const form =
      "--B\r\nContent-Disposition: form-data; name=f; filename=a.txt\r\n\r\nx\r\n--B--\r\n";
    const post = await app.call("POST", "/files/d/", [[
      "Content-Type",
      "multipart/form-data; boundary=B",
    ]], form);
    assertEquals(post.status, 423);
    assertEquals([...Deno.readDirSync(`${app.root}/d`)], [], "nothing was written");
    const tagged: [string, string] = ["If", `<http://dav.test/files/d/> (${token})`];
    assertEquals((await app.call("PUT", "/files/d/new.txt", [tagged], "x")).status, 201);
    assertEquals((await app.call("DELETE", "/files/d/")).status, 423);
    assertEquals((await app.call("DELETE", "/files/d/", [tagged])).status, 204);
    // The folder is gone, and its lock with it.
    assertEquals((await app.call("MKCOL", "/files/d/")).status, 201);
  });
});

Deno.test("exclusive conflicts 423; shared locks stack; UNLOCK with a wrong token is 409", async () => {
  await withDav(ALL, async (app) => {
    await Deno.writeTextFile(`${app.root}/f`, "x");
    await Deno.writeTextFile(`${app.root}/s`, "x");
    assertEquals((await app.call("LOCK", "/files/f", [], lockBody())).status, 200);
    const again = await app.call("LOCK", "/files/f", [], lockBody());
    assertEquals(again.status, 423);
    assert(again.text.includes("no-conflicting-lock"));
    assertEquals((await app.call("LOCK", "/files/s", [], lockBody("shared"))).status, 200);
    assertEquals((await app.call("LOCK", "/files/s", [], lockBody("shared"))).status, 200);
    assertEquals(
      (await app.call("UNLOCK", "/files/f", [["Lock-Token", "<urn:uuid:nope>"]])).status,
      409,
    );
    assertEquals((await app.call("UNLOCK", "/files/f", [["Lock-Token", "nope"]])).status, 400);
    assertEquals((await app.call("LOCK", "/files/f", [["Depth", "1"]], lockBody())).status, 400);
    assertEquals(
      (await app.call("LOCK", "/files/f", [], "<D:lockinfo xmlns:D='DAV:'/>")).status,
      400,
    );
  });
});

Deno.test("LOCK and UNLOCK take no no-break space (0xA0) for the OWS around Depth and Lock-Token", async () => {
  // OWS is SP and HTAB only (RFC 9110 §5.6.3); String.trim would take the NBSP off.
  await withDav(ALL, async (app) => {
    await Deno.writeTextFile(`${app.root}/f`, "x");
    assertEquals(
      (await app.call("LOCK", "/files/f", [["Depth", "0\xA0"]], lockBody())).status,
      400,
    );
    const locked = await app.call(
      "LOCK",
      "/files/f",
      [["Depth", "\t0 "], ["Timeout", "Second-100\xA0"]],
      lockBody(),
    );
    assertEquals(locked.status, 200);
    // A timeout the NBSP made unreadable is not honoured: the default is granted instead.
    assert(!locked.text.includes("<D:timeout>Second-100</D:timeout>"), locked.text);
    const token = locked.header("lock-token")!;
    assertEquals(
      (await app.call("UNLOCK", "/files/f", [["Lock-Token", `${token}\xA0`]])).status,
      400,
    );
    assertEquals(
      (await app.call("UNLOCK", "/files/f", [["Lock-Token", `\xA0${token}`]])).status,
      400,
    );
    assertEquals(
      (await app.call("UNLOCK", "/files/f", [["Lock-Token", `\t${token} `]])).status,
      204,
    );
  });
});

Deno.test("LOCK on an unmapped URL makes an empty file (201); a refresh restarts the timeout", async () => {
  await withDav(ALL, async (app) => {
    const res = await app.call("LOCK", "/files/new.txt", [[
      "Timeout",
      "Infinite, Second-4100000000",
    ]], lockBody());
    assertEquals(res.status, 201);
    assertEquals(await Deno.readTextFile(`${app.root}/new.txt`), "");
    assert(res.text.includes("<D:timeout>Second-86400</D:timeout>"), "capped at one day");
    const token = res.header("lock-token")!;
    const refreshed = await app.call("LOCK", "/files/new.txt", [["If", `(${token})`], [
      "Timeout",
      "Second-60",
    ]]);
    assertEquals(refreshed.status, 200);
    assert(refreshed.text.includes("<D:timeout>Second-60</D:timeout>"), refreshed.text);
    assertEquals(refreshed.header("lock-token"), undefined);
    assertEquals(
      (await app.call("LOCK", "/files/new.txt", [["If", "(<urn:uuid:x>)"]])).status,
      412,
    );
    assertEquals((await app.call("LOCK", "/files/new.txt")).status, 400);
    assertEquals((await app.call("LOCK", "/files/no/dir/x", [], lockBody())).status, 409);
  });
});

Deno.test("concurrent LOCKs on one unmapped URL: one 201 whose file stays, the rest 423", async () => {
  await withDav(ALL, async (app) => {
    await Deno.mkdir(`${app.root}/race`);
    for (let round = 0; round < 40; round++) {
      const path = `/files/race/f${round}.txt`;
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => app.call("LOCK", path, [["Depth", "0"]], lockBody())),
      );
      const statuses = answers.map((a) => a.status).sort();
      assertEquals(statuses, [201, 423, 423, 423, 423, 423, 423, 423], `round ${round}`);
      assertEquals(await exists(`${app.root}/race/f${round}.txt`), true, `round ${round}`);
    }
  });
});

Deno.test("LOCK on a FIFO answers 404 as GET does, takes no lock and leaves the FIFO", async () => {
  await withDav(ALL, async (app) => {
    const made = await new Deno.Command("mkfifo", { args: [`${app.root}/pipe`] }).output()
      .catch(() => null);
    if (made === null || !made.success) return; // no mkfifo on this platform
    await Deno.symlink("pipe", `${app.root}/to-pipe`);
    for (const path of ["/files/pipe", "/files/to-pipe"]) {
      assertEquals((await app.call("GET", path)).status, 404, path);
      for (const depth of ["0", "infinity"]) {
        const res = await app.call("LOCK", path, [["Depth", depth]], lockBody());
        assertEquals(res.status, 404, `${path} depth ${depth}`);
        assertEquals(res.header("lock-token"), undefined);
      }
      assertEquals((await Deno.lstat(`${app.root}/pipe`)).isFifo, true);
    }
    // No lock was left on the name: a PUT without a token goes through. A FIFO is nothing to a
    // write, as to GET, so the first PUT creates (201); the link then leads to that file (204).
    for (const [path, status] of [["/files/pipe", 201], ["/files/to-pipe", 204]] as const) {
      assertEquals((await app.call("PUT", path, [], "x")).status, status, path);
    }
  });
});

Deno.test("a LOCK refused because the table is full leaves no file behind (503)", async () => {
  await withDav(ALL, async (app) => {
    // Shared locks spread over files: one resource holds at most MAX_SHARED_LOCKS_PER_RESOURCE.
    for (let i = 0; i < MAX_LOCKS; i++) {
      const name = `s${Math.floor(i / MAX_SHARED_LOCKS_PER_RESOURCE)}`;
      if (i % MAX_SHARED_LOCKS_PER_RESOURCE === 0) {
        await Deno.writeTextFile(`${app.root}/${name}`, "x");
      }
      const res = await app.call("LOCK", `/files/${name}`, [], lockBody("shared"));
      if (res.status !== 200) throw new Error(`lock ${i}: ${res.status}`);
    }
    assertEquals((await app.call("LOCK", "/files/new.txt", [], lockBody())).status, 503);
    assertEquals(await exists(`${app.root}/new.txt`), false, "the file made for the lock is gone");
  });
});

Deno.test("a shared LOCK past MAX_SHARED_LOCKS_PER_RESOURCE on one resource answers 503", async () => {
  await withDav(ALL, async (app) => {
    await Deno.mkdir(`${app.root}/lk`);
    const owner = `<D:href>${"o".repeat(4000)}</D:href>`;
    for (let i = 0; i < MAX_SHARED_LOCKS_PER_RESOURCE; i++) {
      const res = await app.call("LOCK", "/files/lk/", [["Depth", "0"]], lockBody("shared", owner));
      assertEquals(res.status, 200, `lock ${i}`);
    }
    const past = await app.call("LOCK", "/files/lk/", [["Depth", "0"]], lockBody("shared", owner));
    assertEquals(past.status, 503);
    assert(past.text.includes("shared locks"), past.text);
    const found = await app.call("PROPFIND", "/files/lk/", [["Depth", "0"]]);
    assertEquals(found.status, 207);
    const disc = readMultistatus(found.text).get("/files/lk/")!.get("{DAV:}lockdiscovery")!;
    const listed = disc.element.children.filter((c) => typeof c !== "string");
    assertEquals(listed.length, MAX_SHARED_LOCKS_PER_RESOURCE);
    assert(found.text.length < 100_000, `${found.text.length} bytes`);
  });
});

Deno.test("a LOCK whose owner would pass MAX_LOCK_OWNER_TOTAL_BYTES of all owners answers 503", async () => {
  await withDav(ALL, async (app) => {
    // The owner is stored as `<href xmlns="DAV:">…</href>`: 26 bytes of markup around the text.
    const owner = `<D:href>${"o".repeat(4096 - 26)}</D:href>`;
    for (let i = 0; i < MAX_LOCK_OWNER_TOTAL_BYTES / 4096; i++) {
      const res = await app.call("LOCK", `/files/f${i}`, [], lockBody("exclusive", owner));
      if (res.status !== 201) throw new Error(`lock ${i}: ${res.status}`);
    }
    const past = await app.call("LOCK", "/files/past", [], lockBody("exclusive", "x"));
    assertEquals(past.status, 503);
    assertEquals(await exists(`${app.root}/past`), false, "a refused LOCK makes no file");
    assertEquals(
      (await app.call("LOCK", "/files/none", [], lockBody("exclusive", ""))).status,
      201,
    );
  });
});

Deno.test("PROPFIND Depth 1 lists a folder's depth-infinity lock once in each member's lockdiscovery", async () => {
  await withDav(ALL, async (app) => {
    await Deno.mkdir(`${app.root}/d`);
    await Deno.writeTextFile(`${app.root}/d/f`, "x");
    const lockRes = await app.call("LOCK", "/files/d/", [["Depth", "infinity"]], lockBody());
    assertEquals(lockRes.status, 200);
    const found = await app.call("PROPFIND", "/files/d/", [["Depth", "1"]]);
    const all = readMultistatus(found.text);
    for (const href of ["/files/d/", "/files/d/f"]) {
      const disc = all.get(href)!.get("{DAV:}lockdiscovery")!;
      const listed = disc.element.children.filter((c) => typeof c !== "string");
      assertEquals(listed.length, 1, href);
    }
  });
});

Deno.test("locks do not follow a COPY, and a MOVE leaves them behind", async () => {
  await withDav(ALL, async (app) => {
    await Deno.writeTextFile(`${app.root}/f`, "x");
    const token = (await app.call("LOCK", "/files/f", [], lockBody())).header("lock-token")!;
    assertEquals((await app.call("COPY", "/files/f", [["Destination", "/files/c"]])).status, 201);
    assertEquals((await app.call("PUT", "/files/c", [], "y")).status, 204, "the copy is free");
    const moved = await app.call("MOVE", "/files/f", [["Destination", "/files/m"], [
      "If",
      `(${token})`,
    ]]);
    assertEquals(moved.status, 201);
    assertEquals((await app.call("PUT", "/files/m", [], "y")).status, 204);
    assertEquals(
      (await app.call("PUT", "/files/f", [], "z")).status,
      201,
      "released with the move",
    );
  });
});

Deno.test("a MOVE or COPY over a locked file keeps the destination's lock for what arrives (§7.7)", async () => {
  await withDav({ allowDelete: true, allowMkdir: true }, async (app) => {
    const lockOf = async (path: string) =>
      (await app.call("LOCK", path, [], lockBody())).header("lock-token")!;
    // davfs2's save: a locked original, a locked temp file moved over it, the original's token.
    await Deno.writeTextFile(`${app.root}/doc.txt`, "v1");
    await Deno.writeTextFile(`${app.root}/doc.tmp`, "v2");
    const a = await lockOf("/files/doc.txt");
    const b = await lockOf("/files/doc.tmp");
    const both: [string, string] = [
      "If",
      `</files/doc.txt> (${a}) </files/doc.tmp> (${b})`,
    ];
    const dest: [string, string] = ["Destination", "http://dav.test/files/doc.txt"];
    assertEquals((await app.call("MOVE", "/files/doc.tmp", [dest, both])).status, 204);
    assertEquals(await Deno.readTextFile(`${app.root}/doc.txt`), "v2");
    const refresh = await app.call("LOCK", "/files/doc.txt", [["If", `(${a})`]]);
    assertEquals(refresh.status, 200, "the original's lock still holds the name");
    assertEquals((await app.call("PUT", "/files/doc.txt", [], "stranger")).status, 423);
    assertEquals((await app.call("PUT", "/files/doc.txt", [["If", `(${a})`]], "v3")).status, 204);
    // The temp file's lock does not travel: locks do not move (§9.9.1).
    assertEquals((await app.call("UNLOCK", "/files/doc.tmp", [["Lock-Token", b]])).status, 409);
    // COPY over a locked file keeps its lock the same way.
    await Deno.writeTextFile(`${app.root}/other.txt`, "other");
    const copy: [string, string] = ["Destination", "http://dav.test/files/doc.txt"];
    const tagged: [string, string] = ["If", `</files/doc.txt> (${a})`];
    const copied = await app.call("COPY", "/files/other.txt", [copy, tagged]);
    assertEquals(copied.status, 204);
    assertEquals((await app.call("PUT", "/files/doc.txt", [], "stranger")).status, 423);
  });
});

Deno.test("a folder's lockroot ends in / in LOCK, refresh and lockdiscovery; a file's does not", async () => {
  await withDav(ALL, async (app) => {
    await Deno.mkdir(`${app.root}/l0`);
    await Deno.writeTextFile(`${app.root}/l0/f`, "x");
    const root = "<D:lockroot><D:href>/files/l0/</D:href></D:lockroot>";
    const res = await app.call("LOCK", "/files/l0/", [], lockBody());
    assertEquals(res.status, 200);
    assert(res.text.includes(root), res.text);
    const token = res.header("lock-token")!;
    const refreshed = await app.call("LOCK", "/files/l0/", [["If", `(${token})`]], "");
    assert(refreshed.text.includes(root), refreshed.text);
    for (const path of ["/files/l0/", "/files/l0/f"]) {
      const found = await app.call(
        "PROPFIND",
        path,
        [["Depth", "0"]],
        propfindBody("lockdiscovery"),
      );
      assert(found.text.includes(root), found.text);
    }
    const file = await app.call("LOCK", "/files/g", [["Depth", "0"]], lockBody());
    assert(file.text.includes("<D:href>/files/g</D:href></D:lockroot>"), file.text);
  });
});

Deno.test("the 423 for a write under a locked folder names the folder's href, ending in /", async () => {
  await withDav(ALL, async (app) => {
    await Deno.mkdir(`${app.root}/ld`);
    assertEquals((await app.call("LOCK", "/files/ld/", [], lockBody())).status, 200);
    const put = await app.call("PUT", "/files/ld/new.txt", [], "x");
    assertEquals(put.status, 423);
    assert(put.text.includes("<D:lock-token-submitted><D:href>/files/ld/</D:href>"), put.text);
  });
});

Deno.test("a LOCK whose owner passes MAX_LOCK_OWNER_BYTES answers 400 and locks nothing", async () => {
  await withDav(ALL, async (app) => {
    const atLimit = await app.call(
      "LOCK",
      "/files/at",
      [["Depth", "0"]],
      lockBody("exclusive", "A".repeat(MAX_LOCK_OWNER_BYTES)),
    );
    assertEquals(atLimit.status, 201);
    const past = await app.call(
      "LOCK",
      "/files/past",
      [["Depth", "0"]],
      lockBody("exclusive", "é".repeat(MAX_LOCK_OWNER_BYTES / 2) + "A"),
    );
    assertEquals(past.status, 400);
    assert(past.text.includes(`${MAX_LOCK_OWNER_BYTES} bytes`), past.text);
    assertEquals(await exists(`${app.root}/past`), false);
    assertEquals((await app.call("PUT", "/files/past", [], "x")).status, 201, "no lock was taken");
  });
});

Deno.test("a depth-infinity LOCK blocked by a locked member answers 207: the member 423, the folder 424", async () => {
  await withDav(ALL, async (app) => {
    await Deno.mkdir(`${app.root}/d`);
    await Deno.mkdir(`${app.root}/d/sub`);
    await Deno.writeTextFile(`${app.root}/d/sub/m.txt`, "m");
    await app.call("LOCK", "/files/d/sub/m.txt", [["Depth", "0"]], lockBody());
    const res = await app.call("LOCK", "/files/d/", [["Depth", "infinity"]], lockBody());
    assertEquals(res.status, 207);
    const answers = readMultistatus(res.text);
    assertEquals([...answers.keys()].sort(), ["/files/d/", "/files/d/sub/m.txt"]);
    assert(
      /<D:href>\/files\/d\/sub\/m.txt<\/D:href><D:status>HTTP\/1.1 423 Locked<\/D:status><D:error><D:no-conflicting-lock><D:href>\/files\/d\/sub\/m.txt<\/D:href>/
        .test(res.text),
      res.text,
    );
    assert(
      res.text.includes("<D:href>/files/d/</D:href><D:status>HTTP/1.1 424 Failed Dependency"),
      res.text,
    );
    // A lock on the folder itself (or above it) is still a plain 423.
    const again = await app.call("LOCK", "/files/d/sub/m.txt", [["Depth", "0"]], lockBody());
    assertEquals(again.status, 423);
  });
});

Deno.test("--no-overwrite lets a lock holder fill the empty file it claimed (Windows, Finder), and nothing else", async () => {
  await withDav({ ...ALL, noOverwrite: true }, async (app) => {
    // Windows Explorer: an empty PUT claims the name, a LOCK, then the content.
    assertEquals((await app.call("PUT", "/files/win.txt", [], "")).status, 201);
    const win = (await app.call("LOCK", "/files/win.txt", [], lockBody())).header("lock-token")!;
    // Another client, without the token: the name exists, and overwriting is off.
    assertEquals((await app.call("PUT", "/files/win.txt", [], "someone else")).status, 409);
    const filled = await app.call("PUT", "/files/win.txt", [["If", `(${win})`]], "content");
    assertEquals(filled.status, 204);
    assertEquals(await Deno.readTextFile(`${app.root}/win.txt`), "content");
    // Filled, it is kept like any file, even from the lock holder.
    const again = await app.call("PUT", "/files/win.txt", [["If", `(${win})`]], "other");
    assertEquals(again.status, 409);
    assertEquals(await Deno.readTextFile(`${app.root}/win.txt`), "content");
    // macOS Finder: a LOCK of the unmapped name makes the empty file, then the PUT.
    const made = await app.call("LOCK", "/files/mac.txt", [], lockBody());
    assertEquals(made.status, 201);
    const mac = made.header("lock-token")!;
    const tagged = `<http://dav.test/files/mac.txt> (${mac})`;
    assertEquals((await app.call("PUT", "/files/mac.txt", [["If", tagged]], "mac")).status, 204);
    assertEquals(await Deno.readTextFile(`${app.root}/mac.txt`), "mac");
    // An empty file nobody holds a lock on is kept too.
    await Deno.writeTextFile(`${app.root}/empty.txt`, "");
    assertEquals((await app.call("PUT", "/files/empty.txt", [], "x")).status, 409);
    assertEquals(await Deno.readTextFile(`${app.root}/empty.txt`), "");
  });
});

Deno.test("a file shared-locked inside a shared-locked folder takes a PUT with either lock's token (§6.2)", async () => {
  await withDav(ALL, async (app) => {
    await Deno.mkdir(`${app.root}/sh`);
    await Deno.writeTextFile(`${app.root}/sh/f`, "v0");
    const folder = await app.call("LOCK", "/files/sh/", [], lockBody("shared", "a"));
    const file = await app.call("LOCK", "/files/sh/f", [["Depth", "0"]], lockBody("shared", "b"));
    assertEquals([folder.status, file.status], [200, 200]);
    const put = (token: string | undefined, body: string) =>
      app.call("PUT", "/files/sh/f", token === undefined ? [] : [["If", `(${token})`]], body);
    assertEquals((await put(undefined, "x")).status, 423);
    assertEquals((await put(file.header("lock-token"), "v1")).status, 204);
    assertEquals((await put(folder.header("lock-token"), "v2")).status, 204);
    assertEquals(await Deno.readTextFile(`${app.root}/sh/f`), "v2");
    // The file's lock holds the file only, not the folder's other members: a header that holds
    // (tagged with the file) submits its token, and the new member is still the folder's.
    const tagged = `<http://dav.test/files/sh/f> (${file.header("lock-token")})`;
    const other = await app.call("PUT", "/files/sh/g", [["If", tagged]], "x");
    assertEquals(other.status, 423);
    assert(other.text.includes("<D:href>/files/sh/</D:href>"), other.text);
  });
});

Deno.test("a lock refresh evaluates its If header: a false one is 412 and refreshes nothing", async () => {
  await withDav(ALL, async (app) => {
    await Deno.writeTextFile(`${app.root}/a.txt`, "a");
    await Deno.writeTextFile(`${app.root}/r.txt`, "r");
    const granted = await app.call("LOCK", "/files/r.txt", [["Timeout", "Second-600"]], lockBody());
    const token = granted.header("lock-token")!;
    const refresh = (path: string, value: string) =>
      app.call("LOCK", path, [["If", value], ["Timeout", "Second-60"]]);
    const timeoutOf = async () => {
      const body = propfindBody("lockdiscovery");
      const res = await app.call("PROPFIND", "/files/r.txt", [["Depth", "0"]], body);
      return /<D:timeout>Second-(\d+)<\/D:timeout>/.exec(res.text)?.[1];
    };
    // A list whose entity tag does not match is false: the header does not hold (§10.4.1).
    assertEquals((await refresh("/files/r.txt", `(${token} ["nope"])`)).status, 412);
    // Tagged with another resource, which the token does not cover: false too.
    assertEquals((await refresh("/files/r.txt", `</files/a.txt> (${token})`)).status, 412);
    assertEquals((await refresh("/files/a.txt", `</files/a.txt> (${token})`)).status, 412);
    // Named only in a false list, beside one that holds: not the lock the header proves.
    const aside = await refresh("/files/r.txt", `(${token} ["nope"]) (Not <DAV:no-lock>)`);
    assertEquals(aside.status, 412);
    assert(aside.text.includes("lock-token-matches-request-uri"), aside.text);
    assert(Number(await timeoutOf()) > 60, "none of these refreshed the lock");
    assertEquals((await refresh("/files/r.txt", "(((")).status, 400);
    const ok = await refresh("/files/r.txt", `(${token})`);
    assertEquals(ok.status, 200);
    assertEquals(await timeoutOf(), "60");
    const tagged = await refresh("/files/r.txt", `</files/r.txt> (${token})`);
    assertEquals(tagged.status, 200);
  });
});
