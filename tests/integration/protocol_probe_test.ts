/**
 * A conformance probe of the real app over raw TCP, in the manner of http-garden, smuggler.py and
 * Go's readrequest_test: named requests (request-line forms, versions, Host rules, field syntax,
 * every Content-Length / Transfer-Encoding combination, chunked details, Expect, Connection), each
 * followed on the same connection by one more request. A request the server accepts must leave
 * the connection in step (the next request is answered, and the body went where its framing
 * says); one it refuses gets its fixed error text (never request bytes), `Connection: close`, and
 * nothing after it is answered. The decisions pinned here are the ones docs/protocol.md makes.
 */

import { type AppServer, startApp } from "../support/app_server.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { ERROR_KINDS, type ErrorKind } from "../../src/http/errors.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { RawClient, type RawResponse } from "../support/server.ts";

/** What one response must be: a status (and a text in it), or a canned error of a kind. */
type Expected = { status: number; has?: string } | { error: ErrorKind };

interface Probe {
  name: string;
  /** Raw bytes, one char code per byte. */
  request: string;
  /** The responses to `request`, in order. */
  expect: Expected[];
  /** Whether the server closes after them (else the follow-up request must be answered). */
  closes: boolean;
}

/** Sent behind every probe: answered only when the connection is still in step. */
const NEXT = "GET /echo/next-request HTTP/1.1\r\nHost: t\r\n\r\n";

/** Typed as text, so `/anything` shows the body as text in `data` (go-httpbin's rule). */
const POST = "POST /anything HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\n";
const CHUNKED = `${POST}Transfer-Encoding: chunked\r\n`;
/** The JSON `/anything` answers when its body was exactly `body`. */
const data = (body: string) => `"data": ${JSON.stringify(body)}`;
const ok = (has?: string): Expected => ({ status: 200, has });
const fail = (error: ErrorKind): Expected => ({ error });
const accepted = (name: string, request: string, has?: string): Probe => ({
  name,
  request,
  expect: [ok(has)],
  closes: false,
});
const refused = (name: string, request: string, error: ErrorKind): Probe => ({
  name,
  request,
  expect: [fail(error)],
  closes: true,
});

