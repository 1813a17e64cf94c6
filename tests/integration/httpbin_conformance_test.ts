/**
 * go-httpbin conformance: a table of go-httpbin's documented request → response pairs (its
 * README and handlers: status, the fields that matter, the body's shape), each sent over raw TCP
 * to the real app on port 0. Where wireserve differs on purpose (docs/httpbin.md), the row says
 * so and pins our answer.
 */

import { inflateSync } from "node:zlib";
import { appConfig } from "../../src/app/app_config.ts";
import { type AppServer, startApp } from "../support/app_server.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { RawClient, type RawResponse } from "../support/server.ts";

interface Row {
  /** The request line's method and target, plus any field lines and body. */
  req: [method: string, target: string, fields?: string[], body?: string];
  status: number;
  /** Response fields: exact value, or a pattern it must match. */
  fields?: Record<string, string | RegExp>;
  /** The body: exact text, or a check of the response. */
  body?: string | ((res: RawResponse) => boolean);
}

const json = (res: RawResponse) => JSON.parse(res.text);
const lineCount = (res: RawResponse) => res.text.split("\n").filter((l) => l !== "").length;
const JSON_TYPE = "application/json; charset=utf-8";
const HTML_TYPE = "text/html; charset=utf-8";
const TEXT_TYPE = "text/plain; charset=utf-8";

/** A JSON body nested 9,000 deep: past the call stack of a recursive printer. */
const DEEP_JSON = "[".repeat(9000) + "]".repeat(9000);

