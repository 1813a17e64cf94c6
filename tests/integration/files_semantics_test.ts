/**
 * RFC 9110 semantics of `/files/` answers that an RFC probe compared with nginx, over raw TCP
 * with GET and HEAD: what a folder's 304 repeats of its 200, stale precompressed siblings, ranges
 * on an empty file, the folder redirect's cache policy, no `Accept-Ranges` on coded answers and
 * `Vary` on a file's 412 and 416.
 */

import { gunzipSync, gzipSync } from "node:zlib";
import { assert, assertEquals } from "../support/assert.ts";
import { latin1, RawClient } from "../support/server.ts";
import { startFilesServer, TEXT } from "./files_fixture.ts";

/** A response as read off the wire, without its Date. */
interface Answer {
  status: number;
  /** The field lines in order, without the protocol's own: Date, Server and Connection. */
  fields: Array<[string, string]>;
  body: Uint8Array;
  get(name: string): string | undefined;
}

/** Sends one request with `fields` and Connection: close; returns what came back. */
async function ask(
  port: number,
  method: string,
  target: string,
  fields: Record<string, string> = {},
): Promise<Answer> {
  const c = await RawClient.connect(port);
  let raw: string;
  try {
    const lines = Object.entries(fields).map(([n, v]) => `${n}: ${v}\r\n`).join("");
    await c.send(`${method} ${target} HTTP/1.1\r\nHost: t\r\n${lines}Connection: close\r\n\r\n`);
    raw = await c.readAll();
  } finally {
    c.close();
  }
  const end = raw.indexOf("\r\n\r\n");
  assert(end > 0, `no response head for ${method} ${target}`);
  const [statusLine, ...rest] = raw.slice(0, end).split("\r\n");
  const all = rest.map((l) => {
    const i = l.indexOf(":");
    return [l.slice(0, i), l.slice(i + 1).trim()] as [string, string];
  });
  const kept = all.filter(([n]) => !/^(date|server|connection)$/i.test(n));
  return {
    status: Number(statusLine.split(" ")[1]),
    fields: kept,
    body: latin1(raw.slice(end + 4)),
    get: (name) => all.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1],
  };
}

/** GET and HEAD of `target`: the same status and fields, HEAD without a body. */
async function getAndHead(
  port: number,
  target: string,
  fields: Record<string, string> = {},
): Promise<Answer> {
  const get = await ask(port, "GET", target, fields);
  const head = await ask(port, "HEAD", target, fields);
  // Framing is the connection's: a HEAD of a body streamed as chunked may leave it out
  // (RFC 9112 §6.1).
  const fieldsOf = (a: Answer) => a.fields.filter(([n]) => !/^transfer-encoding$/i.test(n));
  assertEquals([head.status, fieldsOf(head)], [get.status, fieldsOf(get)], `HEAD ${target}`);
  assertEquals(head.body.length, 0, `HEAD ${target} has no body`);
  return get;
}

const decoder = new TextDecoder();

Deno.test("a folder's 304 carries the ETag, Cache-Control and Vary of its 200, for every query", async () => {
  const fs = await startFilesServer();
  try {
    const page = [["Cache-Control", "no-cache"], ["Vary", "Accept, Accept-Encoding"]];
    // [target, caching fields, whether the page is tagged by its bytes]
    const cases: Array<[string, string[][], boolean]> = [
      ["/files/sub/", page, true],
      ["/files/sub/?format=json", page, true],
      ["/files/sub/?q=nest", page, true],
      ["/files/sub/?q=", page, true],
      ["/files/?sort=size", page, true],
      ["/files/sub/?zip", [["Cache-Control", "no-store"]], false],
    ];
    for (const [target, caching, tagged] of cases) {
      const ok = await ask(fs.port, "GET", target, { "Accept-Encoding": "gzip" });
      assertEquals(ok.status, 200, target);
      const pick = (a: Answer) =>
        a.fields.filter(([n]) => /^(cache-control|vary|expires|content-location)$/i.test(n));
      assertEquals(pick(ok), caching, `the 200 of ${target}`);
      const tag = ok.get("etag");
      assertEquals(tag !== undefined, tagged, `the 200 of ${target} has an ETag: ${tag}`);
      const validators: string[][] = tag === undefined ? [] : [["ETag", tag]];
      for (const method of ["GET", "HEAD"]) {
        for (const condition of tag === undefined ? ["*"] : ["*", tag]) {
          const res = await ask(fs.port, method, target, { "If-None-Match": condition });
          assertEquals(
            [res.status, res.fields],
            [304, [...validators, ...caching, ["X-Content-Type-Options", "nosniff"]]],
            `${method} ${target} If-None-Match: ${condition}`,
          );
          assertEquals(res.body.length, 0);
        }
      }
    }
  } finally {
    await fs.close();
  }
});