const PROBES: Probe[] = [
  // Content-Length (RFC 9112 §6.2, §6.3 step 5; RFC 9110 §8.6).
  accepted("cl-body", `${POST}Content-Length: 3\r\n\r\nabc`, data("abc")),
  accepted("cl-repeated-equal", `${POST}Content-Length: 3\r\ncontent-length: 3\r\n\r\nabc`),
  accepted("cl-leading-zeros", `${POST}Content-Length: 0003\r\n\r\nabc`, data("abc")),
  accepted("cl-ows-around", `${POST}Content-Length: \t 3 \t\r\n\r\nabc`, data("abc")),
  refused("cl-list-in-one-line", `${POST}Content-Length: 3, 3\r\n\r\nabc`, "badFraming"),
  refused(
    "cl-repeated-differing",
    `${POST}Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd`,
    "badFraming",
  ),
  refused(
    "cl-repeated-spelled-apart",
    `${POST}Content-Length: 3\r\nContent-Length: 03\r\n\r\nabc`,
    "badFraming",
  ),
  refused("cl-plus-sign", `${POST}Content-Length: +3\r\n\r\nabc`, "badFraming"),
  refused("cl-minus-sign", `${POST}Content-Length: -3\r\n\r\nabc`, "badFraming"),
  refused("cl-hex", `${POST}Content-Length: 0x3\r\n\r\nabc`, "badFraming"),
  refused("cl-exponent", `${POST}Content-Length: 3e0\r\n\r\nabc`, "badFraming"),
  refused("cl-space-inside", `${POST}Content-Length: 3 3\r\n\r\nabc`, "badFraming"),
  refused("cl-empty", `${POST}Content-Length:\r\n\r\nabc`, "badFraming"),
  refused("cl-past-2^53", `${POST}Content-Length: 9007199254740992\r\n\r\nabc`, "contentTooLarge"),
  // Transfer-Encoding (RFC 9112 §6.1, §6.3 steps 3–4).
  refused("cl-and-te", `${CHUNKED}Content-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n`, "badFraming"),
  refused("te-and-cl-zero", `${CHUNKED}Content-Length: 0\r\n\r\n0\r\n\r\n`, "badFraming"),
  accepted(
    "te-chunked-any-case",
    `${POST}Transfer-Encoding: ChUnKeD\r\n\r\n3\r\nabc\r\n0\r\n\r\n`,
    data("abc"),
  ),
  accepted(
    "te-empty-members-ignored",
    `${POST}Transfer-Encoding: , chunked,\r\n\r\n1\r\na\r\n0\r\n\r\n`,
    data("a"),
  ),
  refused(
    "te-chunked-twice-one-line",
    `${POST}Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n`,
    "badFraming",
  ),
  refused(
    "te-chunked-twice-two-lines",
    `${CHUNKED}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    "badFraming",
  ),
  refused(
    "te-chunked-then-gzip",
    `${POST}Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n`,
    "badFraming",
  ),
  refused("te-identity", `${POST}Transfer-Encoding: identity\r\n\r\nabc`, "badFraming"),
  refused("te-gzip-alone", `${POST}Transfer-Encoding: gzip\r\n\r\nabc`, "badFraming"),
  refused("te-unknown", `${POST}Transfer-Encoding: xchunked\r\n\r\nabc`, "badFraming"),
  refused("te-empty", `${POST}Transfer-Encoding:\r\n\r\nabc`, "badFraming"),
  refused("te-quoted", `${POST}Transfer-Encoding: "chunked"\r\n\r\n0\r\n\r\n`, "badFraming"),
  refused("te-nbsp-after", `${POST}Transfer-Encoding: chunked\xa0\r\n\r\n0\r\n\r\n`, "badFraming"),
  refused(
    "te-chunked-with-parameter",
    `${POST}Transfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n`,
    "badFraming",
  ),
  refused("te-vertical-tab", `${POST}Transfer-Encoding: \x0bchunked\r\n\r\n0\r\n\r\n`, "badHeader"),
  refused(
    "te-in-http10",
    "POST /anything HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "badFraming",
  ),
  refused(
    "te-gzip-then-chunked",
    `${POST}Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`,
    "unsupportedTransferCoding",
  ),
  refused(
    "te-identity-then-chunked",
    `${POST}Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n`,
    "unsupportedTransferCoding",
  ),
  // Chunked coding (RFC 9112 §7.1).
  accepted("chunk-extension-token", `${CHUNKED}\r\n3;a=b\r\nabc\r\n0\r\n\r\n`, data("abc")),
  accepted(
    "chunk-extension-quoted",
    `${CHUNKED}\r\n3;a="x;y=\\"z\\""\r\nabc\r\n0\r\n\r\n`,
    data("abc"),
  ),
  accepted("chunk-extension-bws", `${CHUNKED}\r\n3 ; a = b ;c\r\nabc\r\n0;d\r\n\r\n`, data("abc")),
  accepted(
    "chunk-extension-obs-text-quoted",
    `${CHUNKED}\r\n3;a="\xe9"\r\nabc\r\n0\r\n\r\n`,
    data("abc"),
  ),
  accepted("chunk-size-leading-zeros", `${CHUNKED}\r\n0003\r\nabc\r\n000\r\n\r\n`, data("abc")),
  accepted(
    "chunk-size-upper-hex",
    `${CHUNKED}\r\nA\r\n0123456789\r\n0\r\n\r\n`,
    data("0123456789"),
  ),
  accepted("chunk-trailers", `${CHUNKED}\r\n1\r\na\r\n0\r\nX-T: 1\r\nY-T: 2\r\n\r\n`, data("a")),
  refused("chunk-extension-bare-semicolon", `${CHUNKED}\r\n3;\r\nabc\r\n0\r\n\r\n`, "badChunk"),
  refused("chunk-extension-unclosed-quote", `${CHUNKED}\r\n3;a="x\r\nabc\r\n0\r\n\r\n`, "badChunk"),
  refused("chunk-extension-no-value", `${CHUNKED}\r\n3;a=\r\nabc\r\n0\r\n\r\n`, "badChunk"),
  refused(
    "chunk-extension-obs-text-token",
    `${CHUNKED}\r\n3;a=\xe9\r\nabc\r\n0\r\n\r\n`,
    "badChunk",
  ),
  refused("chunk-extension-nul", `${CHUNKED}\r\n3;a="\x00"\r\nabc\r\n0\r\n\r\n`, "badChunk"),
  refused("chunk-size-0x", `${CHUNKED}\r\n0x3\r\nabc\r\n0\r\n\r\n`, "badChunk"),
  refused("chunk-size-leading-space", `${CHUNKED}\r\n 3\r\nabc\r\n0\r\n\r\n`, "badChunk"),
  refused("chunk-size-trailing-space", `${CHUNKED}\r\n3 \r\nabc\r\n0\r\n\r\n`, "badChunk"),
  refused("chunk-size-negative", `${CHUNKED}\r\n-3\r\nabc\r\n0\r\n\r\n`, "badChunk"),
  refused("chunk-size-empty", `${CHUNKED}\r\n\r\nabc\r\n0\r\n\r\n`, "badChunk"),
  refused("chunk-size-overflow", `${CHUNKED}\r\n${"f".repeat(17)}\r\nabc\r\n0\r\n\r\n`, "badChunk"),
  refused("chunk-data-without-crlf", `${CHUNKED}\r\n3\r\nabc0\r\n\r\n`, "badChunk"),
  refused("chunk-data-longer-than-size", `${CHUNKED}\r\n3\r\nabcd\r\n0\r\n\r\n`, "badChunk"),
  refused("chunk-data-then-cr-only", `${CHUNKED}\r\n3\r\nabc\r0\r\n\r\n`, "badChunk"),
  refused("chunk-data-then-lf-only", `${CHUNKED}\r\n3\r\nabc\n0\r\n\r\n`, "badChunk"),
  refused("chunk-size-line-lf-only", `${CHUNKED}\r\n3\nabc\r\n0\r\n\r\n`, "badChunk"),
  refused("chunk-last-line-lf-only", `${CHUNKED}\r\n3\r\nabc\r\n0\n\r\n`, "badChunk"),
  refused("chunk-trailers-end-lf-only", `${CHUNKED}\r\n3\r\nabc\r\n0\r\n\n`, "badChunk"),
  refused("chunk-trailer-obs-fold", `${CHUNKED}\r\n1\r\na\r\n0\r\nX: 1\r\n 2\r\n\r\n`, "badChunk"),
  refused(
    "chunk-trailer-space-before-colon",
    `${CHUNKED}\r\n1\r\na\r\n0\r\nX : 1\r\n\r\n`,
    "badChunk",
  ),
  refused("chunk-trailer-bare-cr", `${CHUNKED}\r\n1\r\na\r\n0\r\nX: a\rb\r\n\r\n`, "badChunk"),
  // Request line and target (RFC 9112 §3, §2.3; RFC 9110 §6.2).
  {
    name: "http10-answered-then-closed",
    request: "GET /echo/a HTTP/1.0\r\n\r\n",
    expect: [ok("a")],
    closes: true,
  },
  accepted("http12-as-http11", "GET /echo/a HTTP/1.2\r\nHost: t\r\n\r\n", "a"),
  refused("http20", "GET /echo/a HTTP/2.0\r\nHost: t\r\n\r\n", "versionNotSupported"),
  refused("http09-versioned", "GET /echo/a HTTP/0.9\r\nHost: t\r\n\r\n", "versionNotSupported"),
  refused("http2-preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "versionNotSupported"),
  refused("http09-no-version", "GET /echo/a\r\n", "badRequestLine"),
  refused("lowercase-http", "GET /echo/a http/1.1\r\nHost: t\r\n\r\n", "badRequestLine"),
  refused("two-digit-minor", "GET /echo/a HTTP/1.10\r\nHost: t\r\n\r\n", "badRequestLine"),
  refused("two-spaces", "GET  /echo/a HTTP/1.1\r\nHost: t\r\n\r\n", "badRequestLine"),
  refused("method-not-a-token", "GE@T /echo/a HTTP/1.1\r\nHost: t\r\n\r\n", "badRequestLine"),
  refused("leading-space", " GET /echo/a HTTP/1.1\r\nHost: t\r\n\r\n", "notHttp"),
  accepted("leading-empty-lines", "\r\n\r\nGET /echo/a HTTP/1.1\r\nHost: t\r\n\r\n", "a"),
  {
    name: "unknown-method-is-501-and-keeps-the-connection",
    request: "BREW /echo/a HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc",
    expect: [{ status: 501 }],
    closes: false,
  },
  accepted(
    "absolute-form-wins-over-host",
    "GET http://a.test/echo/a HTTP/1.1\r\nHost: b\r\n\r\n",
    "a",
  ),
  {
    name: "absolute-form-http10-without-host",
    request: "GET http://a.test/echo/a HTTP/1.0\r\n\r\n",
    expect: [ok("a")],
    closes: true,
  },
  refused(
    "absolute-form-http11-without-host",
    "GET http://a.test/echo/a HTTP/1.1\r\n\r\n",
    "badHost",
  ),
  refused(
    "absolute-form-invalid-host",
    "GET http://a.test/echo/a HTTP/1.1\r\nHost: a b\r\n\r\n",
    "badHost",
  ),
  refused(
    "absolute-form-userinfo",
    "GET http://u@a.test/echo/a HTTP/1.1\r\nHost: t\r\n\r\n",
    "badTarget",
  ),
  refused(
    "absolute-form-other-scheme",
    "GET ftp://a.test/x HTTP/1.1\r\nHost: t\r\n\r\n",
    "badTarget",
  ),
  refused("fragment", "GET /echo/a#b HTTP/1.1\r\nHost: t\r\n\r\n", "badTarget"),
  refused("non-ascii-target", "GET /echo/\xe9 HTTP/1.1\r\nHost: t\r\n\r\n", "badTarget"),
  {
    name: "connect-authority-form-is-501",
    request: "CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n\r\n",
    expect: [{ status: 501 }],
    // What follows a CONNECT's head is its client's tunnel (RFC 9110 §9.3.6), never a request.
    closes: true,
  },
  refused("connect-origin-form", "CONNECT /x HTTP/1.1\r\nHost: t\r\n\r\n", "badTarget"),
  refused("authority-form-not-connect", "GET a.test:443 HTTP/1.1\r\nHost: t\r\n\r\n", "badTarget"),
  {
    name: "options-asterisk",
    request: "OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n",
    expect: [{ status: 204 }],
    closes: false,
  },
  refused("asterisk-not-options", "GET * HTTP/1.1\r\nHost: t\r\n\r\n", "badTarget"),
  // Host (RFC 9112 §3.2, RFC 9110 §7.2).
  refused("host-missing", "GET /echo/a HTTP/1.1\r\n\r\n", "badHost"),
  refused("host-twice-same", "GET /echo/a HTTP/1.1\r\nHost: t\r\nhost: t\r\n\r\n", "badHost"),
  refused("host-twice-http10", "GET /echo/a HTTP/1.0\r\nHost: t\r\nHost: u\r\n\r\n", "badHost"),
  refused("host-list", "GET /echo/a HTTP/1.1\r\nHost: a, b\r\n\r\n", "badHost"),
  refused("host-slash", "GET /echo/a HTTP/1.1\r\nHost: a/b\r\n\r\n", "badHost"),
  refused("host-userinfo", "GET /echo/a HTTP/1.1\r\nHost: u@a\r\n\r\n", "badHost"),
  accepted("host-empty", "GET /echo/a HTTP/1.1\r\nHost:\r\n\r\n", "a"),
  accepted("host-ip-literal-port", "GET /echo/a HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", "a"),
  refused("host-ip-literal-not-ipv6", "GET /echo/a HTTP/1.1\r\nHost: [zz]\r\n\r\n", "badHost"),
  refused(
    "absolute-ip-literal-not-ipv6",
    "GET http://[::g]/echo/a HTTP/1.1\r\nHost: t\r\n\r\n",
    "badTarget",
  ),
  // Field lines (RFC 9112 §5, RFC 9110 §5.5).
  refused("space-before-colon", "GET /echo/a HTTP/1.1\r\nHost : t\r\n\r\n", "badHeader"),
  refused("obs-fold", "GET /echo/a HTTP/1.1\r\nHost: t\r\nX: 1\r\n 2\r\n\r\n", "badHeader"),
  refused("space-first-line", "GET /echo/a HTTP/1.1\r\n Host: t\r\n\r\n", "badHeader"),
  refused("bare-cr-in-value", "GET /echo/a HTTP/1.1\r\nHost: t\r\nX: a\rb\r\n\r\n", "badHeader"),
  refused("bare-lf-line-end", "GET /echo/a HTTP/1.1\r\nHost: t\nX: 1\r\n\r\n", "badHeader"),
  refused("bare-lf-request-line", "GET /echo/a HTTP/1.1\nHost: t\r\n\r\n", "badRequestLine"),
  refused("nul-in-value", "GET /echo/a HTTP/1.1\r\nHost: t\r\nX: a\x00b\r\n\r\n", "badHeader"),
  refused("del-in-value", "GET /echo/a HTTP/1.1\r\nHost: t\r\nX: a\x7fb\r\n\r\n", "badHeader"),
  refused("esc-in-value", "GET /echo/a HTTP/1.1\r\nHost: t\r\nX: a\x1bb\r\n\r\n", "badHeader"),
  refused("empty-name", "GET /echo/a HTTP/1.1\r\nHost: t\r\n: x\r\n\r\n", "badHeader"),
  refused("utf8-in-name", "GET /echo/a HTTP/1.1\r\nHost: t\r\nX\xc3\xa9: 1\r\n\r\n", "badHeader"),
  refused("no-colon", "GET /echo/a HTTP/1.1\r\nHost: t\r\nX 1\r\n\r\n", "badHeader"),
  accepted("obs-text-in-value", "GET /echo/a HTTP/1.1\r\nHost: t\r\nX: caf\xe9 \xff\r\n\r\n", "a"),
  accepted("htab-in-value", "GET /echo/a HTTP/1.1\r\nHost: t\r\nX: a\tb\r\n\r\n", "a"),
  // Expect (RFC 9110 §10.1.1).
  refused(
    "expect-unknown",
    `${POST}Content-Length: 3\r\nExpect: fly\r\n\r\nabc`,
    "expectationFailed",
  ),
  refused(
    "expect-continue-and-more",
    `${POST}Content-Length: 3\r\nExpect: 100-continue, x\r\n\r\nabc`,
    "expectationFailed",
  ),
  accepted("expect-empty-list", `${POST}Content-Length: 3\r\nExpect:\r\n\r\nabc`, data("abc")),
  {
    name: "expect-100-continue-body-sent-anyway",
    request: `${POST}Content-Length: 3\r\nExpect: 100-continue\r\n\r\nabc`,
    expect: [{ status: 100 }, ok(data("abc"))],
    closes: false,
  },
  // Connection (RFC 9112 §9.3, §9.6).
  {
    name: "close-ends-the-connection",
    request: "GET /echo/a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    expect: [ok("a")],
    closes: true,
  },
  {
    name: "close-in-a-list-any-case",
    request: "GET /echo/a HTTP/1.1\r\nHost: t\r\nConnection: keep-alive, CLOSE\r\n\r\n",
    expect: [ok("a")],
    closes: true,
  },
  {
    name: "close-on-a-second-line",
    request: "GET /echo/a HTTP/1.1\r\nHost: t\r\nConnection: x-a\r\nConnection: close\r\n\r\n",
    expect: [ok("a")],
    closes: true,
  },
  accepted(
    "closed-is-not-close",
    "GET /echo/a HTTP/1.1\r\nHost: t\r\nConnection: closed\r\n\r\n",
    "a",
  ),
  accepted("http10-keep-alive", "GET /echo/a HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", "a"),
];

/** Checks `res` against `want`; returns a message for a mismatch, or null. */
function mismatch(res: RawResponse | null, want: Expected): string | null {
  if (res === null) return `no response where ${JSON.stringify(want)} was due`;
  if ("error" in want) {
    const kind = ERROR_KINDS[want.error];
    if (res.status !== kind.status) return `status ${res.status}, wanted ${kind.status}`;
    // The canned text, exactly: an error body never carries request bytes.
    if (res.text !== `${kind.text}\n`) return `error text ${JSON.stringify(res.text)}`;
    if (res.header("connection") !== "close") return "an error answer without Connection: close";
    return null;
  }
  if (res.status !== want.status) return `status ${res.status}, wanted ${want.status}`;
  if (want.has !== undefined && !res.text.includes(want.has)) {
    return `body ${JSON.stringify(res.text.slice(0, 300))} lacks ${JSON.stringify(want.has)}`;
  }
  return null;
}

async function run(srv: AppServer, probe: Probe): Promise<void> {
  const c = await RawClient.connect(srv.port);
  try {
    await c.send(probe.request + NEXT);
    let last: RawResponse | null = null;
    for (const want of probe.expect) {
      last = await c.readResponse();
      const wrong = mismatch(last, want);
      assert(wrong === null, `${probe.name}: ${wrong}`);
    }
    if (probe.closes) {
      assertEquals(last?.header("connection"), "close", `${probe.name}: Connection`);
      const rest = await c.readAll();
      assertEquals(rest, "", `${probe.name}: nothing may follow Connection: close`);
    } else {
      assert(last?.header("connection") !== "close", `${probe.name}: closes, unasked`);
      const next = await c.readResponse();
      assertEquals(
        [next?.status, next?.text],
        [200, "next-request"],
        `${probe.name}: the request behind it is answered in step`,
      );
    }
  } finally {
    c.close();
  }
}

Deno.test("protocol probe: each named request gets its exact answer, and framing stays in step", async (t) => {
  const srv = await startApp(appConfig());
  try {
    for (const probe of PROBES) {
      await t.step(probe.name, () => run(srv, probe));
    }
    // The server is still up for a fresh client.
    const c = await RawClient.connect(srv.port);
    await c.send(NEXT);
    assertEquals((await c.readResponse())?.text, "next-request");
    c.close();
  } finally {
    await srv.close();
  }
  assertEquals(srv.errors, []);
});

/** Requests of every framing in one pipelined run, the last closing the connection. */
const PIPELINE = "GET /echo/one HTTP/1.1\r\nHost: t\r\n\r\n" +
  `${POST}Content-Length: 3\r\n\r\nabc` +
  `${POST}Transfer-Encoding: chunked\r\n\r\n2;x="y"\r\nde\r\n` +
  "1\r\nf\r\n0\r\nT: 1\r\n\r\n" +
  "HEAD /echo/head HTTP/1.1\r\nHost: t\r\n\r\n" +
  "OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n" +
  "GET /status/204 HTTP/1.1\r\nHost: t\r\n\r\n" +
  "GET /status/304 HTTP/1.1\r\nHost: t\r\n\r\n" +
  "\r\nGET /echo/last HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

/** Everything the server sends for `pieces` written one after another, Date lines removed. */
async function answers(port: number, pieces: string[]): Promise<string> {
  const c = await RawClient.connect(port);
  try {
    for (const piece of pieces) {
      await c.send(piece);
      // A pause, so that the server mostly reads the pieces apart.
      await new Promise((r) => setTimeout(r, 1));
    }
    return (await c.readAll(5000)).replace(/\r\nDate: [^\r]*/g, "");
  } finally {
    c.close();
  }
}

Deno.test("a pipelined run of every framing is answered exactly, in order, however it is split", async () => {
  const srv = await startApp(appConfig());
  try {
    const whole = await answers(srv.port, [PIPELINE]);
    const statuses = [...whole.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
    assertEquals(statuses, [200, 200, 200, 200, 204, 204, 304, 200]);
    assert(whole.includes('"data": "abc"') && whole.includes('"data": "def"'), whole);
    // HEAD: the length of the GET's body and no body; 204 and 304: neither framing nor body.
    const parts = whole.split(/(?=HTTP\/1\.1 \d{3} )/);
    assert(/Content-Length: 4\r\n\r\n$/.test(parts[3]), JSON.stringify(parts[3]));
    for (const bodyless of parts.slice(4, 7)) {
      assert(bodyless.endsWith("\r\n\r\n"), JSON.stringify(bodyless));
      assert(!/Content-Length|Transfer-Encoding/.test(bodyless), JSON.stringify(bodyless));
    }
    assert(parts[7].includes("Connection: close\r\n") && parts[7].endsWith("\r\n\r\nlast"));
    for (let at = 1; at < PIPELINE.length; at++) {
      const split = await answers(srv.port, [PIPELINE.slice(0, at), PIPELINE.slice(at)]);
      assertEquals(split, whole, `split at ${at}`);
    }
  } finally {
    await srv.close();
  }
  assertEquals(srv.errors, []);
});

Deno.test("a client pipelining requests without reading the answers is held back, not buffered for", async () => {
  const srv = await startApp(appConfig());
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  const batch = new TextEncoder().encode("GET /echo/x HTTP/1.1\r\nHost: t\r\n\r\n".repeat(1000));
  let sent = 0;
  try {
    // Past what the kernel's socket buffers can hold, a server that kept reading would be
    // queueing answers in memory for a client that never takes them.
    const bound = 64 * 1024 * 1024;
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stalled = new Promise<null>((r) => timer = setTimeout(() => r(null), 1000));
      const wrote = await Promise.race([conn.write(batch), stalled]);
      clearTimeout(timer);
      if (wrote === null) break;
      sent += wrote;
      assert(sent < bound, `the server took ${sent} bytes of requests it could not answer`);
    }
  } finally {
    conn.close();
    await srv.close();
  }
  assert(sent > 0);
});