const TABLE: Row[] = [
  // Sample documents (go-httpbin: static assets with these types).
  {
    req: ["GET", "/json"],
    status: 200,
    fields: { "content-type": JSON_TYPE },
    body: (r) => json(r).slideshow.slides.length === 2,
  },
  {
    req: ["GET", "/xml"],
    status: 200,
    fields: { "content-type": "application/xml" },
    body: (r) => r.text.includes("<slideshow"),
  },
  {
    req: ["GET", "/html"],
    status: 200,
    fields: { "content-type": HTML_TYPE },
    body: (r) => r.text.includes("Herman Melville - Moby-Dick"),
  },
  { req: ["GET", "/encoding/utf8"], status: 200, fields: { "content-type": HTML_TYPE } },
  {
    req: ["GET", "/forms/post"],
    status: 200,
    fields: { "content-type": HTML_TYPE },
    body: (r) => r.text.includes('<form method="post" action="/post">'),
  },
  {
    req: ["GET", "/robots.txt"],
    status: 200,
    fields: { "content-type": TEXT_TYPE },
    body: "User-agent: *\nDisallow: /deny\n",
  },
  {
    req: ["GET", "/deny"],
    status: 200,
    fields: { "content-type": TEXT_TYPE },
    body: "YOU SHOULDN'T BE HERE",
  },
  // Images: /image/<kind> and Accept negotiation.
  { req: ["GET", "/image/png"], status: 200, fields: { "content-type": "image/png" } },
  { req: ["GET", "/image/jpeg"], status: 200, fields: { "content-type": "image/jpeg" } },
  { req: ["GET", "/image/webp"], status: 200, fields: { "content-type": "image/webp" } },
  { req: ["GET", "/image/svg"], status: 200, fields: { "content-type": "image/svg+xml" } },
  { req: ["GET", "/image/gif"], status: 404 },
  { req: ["GET", "/image"], status: 200, fields: { "content-type": "image/png" } },
  {
    req: ["GET", "/image", ["Accept: image/*"]],
    status: 200,
    fields: { "content-type": "image/png" },
  },
  {
    req: ["GET", "/image", ["Accept: image/webp"]],
    status: 200,
    fields: { "content-type": "image/webp" },
  },
  {
    req: ["GET", "/image", ["Accept: image/svg+xml"]],
    status: 200,
    fields: { "content-type": "image/svg+xml" },
  },
  {
    req: ["GET", "/image", ["Accept: image/jpeg"]],
    status: 200,
    fields: { "content-type": "image/jpeg" },
  },
  // Differs on purpose: go-httpbin answers 415; RFC 9110 §15.5.7 (and httpbin.org) say 406.
  { req: ["GET", "/image", ["Accept: image/raw"]], status: 406 },
  // Cookies.
  {
    req: ["GET", "/cookies", ["Cookie: k1=v1; k2=v2"]],
    status: 200,
    fields: { "content-type": JSON_TYPE },
    body: (r) => JSON.stringify(json(r)) === '{"cookies":{"k1":"v1","k2":"v2"}}',
  },
  {
    req: ["GET", "/cookies"],
    status: 200,
    body: (r) => JSON.stringify(json(r)) === '{"cookies":{}}',
  },
  {
    req: ["GET", "/cookies/set?k1=v1"],
    status: 302,
    fields: { location: "/cookies", "set-cookie": "k1=v1; Path=/; HttpOnly" },
  },
  {
    req: ["GET", "/cookies/delete?k1"],
    status: 302,
    fields: {
      location: "/cookies",
      "set-cookie": /^k1=; Path=\/; HttpOnly; Expires=.*1970.*; Max-Age=0$/,
    },
  },
  // Links.
  { req: ["GET", "/links/10"], status: 302, fields: { location: "/links/10/0" } },
  {
    req: ["GET", "/links/10/1"],
    status: 200,
    fields: { "content-type": HTML_TYPE },
    body: (r) => (r.text.match(/<a href=/g) ?? []).length === 9,
  },
  { req: ["GET", "/links/257"], status: 400 },
  { req: ["GET", "/links/foo"], status: 400 },
  // Streams.
  {
    req: ["GET", "/stream/5"],
    status: 200,
    fields: { "transfer-encoding": "chunked" },
    body: (r) => lineCount(r) === 5,
  },
  { req: ["GET", "/stream/500"], status: 200, body: (r) => lineCount(r) === 100 },
  { req: ["GET", "/stream/foo"], status: 400 },
  {
    req: ["GET", "/jsonl?count=3"],
    status: 200,
    fields: { "content-type": "application/x-ndjson; charset=utf-8" },
    body: (r) => lineCount(r) === 3,
  },
  // Compression: always compressed, whatever Accept-Encoding says.
  {
    req: ["GET", "/deflate"],
    status: 200,
    fields: { "content-encoding": "deflate" },
    body: (r) => JSON.parse(new TextDecoder().decode(inflateSync(r.body))).deflated === true,
  },
  // Digest auth: the challenge, and the path checks.
  {
    req: ["GET", "/digest-auth/auth/user/passwd"],
    status: 401,
    fields: { "www-authenticate": /^Digest .*qop="auth".*algorithm=MD5.*nonce=/ },
  },
  {
    req: ["GET", "/digest-auth/auth/user/passwd/SHA-256"],
    status: 401,
    fields: { "www-authenticate": /algorithm=SHA-256/ },
  },
  { req: ["GET", "/digest-auth/auth-int/user/passwd"], status: 400 },
  { req: ["GET", "/digest-auth/auth/user/passwd/SHA-512"], status: 400 },
  { req: ["GET", "/digest-auth/auth/user"], status: 400 },
  // Small service routes.
  {
    req: ["POST", "/upload", ["Content-Length: 5"], "hello"],
    status: 200,
    body: (r) => json(r).bytes_received === 5 && json(r).method === "POST",
  },
  { req: ["GET", "/unstable?failure_rate=1"], status: 500 },
  { req: ["GET", "/unstable?failure_rate=0"], status: 200 },
  { req: ["GET", "/unstable?failure_rate=2"], status: 400 },
  { req: ["GET", "/hostname"], status: 200, body: (r) => typeof json(r).hostname === "string" },
  { req: ["GET", "/version"], status: 200, body: (r) => typeof json(r).service === "string" },
  { req: ["GET", "/env"], status: 200, body: (r) => typeof json(r).env === "object" },
  {
    req: ["GET", "/dump/request?x=1"],
    status: 200,
    body: (r) => r.text.startsWith("GET /dump/request?x=1 HTTP/1.1\r\n"),
  },
  {
    req: ["GET", "/base64/encode/valid_base64_encoded_string"],
    status: 200,
    body: "dmFsaWRfYmFzZTY0X2VuY29kZWRfc3RyaW5n",
  },
  {
    req: ["GET", "/base64/decode/dmFsaWRfYmFzZTY0X2VuY29kZWRfc3RyaW5n"],
    status: 200,
    body: "valid_base64_encoded_string",
  },
  {
    req: ["GET", "/trailers?x-foo=bar&x-two=2"],
    status: 200,
    fields: { trailer: "X-Foo, X-Two", "transfer-encoding": "chunked" },
    body: (r) =>
      JSON.stringify(r.trailers) === '[["X-Foo","bar"],["X-Two","2"]]' && json(r).method === "GET",
  },
  { req: ["GET", "/trailers?content-length=1"], status: 400 },
  // The endpoints that were there before, for the same suite.
  { req: ["GET", "/get?foo=bar"], status: 200, body: (r) => json(r).args.foo[0] === "bar" },
  { req: ["GET", "/status/418"], status: 418 },
  { req: ["GET", "/bearer", ["Authorization: Bearer abc"]], status: 200 },
  { req: ["GET", "/basic-auth/u/p"], status: 401, fields: { "www-authenticate": /^Basic / } },
  { req: ["GET", "/uuid"], status: 200, body: (r) => /^[0-9a-f-]{36}$/.test(json(r).uuid) },
  // go-httpbin's handlers_test.go cases that wireserve once answered otherwise.
  ...["/post", "/put", "/patch", "/delete"].flatMap((path): Row[] => [
    // TestHead: the body routes answer 405, not the web root's 404.
    {
      req: ["GET", path],
      status: 405,
      fields: { allow: `${path.slice(1).toUpperCase()}, OPTIONS` },
    },
    // RFC 9110 §10.2.1: OPTIONS lists what the 405 lists.
    {
      req: ["OPTIONS", path],
      status: 204,
      fields: { allow: `${path.slice(1).toUpperCase()}, OPTIONS` },
    },
    {
      req: [path.slice(1).toUpperCase(), path, [
        "Content-Type: application/json; charset=utf-8",
        "Content-Length: 3",
      ], "foo"],
      status: 400,
      body: (r) => json(r).error === "Bad Request" && json(r).status_code === 400,
    },
  ]),
  {
    req: [
      "GET",
      "/response-headers?Content-Type=text/html&xss=%3Cimg%2Fsrc%2Fonerror%3Dalert(1)%3E",
    ],
    status: 200,
    fields: { "content-type": "text/html", xss: "<img/src/onerror=alert(1)>" },
    body: (r) => !r.text.includes("<img") && json(r).xss[0] === "&lt;img/src/onerror=alert(1)&gt;",
  },
  {
    req: ["GET", "/base64/PGltZy9zcmMvb25lcnJvcj1hbGVydCgneHNzJyk+?content-type=text/html"],
    status: 200,
    fields: { "content-type": "text/html" },
    body: "&lt;img/src/onerror=alert(&#39;xss&#39;)&gt;",
  },
  {
    req: ["GET", "/base64/unknown/dmFsaWRfYmFzZTY0X2VuY29kZWRfc3RyaW5n"],
    status: 400,
    body: (r) => json(r).detail === "invalid operation: unknown",
  },
  {
    req: ["GET", "/basic-auth/u/p", ["Authorization: Basic dTpw"]],
    status: 200,
    body: (r) => JSON.stringify(json(r)) === '{"authenticated":true,"authorized":true,"user":"u"}',
  },
  {
    req: ["GET", "/bearer", ["Authorization: bearer abc"]],
    status: 401,
    body: (r) => JSON.stringify(json(r)) === '{"status_code":401,"error":"Unauthorized"}',
  },
  { req: ["GET", "/delay/100ms"], status: 200 },
  { req: ["GET", "/drip?duration=5ms&delay=1ms&numbytes=2"], status: 200, body: "**" },
  {
    req: ["GET", "/sse?count=2&duration=5ms"],
    status: 200,
    body: (r) => /^event: ping\ndata: \{"id":0,"timestamp":\d+\}\n\n/.test(r.text),
  },
  { req: ["GET", "/jsonl?count=2&duration=5ms"], status: 200, body: (r) => lineCount(r) === 2 },
  // Server-Timing in go-httpbin's format; /sse sends it as a trailer of the chunked stream.
  {
    req: ["GET", "/delay/10ms"],
    status: 200,
    fields: { "server-timing": 'initial_delay;dur=10.00;desc="initial delay"' },
  },
  {
    req: ["GET", "/drip?duration=10ms&numbytes=2"],
    status: 200,
    fields: { "server-timing": /^total_duration;dur=10\.00;.*pause_per_write;dur=10\.00;/ },
    body: "**",
  },
  {
    req: ["GET", "/sse?count=2&duration=5ms"],
    status: 200,
    fields: { trailer: "Server-Timing", "transfer-encoding": "chunked" },
    body: (r) =>
      r.trailers.length === 1 && r.trailers[0][0] === "Server-Timing" &&
      /^total_duration;dur=\d+\.\d\d;desc="total request duration", initial_delay;dur=0\.00;/
        .test(r.trailers[0][1]),
  },
  { req: ["GET", "/sse?duration=0"], status: 400 },
  { req: ["GET", "/sse?jitter=1.5"], status: 400 },
  { req: ["GET", "/drip?numbytes=0"], status: 400 },
  // /range as Go's http.ServeContent answers it.
  { req: ["GET", "/range/0"], status: 400 },
  { req: ["GET", "/range/100?duration=-1"], status: 400 },
  {
    req: ["GET", "/range/100", ["Range: bytes=10-24,50-64"]],
    status: 206,
    fields: { "content-type": /^multipart\/byteranges; boundary=[0-9a-f]+$/ },
    body: (r) =>
      r.text.includes("Content-Range: bytes 10-24/100\r\n") &&
      r.text.includes("\r\n\r\nklmnopqrstuvwxy\r\n") &&
      r.text.includes("\r\n\r\nyzabcdefghijklm\r\n"),
  },
  {
    req: ["GET", "/range/26", ["Range: bytes=10-5"]],
    status: 416,
    body: "invalid range\n",
  },
  {
    req: ["GET", "/range/26", ["Range: bytes=30-"]],
    status: 416,
    fields: { "content-range": "bytes */26" },
    body: "invalid range: failed to overlap\n",
  },
  // Values go-httpbin clamps or accepts rather than refuses.
  { req: ["GET", "/stream/-100"], status: 200, body: (r) => lineCount(r) === 1 },
  { req: ["GET", "/jsonl?count=-5"], status: 200, body: (r) => lineCount(r) === 1 },
  { req: ["GET", "/links/2/-1"], status: 200, body: (r) => !r.text.includes("> 0 ") },
  { req: ["GET", "/links/10?x=1"], status: 302, fields: { location: "/links/10/0?x=1" } },
  { req: ["GET", "/bytes/16?seed=-12345"], status: 200, body: (r) => r.body.length === 16 },
  { req: ["GET", "/stream-bytes/256?chunk_size=-10"], status: 200 },
  { req: ["GET", "/stream-bytes/256?chunk_size=0"], status: 200 },
  { req: ["GET", "/unstable?seed=-12345&failure_rate=0"], status: 200 },
  {
    req: ["GET", "/status/418"],
    status: 418,
    fields: { "x-more-info": "http://tools.ietf.org/html/rfc2324" },
    body: "I'm a teapot!",
  },
  { req: ["GET", "/status/300"], status: 300, fields: { location: "/image/jpeg" } },
  { req: ["GET", "/redirect/2"], status: 302, fields: { location: "/relative-redirect/1" } },
  {
    req: ["GET", "/redirect/2?absolute=TRUE"],
    status: 302,
    fields: { location: "http://conformance.test/absolute-redirect/1" },
  },
  // RFC 9112 §3.2.2: an absolute-form target's authority is the host, not the Host field.
  {
    req: ["GET", "http://other.example:81/absolute-redirect/1"],
    status: 302,
    fields: { location: "http://other.example:81/get" },
  },
  {
    req: ["GET", "/redirect-to?url=status/200"],
    status: 403,
    fields: { "content-type": "text/plain" },
  },
  { req: ["GET", "/ip?format=text"], status: 200, body: "127.0.0.1\n" },
  // go-httpbin's routes without a method answer POST (clients test "POST, then follow the 302").
  { req: ["POST", "/redirect/2"], status: 302, fields: { location: "/relative-redirect/1" } },
  {
    req: ["PUT", "/cookies/set?k=v"],
    status: 302,
    fields: { "set-cookie": "k=v; Path=/; HttpOnly" },
  },
  { req: ["POST", "/encoding/utf8"], status: 405 },
  // go-httpbin's parseBody: a body of no text type is a data: URL in Go's URL-safe base64.
  {
    req: ["POST", "/post", ["Content-Length: 4"], "hi?>"],
    status: 200,
    body: (r) => json(r).data === "data:application/octet-stream;base64,aGk_Pg==",
  },
  // go-httpbin: 200 for JSON nested up to 10,000 deep (its decoder's limit), 400 past it; the
  // answer is written without recursion, so nothing throws (srv.errors stays empty).
  {
    req: ["POST", "/post", ["Content-Type: application/json", "Content-Length: 18000"], DEEP_JSON],
    status: 200,
    body: (r) => JSON.stringify(json(r).json) === DEEP_JSON,
  },
  {
    req: ["POST", "/post", ["Content-Type: application/json", "Content-Length: 5"], "1e999"],
    status: 400,
  },
  // go-httpbin returns early on an empty body, whatever its Content-Type.
  {
    req: ["POST", "/post", ["Content-Type: multipart/form-data; foo", "Content-Length: 0"]],
    status: 200,
    body: (r) => JSON.stringify([json(r).form, json(r).files]) === "[{},{}]",
  },
  {
    req: ["GET", "/get", ["X-Forwarded-Proto: https"]],
    status: 200,
    body: (r) => json(r).url.startsWith("https://"),
  },
  {
    req: ["GET", "/response-headers?Content-Type="],
    status: 200,
    fields: { "content-type": JSON_TYPE },
  },
  { req: ["GET", "/redirect-to?url=/x%3C%22"], status: 302, fields: { location: "/x%3C%22" } },
  { req: ["GET", "/redirect-to?url=/x%25"], status: 400 },
  { req: ["GET", "/bytes/+5"], status: 200, fields: { "content-length": "5" } },
  ...[
    "/status/200/foo",
    "/redirect/10/foo",
    "/bytes/16/foo",
    "/etag/foo/bar",
    "/base64/decode/x/extra",
    "/basic-auth/user",
  ]
    .map((path): Row => ({ req: ["GET", path], status: 404 })),
  // TestBase64's error table: go-httpbin's (Go's) 404 text, which its tests look for.
  ...["/base64/", "/base64/decode/", "/base64/decode/x/extra", "/status/"]
    .map((path): Row => ({ req: ["GET", path], status: 404, body: "404 page not found\n" })),
];