Deno.test("a malformed ?zip on a folder is 400 before If-None-Match is weighed", async () => {
  const fs = await startFilesServer();
  try {
    const res = await ask(fs.port, "GET", "/files/sub/?zip&name=..", { "If-None-Match": "*" });
    assertEquals(res.status, 400);
  } finally {
    await fs.close();
  }
});

Deno.test("a precompressed sibling older than its file is ignored until it is made again", async () => {
  const fs = await startFilesServer();
  try {
    const path = `${fs.tree.root}/stale.js`;
    const source = new Date(Date.UTC(2024, 0, 15, 12, 0, 0));
    await Deno.writeTextFile(path, "var NEW=1;");
    await Deno.utime(path, source, source);
    await Deno.writeFile(`${path}.gz`, gzipSync(new TextEncoder().encode("var OLD=0;")));
    const before = new Date(source.getTime() - 60_000);
    await Deno.utime(`${path}.gz`, before, before);
    const plain = await getAndHead(fs.port, "/files/stale.js");
    const gz = await getAndHead(fs.port, "/files/stale.js", { "Accept-Encoding": "gzip" });
    assertEquals(gz.get("content-encoding"), undefined, "the old .gz is not this file");
    assertEquals(decoder.decode(gz.body), "var NEW=1;");
    assertEquals(gz.get("etag"), plain.get("etag"));
    // Made again from the current file: served again (statCacheMs is 0 in these tests).
    await Deno.writeFile(`${path}.gz`, gzipSync(new TextEncoder().encode("var NEW=1;")));
    const after = new Date(source.getTime() + 60_000);
    await Deno.utime(`${path}.gz`, after, after);
    const fresh = await getAndHead(fs.port, "/files/stale.js", { "Accept-Encoding": "gzip" });
    assertEquals(fresh.get("content-encoding"), "gzip");
    assertEquals(decoder.decode(gunzipSync(fresh.body)), "var NEW=1;");
  } finally {
    await fs.close();
  }
});

Deno.test("a large file's stale sibling is ignored and it is compressed on the fly", async () => {
  const fs = await startFilesServer();
  try {
    const path = `${fs.tree.root}/big.js`;
    const current = "var NEW=1;\n".repeat(20_000); // past the in-memory limit: opened per request
    const source = new Date(Date.UTC(2024, 0, 15, 12, 0, 0));
    await Deno.writeTextFile(path, current);
    await Deno.utime(path, source, source);
    await Deno.writeFile(`${path}.gz`, gzipSync(new TextEncoder().encode("var OLD=0;")));
    const before = new Date(source.getTime() - 60_000);
    await Deno.utime(`${path}.gz`, before, before);
    const gz = await ask(fs.port, "GET", "/files/big.js", { "Accept-Encoding": "gzip" });
    assertEquals([gz.status, gz.get("content-encoding")], [200, "gzip"]);
    assertEquals(gz.get("transfer-encoding"), "chunked", "compressed as it streams");
    assertEquals(decoder.decode(gunzipSync(dechunk(gz.body))), current);
  } finally {
    await fs.close();
  }
});

/** The payload of a chunked body (sizes in hex, no extensions, no trailers). */
function dechunk(body: Uint8Array): Uint8Array {
  const parts: number[] = [];
  let at = 0;
  for (;;) {
    let lineEnd = at;
    while (body[lineEnd] !== 0x0d) lineEnd++;
    const size = Number.parseInt(decoder.decode(body.subarray(at, lineEnd)), 16);
    at = lineEnd + 2;
    if (size === 0) return new Uint8Array(parts);
    for (let i = 0; i < size; i++) parts.push(body[at + i]);
    at += size + 2;
  }
}

Deno.test("any Range on an empty file answers 200 with the empty file and Accept-Ranges", async () => {
  const fs = await startFilesServer();
  try {
    await Deno.writeTextFile(`${fs.tree.root}/empty.txt`, "");
    const plain = await getAndHead(fs.port, "/files/empty.txt");
    for (const range of ["bytes=0-", "bytes=0-0", "bytes=-0", "bytes=-5", "bytes=5-9,0-"]) {
      const res = await getAndHead(fs.port, "/files/empty.txt", { Range: range });
      assertEquals([res.status, res.fields], [200, plain.fields], range);
      assertEquals(res.get("content-length"), "0");
      assertEquals(res.get("accept-ranges"), "bytes");
      assertEquals(res.get("content-range"), undefined);
      assertEquals(res.body.length, 0);
    }
    const full = await ask(fs.port, "GET", "/files/hello.txt", { Range: "bytes=12-" });
    assertEquals([full.status, full.get("content-range")], [416, "bytes */12"]);
  } finally {
    await fs.close();
  }
});

