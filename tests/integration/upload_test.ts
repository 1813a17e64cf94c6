/**
 * Uploads over the real server: raw TCP for byte-exact framing, real curl for what clients
 * really send (Expect: 100-continue above 1 MiB, chunked, -T). Every test also checks what is
 * left on disk: the stored file, and never a temp file.
 */

import { join } from "node:path";
import { UNASKED_DIGEST_MAX_BYTES } from "../../src/uploads/raw_upload.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";
import {
  chunked,
  curlRun,
  filesBelow,
  head,
  headField,
  pattern,
  request,
  send,
  settledFiles,
  sha256b64,
  withUploadServer,
} from "./upload_fixture.ts";

const MIB = 1024 * 1024;

Deno.test("POST /files/<name> stores the raw body byte for byte and answers 201 with Location", async () => {
  await withUploadServer({}, async (s) => {
    const body = pattern(300_000);
    const res = await request(s.port, "POST", "/files/data.bin", [], body);
    assertEquals(res.status, 201);
    assertEquals(res.header("location"), "/files/data.bin");
    assertEquals(res.header("repr-digest"), `sha-256=:${sha256b64(body)}:`);
    assertEquals(await Deno.readFile(`${s.root}/data.bin`), body);
    assertEquals(await filesBelow(s.root), ["data.bin"]);
  });
});

Deno.test("PUT answers 201 for a new file, 204 when it replaces one, with the ETag GET sends", async () => {
  await withUploadServer({ statCacheMs: 0 }, async (s) => {
    const first = await request(s.port, "PUT", "/files/a%20dir/n%C3%A9w.txt", [], "one");
    assertEquals([first.status, first.header("location")], [201, "/files/a%20dir/n%C3%A9w.txt"]);
    const second = await request(s.port, "PUT", "/files/a%20dir/n%C3%A9w.txt", [], "two!");
    assertEquals([second.status, second.body.length], [204, 0]);
    const got = await request(s.port, "GET", "/files/a%20dir/n%C3%A9w.txt");
    assertEquals([got.status, got.text], [200, "two!"]);
    assertEquals(got.header("etag"), second.header("etag"));
    assertEquals(await filesBelow(s.root), ["a dir/néw.txt"]);
  });
});

Deno.test("a GET right after a write sees it, despite the read side's stat cache", async () => {
  await withUploadServer({ statCacheMs: 60_000, allowDelete: true }, async (s) => {
    assertEquals((await request(s.port, "GET", "/files/n.txt")).status, 404); // cached as missing
    await request(s.port, "PUT", "/files/n.txt", [], "first");
    assertEquals((await request(s.port, "GET", "/files/n.txt")).text, "first");
    await request(s.port, "PUT", "/files/n.txt", [], "second");
    assertEquals((await request(s.port, "GET", "/files/n.txt")).text, "second");
    await request(s.port, "DELETE", "/files/n.txt");
    assertEquals((await request(s.port, "GET", "/files/n.txt")).status, 404);
  });
});

Deno.test("a chunked upload is stored byte for byte", async () => {
  await withUploadServer({}, async (s) => {
    const body = pattern(200_001, 3);
    const res = await request(
      s.port,
      "PUT",
      "/files/c.bin",
      [["Transfer-Encoding", "chunked"]],
      chunked(body, 7777),
    );
    assertEquals(res.status, 201);
    assertEquals(await Deno.readFile(`${s.root}/c.bin`), body);
  });
});