/** The request bytes of a row. */
function wire([method, target, fields = [], body = ""]: Row["req"]): string {
  return `${method} ${target} HTTP/1.1\r\nHost: conformance.test\r\n` +
    fields.map((f) => `${f}\r\n`).join("") + "\r\n" + body;
}

Deno.test("go-httpbin conformance table over raw TCP", async (t) => {
  const srv: AppServer = await startApp(appConfig());
  try {
    // One connection for the whole table: keep-alive must survive every row.
    const client = await RawClient.connect(srv.port);
    try {
      for (const row of TABLE) {
        await t.step(`${row.req[0]} ${row.req[1]} → ${row.status}`, async () => {
          await client.send(wire(row.req));
          const res = await client.readResponse();
          assert(res !== null, "a response");
          assertEquals(res.status, row.status);
          for (const [name, want] of Object.entries(row.fields ?? {})) {
            const got = res.header(name);
            if (typeof want === "string") assertEquals(got, want, name);
            else assert(got !== undefined && want.test(got), `${name}: ${got}`);
          }
          if (typeof row.body === "string") assertEquals(res.text, row.body);
          else if (row.body !== undefined) assert(row.body(res), `body: ${res.text.slice(0, 200)}`);
        });
      }
    } finally {
      client.close();
    }
  } finally {
    await srv.close();
  }
  assertEquals(srv.errors, []);
});

