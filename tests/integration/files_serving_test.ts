/**
 * `GET`/`HEAD /files/<file>` against the real server with curl and raw TCP: types, validators,
 * 304/412 flows, ranges (single, suffix, open, multipart, 416, If-Range), compression and
 * precompressed siblings, HEAD, methods, and a 20 MiB file streamed byte-exact.
 */

import { brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";
import { startApp } from "../support/app_server.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { APP_JS, curl, startFilesServer, TEXT, text } from "./files_fixture.ts";
import { CAN_COUNT_FDS, openFdsTo } from "../support/open_fds.ts";

/** How long closed client connections may take to be closed on the server side too. */
const FD_SETTLE_MS = 2000;
const FD_POLL_MS = 20;

Deno.test("a file answers with its type, length, validators and cache policy", async () => {
  const fs = await startFilesServer();
  try {
    const res = await curl([fs.url("/files/hello.txt")]);
    assertEquals([res.status, text(res.body)], [200, "hello world\n"]);
    assertEquals(res.headers.get("content-type"), "text/plain; charset=utf-8");
    assertEquals(res.headers.get("content-length"), "12");
    assertEquals(res.headers.get("accept-ranges"), "bytes");
    assertEquals(res.headers.get("cache-control"), "no-cache");
    assert(/^"[0-9a-z-]+"$/.test(res.headers.get("etag") ?? ""), "strong etag");
    assert(res.headers.get("last-modified")?.endsWith(" GMT"));
    const unknown = await curl([fs.url("/files/data.unknownext")]);
    assertEquals(unknown.headers.get("content-type"), "application/octet-stream");
  } finally {
    await fs.close();
  }
});

Deno.test("a file dated in the future is sent with a Last-Modified no later than Date", async () => {
  const fs = await startFilesServer();
  try {
    const future = new Date(Date.UTC(2090, 0, 1));
    await Deno.utime(`${fs.tree.root}/hello.txt`, future, future);
    const res = await curl([fs.url("/files/hello.txt")]);
    const modified = Date.parse(res.headers.get("last-modified") ?? "");
    const date = Date.parse(res.headers.get("date") ?? "");
    // RFC 9110 §8.8.2.1: the origin server MUST replace a later date with the Date.
    assert(modified <= date, `${res.headers.get("last-modified")} > ${res.headers.get("date")}`);
  } finally {
    await fs.close();
  }
});

Deno.test("a file rewritten in place with its mtime set back gets a new ETag, not a 304", async () => {
  const fs = await startFilesServer();
  try {
    const path = `${fs.tree.root}/same.txt`;
    const when = new Date(Date.UTC(2024, 0, 15, 12, 0, 0));
    await Deno.writeTextFile(path, "AAAAAAAA");
    await Deno.utime(path, when, when);
    const first = await curl([fs.url("/files/same.txt")]);
    const tag = first.headers.get("etag")!;
    // What `rsync --inplace -t` or `touch -r` leave: same size, same mtime, same inode. Deno's
    // stat gives the change time in whole seconds, so the rewrite comes in the next one.
    await new Promise((r) => setTimeout(r, 1_050));
    await Deno.writeTextFile(path, "BBBBBBBB");
    await Deno.utime(path, when, when);
    const again = await curl(["-H", `If-None-Match: ${tag}`, fs.url("/files/same.txt")]);
    assertEquals([again.status, text(again.body)], [200, "BBBBBBBB"]);
    assert(again.headers.get("etag") !== tag, "RFC 9110 §8.8.1: the strong tag changes");
  } finally {
    await fs.close();
  }
});

Deno.test("cacheSeconds sets a max-age", async () => {
  const fs = await startFilesServer({ cacheSeconds: 3600 });
  try {
    const res = await curl([fs.url("/files/hello.txt")]);
    assertEquals(res.headers.get("cache-control"), "max-age=3600");
  } finally {
    await fs.close();
  }
});

Deno.test("HEAD answers the same fields as GET and no body", async () => {
  const fs = await startFilesServer();
  try {
    for (const path of ["/files/hello.txt", "/files/text.txt"]) {
      const get = await exchange(fs.port, `GET ${path} HTTP/1.1\r\nHost: t\r\n`);
      // HEAD then GET on one connection: any HEAD body would show up before the second status
      const both = await exchange(
        fs.port,
        `HEAD ${path} HTTP/1.1\r\nHost: t\r\n\r\nGET ${path} HTTP/1.1\r\nHost: t\r\n`,
      );
      const headPart = both.slice(0, both.indexOf("\r\n\r\n") + 4);
      assertEquals(both.slice(headPart.length), get, "the GET follows the HEAD's head at once");
      const fields = (raw: string) =>
        raw.slice(0, raw.indexOf("\r\n\r\n")).split("\r\n").filter((l) =>
          !/^(date|connection):/i.test(l)
        );
      assertEquals(fields(headPart), fields(get));
    }
  } finally {
    await fs.close();
  }
});

/** Sends `head` (without its final CRLF) with Connection: close and returns all bytes back. */
async function exchange(port: number, head: string): Promise<string> {
  const c = await RawClient.connect(port);
  try {
    await c.send(`${head}Connection: close\r\n\r\n`);
    return (await c.readAll()).replace(/^Date: .*\r\n/gm, "");
  } finally {
    c.close();
  }
}

Deno.test("If-None-Match and If-Modified-Since give 304, a changed file 200", async () => {
  const fs = await startFilesServer();
  try {
    const first = await curl([fs.url("/files/hello.txt")]);
    const etag = first.headers.get("etag")!;
    const lastModified = first.headers.get("last-modified")!;
    const inm = await curl(["-H", `If-None-Match: "x", ${etag}`, fs.url("/files/hello.txt")]);
    assertEquals([inm.status, inm.body.length, inm.headers.get("etag")], [304, 0, etag]);
    const weak = await curl(["-H", `If-None-Match: W/${etag}`, fs.url("/files/hello.txt")]);
    assertEquals(weak.status, 304);
    const star = await curl(["-H", "If-None-Match: *", fs.url("/files/hello.txt")]);
    assertEquals(star.status, 304);
    const ims = await curl([
      "-H",
      `If-Modified-Since: ${lastModified}`,
      fs.url("/files/hello.txt"),
    ]);
    assertEquals(ims.status, 304);
    await Deno.writeTextFile(`${fs.tree.root}/hello.txt`, "changed!\n");
    await Deno.utime(`${fs.tree.root}/hello.txt`, new Date(), new Date(Date.now() + 5000));
    const after = await curl(["-H", `If-None-Match: ${etag}`, fs.url("/files/hello.txt")]);
    assertEquals([after.status, text(after.body)], [200, "changed!\n"]);
    assert(after.headers.get("etag") !== etag);
  } finally {
    await fs.close();
  }
});

Deno.test("If-Match and If-Unmodified-Since give 412 when they fail", async () => {
  const fs = await startFilesServer();
  try {
    const first = await curl([fs.url("/files/hello.txt")]);
    const etag = first.headers.get("etag")!;
    const ok = await curl(["-H", `If-Match: ${etag}`, fs.url("/files/hello.txt")]);
    assertEquals(ok.status, 200);
    const bad = await curl(["-H", 'If-Match: "other"', fs.url("/files/hello.txt")]);
    assertEquals(bad.status, 412);
    const old = "Sat, 01 Jan 2000 00:00:00 GMT";
    const ius = await curl(["-H", `If-Unmodified-Since: ${old}`, fs.url("/files/hello.txt")]);
    assertEquals(ius.status, 412);
  } finally {
    await fs.close();
  }
});

Deno.test("single, suffix and open ranges answer 206 with Content-Range", async () => {
  const fs = await startFilesServer();
  try {
    const size = TEXT.length;
    const cases: Array<[string, number, number]> = [
      ["0-9", 0, 9],
      ["-5", size - 5, size - 1],
      [`${size - 3}-`, size - 3, size - 1],
      [`10-${size * 2}`, 10, size - 1],
    ];
    for (const [spec, start, end] of cases) {
      const res = await curl(["-H", `Range: bytes=${spec}`, fs.url("/files/text.txt")]);
      assertEquals(res.status, 206, spec);
      assertEquals(res.headers.get("content-range"), `bytes ${start}-${end}/${size}`);
      assertEquals(text(res.body), TEXT.slice(start, end + 1));
      assertEquals(res.headers.get("content-encoding"), undefined, "a 206 is never compressed");
    }
  } finally {
    await fs.close();
  }
});

Deno.test("several ranges answer multipart/byteranges with each part's range", async () => {
  const fs = await startFilesServer();
  try {
    const res = await curl(["-H", "Range: bytes=0-4,-6", fs.url("/files/text.txt")]);
    assertEquals(res.status, 206);
    const type = res.headers.get("content-type")!;
    const boundary = type.match(/^multipart\/byteranges; boundary=(.+)$/)?.[1];
    assert(boundary !== undefined, type);
    assertEquals(Number(res.headers.get("content-length")), res.body.length);
    const size = TEXT.length;
    assertEquals(
      text(res.body),
      `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Range: bytes 0-4/${size}\r\n\r\n${TEXT.slice(0, 5)}\r\n` +
        `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Range: bytes ${size - 6}-${size - 1}/${size}\r\n\r\n${TEXT.slice(-6)}\r\n` +
        `--${boundary}--\r\n`,
    );
  } finally {
    await fs.close();
  }
});

Deno.test("an unsatisfiable range is 416 and a malformed one is ignored", async () => {
  const fs = await startFilesServer();
  try {
    const res = await curl(["-H", "Range: bytes=99999-", fs.url("/files/hello.txt")]);
    assertEquals([res.status, res.headers.get("content-range")], [416, "bytes */12"]);
    const bad = await curl(["-H", "Range: bytes=abc", fs.url("/files/hello.txt")]);
    assertEquals([bad.status, text(bad.body)], [200, "hello world\n"]);
  } finally {
    await fs.close();
  }
});

Deno.test("If-Range serves the range only while the validator matches", async () => {
  const fs = await startFilesServer();
  try {
    // A whole-second mtime, so that the date form can match too (see the next test).
    const second = new Date(Date.UTC(2024, 0, 15, 12, 0, 0));
    await Deno.utime(`${fs.tree.root}/hello.txt`, second, second);
    const first = await curl([fs.url("/files/hello.txt")]);
    const etag = first.headers.get("etag")!;
    const date = first.headers.get("last-modified")!;
    const args = (v: string) => ["-H", "Range: bytes=0-4", "-H", `If-Range: ${v}`];
    assertEquals((await curl([...args(etag), fs.url("/files/hello.txt")])).status, 206);
    assertEquals((await curl([...args(date), fs.url("/files/hello.txt")])).status, 206);
    const stale = await curl([...args('"old"'), fs.url("/files/hello.txt")]);
    assertEquals([stale.status, text(stale.body)], [200, "hello world\n"]);
    assertEquals((await curl([...args(`W/${etag}`), fs.url("/files/hello.txt")])).status, 200);
  } finally {
    await fs.close();
  }
});

Deno.test("an If-Range date vouches only for a file whose mtime is that very second", async () => {
  const fs = await startFilesServer();
  try {
    const path = `${fs.tree.root}/hello.txt`;
    const url = fs.url("/files/hello.txt");
    const ranged = async () => {
      const date = (await curl([url])).headers.get("last-modified")!;
      return (await curl(["-H", "Range: bytes=0-4", "-H", `If-Range: ${date}`, url])).status;
    };
    const second = Date.UTC(2024, 0, 15, 12, 0, 0);
    await Deno.utime(path, new Date(second), new Date(second));
    assertEquals(await ranged(), 206);
    // Written at 12:00:00.400, say, then again at .900: one Last-Modified for both (§13.1.5).
    await Deno.utime(path, new Date(second + 900), new Date(second + 900));
    assertEquals(await ranged(), 200);
  } finally {
    await fs.close();
  }
});

Deno.test("gzip and br responses decompress to the file, with Vary", async () => {
  const fs = await startFilesServer();
  try {
    const gz = await curl(["-H", "Accept-Encoding: gzip", fs.url("/files/text.txt")]);
    assertEquals(gz.headers.get("content-encoding"), "gzip");
    assertEquals(gz.headers.get("vary"), "Accept-Encoding");
    assertEquals(text(gunzipSync(gz.body)), TEXT);
    assert(gz.body.length < TEXT.length / 4);
    const br = await curl(["-H", "Accept-Encoding: br, gzip", fs.url("/files/text.txt")]);
    assertEquals(br.headers.get("content-encoding"), "br");
    assertEquals(text(brotliDecompressSync(br.body)), TEXT);
    const auto = await curl(["--compressed", fs.url("/files/text.txt")]);
    assertEquals(text(auto.body), TEXT);
    const none = await curl(["-H", "Accept-Encoding: identity", fs.url("/files/text.txt")]);
    assertEquals([none.headers.get("content-encoding"), text(none.body)], [undefined, TEXT]);
    const small = await curl(["-H", "Accept-Encoding: gzip", fs.url("/files/hello.txt")]);
    assertEquals(small.headers.get("content-encoding"), undefined, "below the threshold");
    // a compressed form has its own strong tag, and revalidates against it
    const tag = gz.headers.get("etag")!;
    const again = await curl([
      "-H",
      "Accept-Encoding: gzip",
      "-H",
      `If-None-Match: ${tag}`,
      fs.url("/files/text.txt"),
    ]);
    assertEquals(again.status, 304);
  } finally {
    await fs.close();
  }
});

Deno.test("an .svgz goes out as image/svg+xml with Content-Encoding: gzip, never gzipped again", async () => {
  const fs = await startFilesServer();
  try {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg">${"<g/>".repeat(2000)}</svg>`;
    const stored = new Uint8Array(gzipSync(new TextEncoder().encode(svg)));
    await Deno.writeFile(`${fs.tree.root}/drawing.svgz`, stored);
    for (const accept of [["-H", "Accept-Encoding: gzip, br"], []]) {
      const got = await curl([...accept, fs.url("/files/drawing.svgz")]);
      assertEquals(got.status, 200);
      assertEquals(got.headers.get("content-type"), "image/svg+xml");
      assertEquals(got.headers.get("content-encoding"), "gzip");
      assertEquals(got.headers.get("vary"), undefined, "nothing was negotiated");
      assertEquals(got.body, stored, "the stored bytes, gzipped once");
    }
    const decoded = await curl(["--compressed", fs.url("/files/drawing.svgz")]);
    assertEquals(text(decoded.body), svg);
    const head = await curl(["-I", fs.url("/files/drawing.svgz")]);
    assertEquals(head.headers.get("content-encoding"), "gzip");
    assertEquals(head.headers.get("content-length"), String(stored.length));
    // One range is a range of the encoded bytes; several get the whole file.
    const one = await curl(["-H", "Range: bytes=0-9", fs.url("/files/drawing.svgz")]);
    assertEquals([one.status, one.headers.get("content-encoding")], [206, "gzip"]);
    assertEquals(one.headers.get("content-range"), `bytes 0-9/${stored.length}`);
    assertEquals(one.body, stored.subarray(0, 10));
    const two = await curl(["-H", "Range: bytes=0-1,5-6", fs.url("/files/drawing.svgz")]);
    assertEquals([two.status, two.body], [200, stored]);
  } finally {
    await fs.close();
  }
});

Deno.test("precompressed siblings are served when acceptable, with the original's type", async () => {
  const fs = await startFilesServer();
  try {
    const siblingBytes = async (ext: string) =>
      await Deno.readFile(`${fs.tree.root}/app.js.${ext}`);
    const br = await curl(["-H", "Accept-Encoding: br", fs.url("/files/app.js")]);
    assertEquals(br.headers.get("content-encoding"), "br");
    assertEquals(br.headers.get("content-type"), "text/javascript; charset=utf-8");
    assertEquals(br.body, await siblingBytes("br"));
    const gz = await curl(["-H", "Accept-Encoding: gzip", fs.url("/files/app.js")]);
    assertEquals([gz.headers.get("content-encoding"), gz.body], ["gzip", await siblingBytes("gz")]);
    assertEquals(text(gunzipSync(gz.body)), APP_JS);
    const plain = await curl([fs.url("/files/app.js")]);
    assertEquals(text(plain.body), APP_JS);
  } finally {
    await fs.close();
  }
});

Deno.test("other methods answer 405 with Allow, OPTIONS answers Allow", async () => {
  const fs = await startFilesServer();
  try {
    const del = await curl(["-X", "DELETE", fs.url("/files/hello.txt")]);
    assertEquals(del.status, 405);
    assert(del.headers.get("allow")?.includes("GET"));
    const opt = await curl(["-X", "OPTIONS", fs.url("/files/hello.txt")]);
    assert(opt.headers.get("allow")?.includes("HEAD"));
    assert(await Deno.stat(`${fs.tree.root}/hello.txt`));
  } finally {
    await fs.close();
  }
});

Deno.test("a 20 MiB file streams byte-exact, whole, by range and compressed", async () => {
  const fs = await startFilesServer();
  try {
    const size = 20 * 1024 * 1024;
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 13)) & 0xff;
    await Deno.writeFile(`${fs.tree.root}/big.bin`, data);
    const whole = await curl([fs.url("/files/big.bin")]);
    assertEquals(whole.status, 200);
    assertEquals(whole.body.length, size);
    assert(whole.body.every((b, i) => b === data[i]), "bytes differ");
    const part = await curl(["-H", "Range: bytes=1000000-1999999", fs.url("/files/big.bin")]);
    assertEquals(part.status, 206);
    assert(part.body.every((b, i) => b === data[1_000_000 + i]) && part.body.length === 1_000_000);
    const multi = await curl(["-H", "Range: bytes=0-9,-10", fs.url("/files/big.bin")]);
    assertEquals(multi.status, 206);
    assertEquals(Number(multi.headers.get("content-length")), multi.body.length);
    const bigText = "0123456789abcdef\n".repeat(200_000);
    await Deno.writeTextFile(`${fs.tree.root}/big.txt`, bigText);
    const gz = await curl(["-H", "Accept-Encoding: gzip", fs.url("/files/big.txt")]);
    assertEquals(gz.headers.get("transfer-encoding"), "chunked");
    assertEquals(text(gunzipSync(gz.body)), bigText);
  } finally {
    await fs.close();
  }
});