Deno.test("curl -T over 1 MiB gets 100 Continue, then 201, and the file matches", async () => {
  await withUploadServer({}, async (s) => {
    const path = await Deno.makeTempFile();
    const data = pattern(3 * MIB + 17, 5);
    await Deno.writeFile(path, data);
    try {
      // Past the unasked-digest size the digest comes when asked for.
      const want = ["-H", "Want-Repr-Digest: sha-256=1"];
      const run = await curlRun([...want, "-T", path, s.url("/files/big.bin")]);
      assertEquals(run.heads.map((h) => h.split("\r\n")[0]), [
        "HTTP/1.1 100 Continue",
        "HTTP/1.1 201 Created",
      ]);
      assertEquals(headField(run.heads[1], "repr-digest"), `sha-256=:${sha256b64(data)}:`);
      assertEquals(await Deno.readFile(`${s.root}/big.bin`), data);
    } finally {
      await Deno.remove(path);
    }
  });
});

Deno.test("curl -T over the limit gets 413 instead of 100 Continue and the body is never read", async () => {
  await withUploadServer({ maxUploadBytes: 2 * MIB }, async (s) => {
    const path = await Deno.makeTempFile();
    await Deno.writeFile(path, pattern(3 * MIB));
    try {
      const run = await curlRun(["-T", path, s.url("/files/big.bin")]);
      assertEquals(run.heads.map((h) => h.split("\r\n")[0]), ["HTTP/1.1 413 Content Too Large"]);
      assertEquals(await filesBelow(s.root), []);
    } finally {
      await Deno.remove(path);
    }
  });
});

Deno.test("a refused Expect: 100-continue upload is answered before any body byte is sent", async () => {
  await withUploadServer({ readOnly: true }, async (s) => {
    const c = await RawClient.connect(s.port);
    try {
      await c.send(
        head("PUT", "/files/x", [["Content-Length", "1000"], ["Expect", "100-continue"]]),
      );
      const res = await c.readResponse(3000); // no body sent: the answer must come anyway
      assertEquals(res?.status, 403);
      assertEquals(await c.closedByServer(3000), true);
    } finally {
      c.close();
    }
  });
});

Deno.test("a chunked PUT whose X-Expected-Entity-Length (macOS Finder) passes --max-upload gets 413, not 100", async () => {
  await withUploadServer({ maxUploadBytes: 1024 }, async (s) => {
    const c = await RawClient.connect(s.port);
    try {
      await c.send(head("PUT", "/files/big.bin", [
        ["Transfer-Encoding", "chunked"],
        ["X-Expected-Entity-Length", "5000"],
        ["Expect", "100-continue"],
      ]));
      assertEquals((await c.readResponse(3000))?.status, 413);
    } finally {
      c.close();
    }
    // Within the limit it is an ordinary chunked upload.
    const ok = await RawClient.connect(s.port);
    try {
      await ok.send(
        head("PUT", "/files/small.bin", [
          ["Transfer-Encoding", "chunked"],
          ["X-Expected-Entity-Length", "5"],
        ]) + "5\r\nhello\r\n0\r\n\r\n",
      );
      assertEquals((await ok.readResponse(3000))?.status, 201);
      assertEquals(await Deno.readTextFile(`${s.root}/small.bin`), "hello");
    } finally {
      ok.close();
    }
  });
});

Deno.test("an accepted Expect: 100-continue upload gets 100 first, then its answer", async () => {
  await withUploadServer({}, async (s) => {
    const c = await RawClient.connect(s.port);
    try {
      await c.send(head("PUT", "/files/x", [["Content-Length", "5"], ["Expect", "100-continue"]]));
      assertEquals((await c.readResponse(3000))?.status, 100);
      await c.send("hello");
      assertEquals((await c.readResponse(3000))?.status, 201);
      assertEquals(await Deno.readTextFile(`${s.root}/x`), "hello");
    } finally {
      c.close();
    }
  });
});

Deno.test("a declared length at the limit is stored; one byte past it gets 413 and close", async () => {
  await withUploadServer({ maxUploadBytes: 1000 }, async (s) => {
    assertEquals((await request(s.port, "PUT", "/files/at", [], pattern(1000))).status, 201);
    const { res, client } = await send(
      s.port,
      head("PUT", "/files/past", [["Content-Length", "1001"]]),
    );
    try {
      assertEquals(res?.status, 413);
      assertEquals(await client.closedByServer(3000), true);
    } finally {
      client.close();
    }
    assertEquals(await filesBelow(s.root), ["at"]);
  });
});