Deno.test("HEAD on /post, /put, /patch and /delete is 405 with Allow, as in go-httpbin", async () => {
  const srv: AppServer = await startApp(appConfig());
  try {
    for (const path of ["/post", "/put", "/patch", "/delete"]) {
      const res = await fetch(`http://127.0.0.1:${srv.port}${path}`, { method: "HEAD" });
      await res.body?.cancel();
      assertEquals(res.status, 405, path);
      assertEquals(res.headers.get("allow"), `${path.slice(1).toUpperCase()}, OPTIONS`);
    }
  } finally {
    await srv.close();
  }
  assertEquals(srv.errors, []);
});

Deno.test("HEAD announces the GET's Content-Length, or none where the body echoes the request line", async () => {
  // RFC 9110 §8.6: a HEAD answer MUST NOT carry a Content-Length other than the GET's.
  const srv: AppServer = await startApp(appConfig());
  const lengths = async (path: string) => {
    const url = `http://127.0.0.1:${srv.port}${path}`;
    const get = await fetch(url);
    await get.body?.cancel();
    const head = await fetch(url, { method: "HEAD" });
    return [head.headers.get("content-length"), get.headers.get("content-length")];
  };
  try {
    const describing = ["/anything", "/anything/x", "/get", "/cache", "/etag/abc", "/delay/0"];
    for (const path of [...describing, "/gzip", "/headers", "/user-agent", "/json"]) {
      const [head, get] = await lengths(path);
      assert(get !== null, path);
      assertEquals(head, get, path);
    }
    for (const path of ["/dump/request", "/inspect"]) {
      const [head, get] = await lengths(path);
      assert(get !== null, path);
      assertEquals(head, null, `${path}: the GET would echo other bytes`);
    }
  } finally {
    await srv.close();
  }
  assertEquals(srv.errors, []);
});

Deno.test("a stream of 1-byte chunks read at full speed leaves the server answering others", async () => {
  const srv: AppServer = await startApp(appConfig());
  const base = `http://127.0.0.1:${srv.port}`;
  // Read by another process at full speed (a reader in this one would share the event loop).
  const curl = new Deno.Command("curl", {
    args: ["-s", "-o", "/dev/null", `${base}/stream-bytes/50000000?chunk_size=1`],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    await new Promise((r) => setTimeout(r, 300)); // the stream is flowing
    const started = performance.now();
    const echo = await fetch(`${base}/echo/still-here`, { signal: AbortSignal.timeout(10_000) });
    assertEquals(await echo.text(), "still-here");
    const ms = performance.now() - started;
    // It waited for the whole stream before (tens of seconds); a turn of the loop is enough now.
    assert(ms < 2000, `answered after ${ms.toFixed(0)} ms`);
  } finally {
    curl.kill();
    await curl.status;
    await srv.close();
  }
});