Deno.test("a large file's descriptor is closed on HEAD, 304, 412, 416, ranged and encoded HEAD", async () => {
  const fs = await startFilesServer();
  try {
    await Deno.writeTextFile(`${fs.tree.root}/large.txt`, "x".repeat(300 * 1024));
    const url = fs.url("/files/large.txt");
    const etag = (await curl(["-I", url])).headers.get("etag")!;
    const file = `${fs.tree.root}/large.txt`;
    if (CAN_COUNT_FDS) {
      assertEquals(await fdsToSettledAt(file, 0), 0, "the first HEAD's file is closed");
    }
    const cases: Array<[string[], number]> = [
      [["-I"], 200],
      [["-I", "-H", "Accept-Encoding: gzip"], 200],
      [["-H", `If-None-Match: ${etag}`], 304],
      [["-H", 'If-Match: "nope"'], 412],
      [["-H", "Range: bytes=999999999-"], 416],
      // A HEAD with Range is answered as the GET (206) and sends nothing: its window or
      // multipart stream of the file is released unread.
      [["-I", "-H", "Range: bytes=0-1,5-6"], 206],
      [["-I", "-H", "Range: bytes=100-"], 206],
    ];
    for (const [args, status] of cases) {
      assertEquals((await curl([...args, url])).status, status, args.join(" "));
    }
    const encodedHead = await curl(["-I", "-H", "Accept-Encoding: gzip", url]);
    assertEquals(encodedHead.headers.get("content-encoding"), "gzip");
    assertEquals(encodedHead.headers.get("content-length"), undefined, "length unknown");
    // The server runs in this process: the file left open by any answer shows up here. Only
    // descriptors of this file are counted; the runtime's own come and go (65 vs 66 in a CI run).
    if (CAN_COUNT_FDS) assertEquals(await fdsToSettledAt(file, 0), 0, "descriptors leaked");
  } finally {
    await fs.close();
  }
});