Deno.test("a chunked body crossing the limit gets 413, closes, and leaves nothing", async () => {
  await withUploadServer({ maxUploadBytes: 1000 }, async (s) => {
    const ok = await request(
      s.port,
      "PUT",
      "/files/at",
      [["Transfer-Encoding", "chunked"]],
      chunked(pattern(1000), 300),
    );
    assertEquals(ok.status, 201);
    const { res, client } = await send(
      s.port,
      head("PUT", "/files/past", [["Transfer-Encoding", "chunked"]]),
      chunked(pattern(1001), 300),
    );
    try {
      assertEquals(res?.status, 413);
      assertEquals(await client.closedByServer(3000), true);
    } finally {
      client.close();
    }
    assertEquals(await settledFiles(s.root, ["at"]), ["at"]);
  });
});

Deno.test("a chunk-size line announcing more than --max-upload gets 413 before any data", async () => {
  await withUploadServer({ maxUploadBytes: 1000 }, async (s) => {
    // 1 TiB announced, no data sent: only the size line can have been judged.
    const { res, client } = await send(
      s.port,
      head("PUT", "/files/huge", [["Transfer-Encoding", "chunked"]]),
      "10000000000\r\n",
    );
    try {
      assertEquals(res?.status, 413);
      assertEquals(await client.closedByServer(3000), true);
    } finally {
      client.close();
    }
    assertEquals(await settledFiles(s.root, []), []);
  });
});

Deno.test("chunks whose sum passes --max-upload get 413 at the size line that crosses", async () => {
  await withUploadServer({ maxUploadBytes: 1000 }, async (s) => {
    // 600 bytes in, then a size line for 600 more: refused before those 600 are sent.
    const { res, client } = await send(
      s.port,
      head("PUT", "/files/sum", [["Transfer-Encoding", "chunked"]]),
      `258\r\n${"a".repeat(600)}\r\n258\r\n`,
    );
    try {
      assertEquals(res?.status, 413);
      assertEquals(await client.closedByServer(3000), true);
    } finally {
      client.close();
    }
    assertEquals(await settledFiles(s.root, []), []);
  });
});

Deno.test("a client that disconnects mid-body leaves no file and no temp file", async () => {
  await withUploadServer({}, async (s) => {
    const c = await RawClient.connect(s.port);
    await c.send(head("PUT", "/files/cut.bin", [["Content-Length", String(4 * MIB)]]));
    await c.send(pattern(1_500_000));
    await new Promise((r) => setTimeout(r, 100)); // let the server start writing
    c.close();
    assertEquals(await settledFiles(s.root, []), []);
  });
});

Deno.test("a body that stalls past the body timeout gets 408 and leaves nothing", async () => {
  await withUploadServer({}, async (s) => {
    const c = await RawClient.connect(s.port);
    try {
      await c.send(head("PUT", "/files/slow.bin", [["Content-Length", "100000"]]));
      await c.send(pattern(10_000));
      const res = await c.readResponse(5000);
      assertEquals(res?.status, 408);
      assertEquals(await settledFiles(s.root, []), []);
    } finally {
      c.close();
    }
  }, { bodyIdleTimeoutMs: 300 });
});

Deno.test("a body that does not match its Content-Digest gets 400 and leaves nothing", async () => {
  await withUploadServer({}, async (s) => {
    const body = pattern(50_000);
    const wrong = sha256b64(pattern(50_000, 2));
    const bad = await request(s.port, "PUT", "/files/d.bin", [[
      "Content-Digest",
      `sha-256=:${wrong}:`,
    ]], body);
    assertEquals(bad.status, 400);
    assertEquals(await filesBelow(s.root), []);
    const good = await request(s.port, "PUT", "/files/d.bin", [[
      "Repr-Digest",
      `sha-256=:${sha256b64(body)}:`,
    ]], body);
    assertEquals(good.status, 201);
    const malformed = await request(s.port, "PUT", "/files/e.bin", [[
      "Content-Digest",
      "sha-256=nope",
    ]], body);
    assertEquals(malformed.status, 400);
    assertEquals(await filesBelow(s.root), ["d.bin"]);
  });
});