Deno.test("the folder redirect is revalidated before reuse, on /files/ and the web root", async () => {
  const fs = await startFilesServer();
  try {
    const cases = [
      ["/files/sub", "/files/sub/"],
      ["/files/sub?zip", "/files/sub/?zip"],
      ["/files", "/files/"],
      ["/about", "/about/"],
    ];
    for (const [target, location] of cases) {
      const res = await getAndHead(fs.port, target);
      assertEquals([res.status, res.get("location")], [308, location], target);
      assertEquals(res.get("cache-control"), "no-cache", target);
    }
  } finally {
    await fs.close();
  }
});

Deno.test("a coded 200 of a file has no Accept-Ranges, and a Range is served from the identity", async () => {
  const fs = await startFilesServer();
  try {
    const large = `${TEXT}`.repeat(20); // 176 KB: streamed and compressed as it goes
    await Deno.writeTextFile(`${fs.tree.root}/big.txt`, large);
    const cases: Array<[string, string]> = [
      ["/files/text.txt", "gzip"], // compressed in memory
      ["/files/big.txt", "gzip"], // compressed as it streams
      ["/files/app.js", "br"], // a precompressed sibling
    ];
    for (const [target, coding] of cases) {
      const res = await getAndHead(fs.port, target, { "Accept-Encoding": coding });
      assertEquals([res.status, res.get("content-encoding")], [200, coding], target);
      // Ranges are of the identity bytes, not of this body (nginx's gzip filter clears it too).
      assertEquals(res.get("accept-ranges"), undefined, target);
      assertEquals(res.get("vary"), "Accept-Encoding", target);
      const part = await ask(fs.port, "GET", target, {
        "Accept-Encoding": coding,
        Range: "bytes=0-3",
      });
      assertEquals([part.status, part.get("content-encoding")], [206, undefined], target);
    }
  } finally {
    await fs.close();
  }
});

Deno.test("a file's 412 and 416 vary by Accept-Encoding like its 200 and 206", async () => {
  const fs = await startFilesServer();
  try {
    const ok = await getAndHead(fs.port, "/files/text.txt");
    const part = await ask(fs.port, "GET", "/files/text.txt", { Range: "bytes=0-3" });
    assertEquals([ok.get("vary"), part.status, part.get("vary")], [
      "Accept-Encoding",
      206,
      "Accept-Encoding",
    ]);
    // The error text is an HTML page for browsers, so these vary by Accept as well.
    const unsatisfiable = await ask(fs.port, "GET", "/files/text.txt", { Range: "bytes=99999-" });
    assertEquals([unsatisfiable.status, unsatisfiable.get("vary")], [
      416,
      "Accept-Encoding, Accept",
    ]);
    const failed = await getAndHead(fs.port, "/files/text.txt", { "If-Match": '"other"' });
    assertEquals([failed.status, failed.get("vary")], [412, "Accept-Encoding, Accept"]);
    // A type that is never compressed does not vary by Accept-Encoding anywhere.
    const opaque = await ask(fs.port, "GET", "/files/data.unknownext", { Range: "bytes=99-" });
    assertEquals([opaque.status, opaque.get("vary")], [416, "Accept"]);
  } finally {
    await fs.close();
  }
});

Deno.test("HEAD with Range answers as the GET would: 206, multipart 206, 416, and 200 past If-Range", async () => {
  const fs = await startFilesServer();
  try {
    const etag = (await ask(fs.port, "GET", "/files/text.txt")).get("etag")!;
    // [Range and other fields, the status the GET and the HEAD give]
    const cases: Array<[Record<string, string>, number]> = [
      [{ Range: "bytes=0-3" }, 206],
      [{ Range: "bytes=-5", "Accept-Encoding": "gzip" }, 206],
      [{ Range: "bytes=99999-" }, 416],
      [{ Range: "bytes=0-3", "If-Range": etag }, 206],
      [{ Range: "bytes=0-3", "If-Range": '"other"' }, 200],
    ];
    for (const [fields, status] of cases) {
      const res = await getAndHead(fs.port, "/files/text.txt", fields);
      assertEquals(res.status, status, JSON.stringify(fields));
    }
    // Several ranges: each answer has its own boundary, the rest is the same. From the cache and
    // from a file read from disk.
    await Deno.writeTextFile(`${fs.tree.root}/large.txt`, TEXT.repeat(200));
    const size = TEXT.length * 200;
    for (const target of ["/files/text.txt", "/files/large.txt"]) {
      const fields = { Range: "bytes=0-1,4-6" };
      const unbound = (
        a: Answer,
      ) => [a.status, a.fields.map(([n, v]) => [n, v.replace(/boundary=\S+/, "boundary=B")])];
      const get = await ask(fs.port, "GET", target, fields);
      const head = await ask(fs.port, "HEAD", target, fields);
      assertEquals(unbound(head), unbound(get), target);
      assertEquals([get.status, head.body.length], [206, 0], target);
    }
    const large = await getAndHead(fs.port, "/files/large.txt", { Range: "bytes=10-19" });
    assertEquals([large.status, large.get("content-range")], [206, `bytes 10-19/${size}`]);
  } finally {
    await fs.close();
  }
});