/** Waits (bounded) for the server to close its descriptors of `path`, then counts again. */
async function fdsToSettledAt(path: string, target: number): Promise<number> {
  const deadline = Date.now() + FD_SETTLE_MS;
  let now = await openFdsTo(path);
  while (now > target && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, FD_POLL_MS));
    now = await openFdsTo(path);
  }
  return now;
}

Deno.test("an uploaded HTML file is served sandboxed and nosniff, a text file only nosniff", async () => {
  const root = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${root}/evil.html`,
    "<script>fetch('/files/x',{method:'DELETE'})</script>",
  );
  await Deno.writeTextFile(`${root}/note.txt`, "hello");
  const srv = await startApp(appConfig({ directory: root }));
  try {
    const html = await fetch(`http://127.0.0.1:${srv.port}/files/evil.html`);
    await html.body?.cancel();
    assertEquals(html.headers.get("content-security-policy"), "sandbox");
    assertEquals(html.headers.get("x-content-type-options"), "nosniff");
    const text = await fetch(`http://127.0.0.1:${srv.port}/files/note.txt`);
    assertEquals(await text.text(), "hello");
    assertEquals(text.headers.get("content-security-policy"), null);
    assertEquals(text.headers.get("x-content-type-options"), "nosniff");
  } finally {
    await srv.close();
    await Deno.remove(root, { recursive: true });
  }
});