Deno.test("a write answers Repr-Digest with the algorithm Want-Repr-Digest prefers", async () => {
  await withUploadServer({}, async (s) => {
    const res = await request(s.port, "PUT", "/files/w", [[
      "Want-Repr-Digest",
      "sha-512=5, sha-256=1",
    ]], "x");
    assert(res.header("repr-digest")?.startsWith("sha-512=:"));
  });
});

Deno.test("a write past the unasked-digest size answers Repr-Digest only when asked", async () => {
  await withUploadServer({}, async (s) => {
    const big = new Uint8Array(UNASKED_DIGEST_MAX_BYTES + 1);
    const declared = await request(s.port, "PUT", "/files/big", [], big);
    assertEquals([declared.status, declared.header("repr-digest")], [201, undefined]);
    const streamed = await request(
      s.port,
      "PUT",
      "/files/big",
      [["Transfer-Encoding", "chunked"]],
      chunked(big, MIB),
    );
    assertEquals([streamed.status, streamed.header("repr-digest")], [204, undefined]);
    const asked = await request(
      s.port,
      "PUT",
      "/files/big",
      [["Want-Repr-Digest", "sha-256=1"]],
      big,
    );
    assertEquals(asked.header("repr-digest"), `sha-256=:${sha256b64(big)}:`);
  });
});

Deno.test("GET with Want-Repr-Digest gets the stored file's Repr-Digest", async () => {
  await withUploadServer({ statCacheMs: 0 }, async (s) => {
    const body = pattern(70_000, 9);
    await Deno.writeFile(`${s.root}/r.bin`, body);
    const res = await request(s.port, "GET", "/files/r.bin", [["Want-Repr-Digest", "sha-256=1"]]);
    assertEquals(res.header("repr-digest"), `sha-256=:${sha256b64(body)}:`);
    const ranged = await request(s.port, "GET", "/files/r.bin", [
      ["Want-Repr-Digest", "sha-256=1"],
      ["Range", "bytes=0-9"],
    ]);
    assertEquals([ranged.status, ranged.header("repr-digest")], [
      206,
      `sha-256=:${sha256b64(body)}:`,
    ]);
    const plain = await request(s.port, "GET", "/files/r.bin");
    assertEquals(plain.header("repr-digest"), undefined);
  });
});

Deno.test("two uploads to the same name at once leave exactly one of the two bodies", async () => {
  await withUploadServer({}, async (s) => {
    const size = 2 * MIB;
    const a = new Uint8Array(size).fill(0x61);
    const b = new Uint8Array(size).fill(0x62);
    for (let round = 0; round < 3; round++) {
      const ca = await RawClient.connect(s.port);
      const cb = await RawClient.connect(s.port);
      try {
        await ca.send(head("PUT", "/files/same.bin", [["Content-Length", String(size)]]));
        await cb.send(head("PUT", "/files/same.bin", [["Content-Length", String(size)]]));
        const piece = 64 * 1024;
        for (let at = 0; at < size; at += piece) {
          await ca.send(a.subarray(at, at + piece));
          await cb.send(b.subarray(at, at + piece));
        }
        const [ra, rb] = await Promise.all([ca.readResponse(10_000), cb.readResponse(10_000)]);
        assert([201, 204].includes(ra!.status) && [201, 204].includes(rb!.status));
      } finally {
        ca.close();
        cb.close();
      }
      const stored = await Deno.readFile(`${s.root}/same.bin`);
      assertEquals(stored.length, size);
      assert(stored.every((x) => x === stored[0]), "one body, never a mix");
      assertEquals(await filesBelow(s.root), ["same.bin"]);
    }
  });
});

Deno.test("a body with a Content-Encoding is refused with 415", async () => {
  await withUploadServer({}, async (s) => {
    const res = await request(s.port, "PUT", "/files/z", [["Content-Encoding", "gzip"]], "x");
    assertEquals(res.status, 415);
    assertEquals(res.header("accept-encoding"), "identity"); // RFC 9110 §12.5.3
    assertEquals(await filesBelow(s.root), []);
  });
});

Deno.test("a PUT with Content-Range is refused with 400 and stores nothing (RFC 9110 §14.5)", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.writeTextFile(`${s.root}/kept.txt`, "0123456789");
    for (const path of ["/files/new.txt", "/files/kept.txt"]) {
      const res = await request(s.port, "PUT", path, [["Content-Range", "bytes 0-4/10"]], "hello");
      assertEquals(res.status, 400, path);
    }
    assertEquals(await filesBelow(s.root), ["kept.txt"]);
    assertEquals(await Deno.readTextFile(`${s.root}/kept.txt`), "0123456789");
  });
});

Deno.test("curl -C - -T, a Content-Range naming the whole file, stores it as a plain PUT", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.writeTextFile(`${s.root}/kept.txt`, "old contents, longer than the new");
    const path = await Deno.makeTempFile();
    try {
      await Deno.writeTextFile(path, "0123456789");
      // Over HTTP curl cannot learn the remote size: it sends `Content-Range: bytes 0-9/10`.
      const fresh = await curlRun(["-C", "-", "-T", path, s.url("/files/new.txt")]);
      assertEquals(fresh.status, 201);
      const replaced = await curlRun(["-C", "-", "-T", path, s.url("/files/kept.txt")]);
      assertEquals(replaced.status, 204);
    } finally {
      await Deno.remove(path);
    }
    assertEquals(await filesBelow(s.root), ["kept.txt", "new.txt"]);
    assertEquals(await Deno.readTextFile(`${s.root}/new.txt`), "0123456789");
    assertEquals(await Deno.readTextFile(`${s.root}/kept.txt`), "0123456789");
  });
});

Deno.test("uploads racing to create the same missing parent folders all succeed", async () => {
  await withUploadServer({}, async (s) => {
    const names = Array.from({ length: 8 }, (_, i) => `deep/er/still/f${i}.txt`);
    const results = await Promise.all(
      names.map((n, i) => request(s.port, "PUT", `/files/${n}`, [], `body ${i}`)),
    );
    assertEquals(results.map((r) => r.status), names.map(() => 201));
    assertEquals(await filesBelow(s.root), [...names].sort());
  });
});

Deno.test("a write's If-Match accepts the tag of a compressed download of the same bytes", async () => {
  await withUploadServer({ allowDelete: true }, async (s) => {
    await Deno.writeTextFile(join(s.root, "notes.txt"), "compressible text ".repeat(200));
    const tagFor = async (coding: string) =>
      (await request(s.port, "GET", "/files/notes.txt", [["Accept-Encoding", coding]]))
        .header("etag")!;
    const br = await tagFor("br");
    assert(br.endsWith('-br"'), br);
    const gzip = await tagFor("gzip");
    // Another suffix is not a coding of ours: that tag names nothing.
    const bogus = `${br.slice(0, -'br"'.length)}zz"`;
    const put = (tag: string) =>
      request(s.port, "PUT", "/files/notes.txt", [["If-Match", tag]], "new text");
    assertEquals((await put(bogus)).status, 412);
    assertEquals((await put(br)).status, 204);
    assertEquals((await put(gzip)).status, 412, "the file changed since that download");
    const fresh = await tagFor("gzip");
    const del = await request(s.port, "DELETE", "/files/notes.txt", [["If-Match", fresh]]);
    assertEquals(del.status, 204);
  });
});
