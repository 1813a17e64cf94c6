/**
 * The raw-request table for `readRequestHead`: named cases, attacks included, each with the
 * exact outcome expected (the parsed head, the error kind and status, or null for "client gone").
 * Limits are shrunk (see `HEAD_LIMITS`) so the at-limit and one-past cases stay small.
 * @module
 */

import type { ErrorKind } from "../../src/http/errors.ts";
import { makeLimits } from "../../src/http/limits.ts";
import type { HttpVersion, TargetForm } from "../../src/http/types.ts";

/** The limits every table case runs under. */
export const HEAD_LIMITS = makeLimits({
  maxRequestLineBytes: 64,
  maxHeaderBytes: 128,
  maxHeaderCount: 5,
});

/** The parsed fields a successful case must produce. */
export interface ExpectedHead {
  method: string;
  target: string;
  targetForm: TargetForm;
  path: string;
  query: string;
  version: HttpVersion;
  rawVersion: string;
  host: string;
  headers: Array<[string, string]>;
}

/** An expected failure: the kind and, spelled out, the status the client gets. */
export interface ExpectedError {
  error: ErrorKind;
  status: number;
}

/** One named raw request and what reading it must give. */
export interface HeadCase {
  name: string;
  /** Raw bytes, one char code per byte. */
  input: string;
  expect: ExpectedHead | ExpectedError | null;
}

const H = "Host: x\r\n";
const BASE: ExpectedHead = {
  method: "GET",
  target: "/",
  targetForm: "origin",
  path: "/",
  query: "",
  version: "HTTP/1.1",
  rawVersion: "HTTP/1.1",
  host: "x",
  headers: [["Host", "x"]],
};

function ok(name: string, input: string, fields: Partial<ExpectedHead> = {}): HeadCase {
  return { name, input, expect: { ...BASE, ...fields } };
}

function bad(name: string, input: string, error: ErrorKind, status: number): HeadCase {
  return { name, input, expect: { error, status } };
}

/** The request line "GET /aaa… HTTP/1.1" exactly `length` bytes long (CRLF not counted). */
function requestLineOf(length: number): string {
  const fixed = "GET / HTTP/1.1".length;
  return `GET /${"a".repeat(length - fixed)} HTTP/1.1`;
}

/** "Host: x" plus one "X: vvv…" field, the two lines (CRLFs included) `bytes` long. */
function fieldsOf(bytes: number): string {
  return `${H}X: ${"v".repeat(bytes - H.length - "X: \r\n".length)}\r\n`;
}

const LINE_MAX = HEAD_LIMITS.maxRequestLineBytes;
const FIELDS_MAX = HEAD_LIMITS.maxHeaderBytes;
const COUNT_MAX = HEAD_LIMITS.maxHeaderCount;
const EMPTY_LINES_MAX = LINE_MAX / "\r\n".length;
const extra = (n: number) => "A: 1\r\n".repeat(n);

/** Every raw-request case. */
export const HEAD_CASES: HeadCase[] = [
  // Well-formed requests.
  ok("simple-get", `GET / HTTP/1.1\r\n${H}\r\n`),
  ok("origin-with-query", `GET /a/b?c=d&e?f HTTP/1.1\r\n${H}\r\n`, {
    target: "/a/b?c=d&e?f",
    path: "/a/b",
    query: "c=d&e?f",
  }),
  ok("empty-query", `GET /a? HTTP/1.1\r\n${H}\r\n`, { target: "/a?", path: "/a" }),
  ok("pct-encoded-path-kept-raw", `GET /a%20b/%2e%2e HTTP/1.1\r\n${H}\r\n`, {
    target: "/a%20b/%2e%2e",
    path: "/a%20b/%2e%2e",
  }),
  ok("method-case-kept", `get / HTTP/1.1\r\n${H}\r\n`, { method: "get" }),
  ok("method-token-chars", `M-SEARCH! / HTTP/1.1\r\n${H}\r\n`, { method: "M-SEARCH!" }),
  ok("field-case-order-duplicates-kept", `GET / HTTP/1.1\r\nX-A: 1\r\n${H}x-a: 2\r\n\r\n`, {
    headers: [["X-A", "1"], ["Host", "x"], ["x-a", "2"]],
  }),
  ok("ows-trimmed", `GET / HTTP/1.1\r\n${H}X:  \t v a\tl \t \r\n\r\n`, {
    headers: [["Host", "x"], ["X", "v a\tl"]],
  }),
  ok("empty-value", `GET / HTTP/1.1\r\n${H}X:\r\n\r\n`, { headers: [["Host", "x"], ["X", ""]] }),
  ok("obs-text-value-as-latin1", `GET / HTTP/1.1\r\n${H}X: \x80\xe9\xff\r\n\r\n`, {
    headers: [["Host", "x"], ["X", "\x80\xe9\xff"]],
  }),
  ok("version-1.0", `GET / HTTP/1.0\r\n${H}\r\n`, { version: "HTTP/1.0", rawVersion: "HTTP/1.0" }),
  ok("http10-without-host-ok", "GET / HTTP/1.0\r\n\r\n", {
    version: "HTTP/1.0",
    rawVersion: "HTTP/1.0",
    host: "",
    headers: [],
  }),
  ok("version-1.2-as-1.1", `GET / HTTP/1.2\r\n${H}\r\n`, { rawVersion: "HTTP/1.2" }),
  ok("version-1.9-as-1.1", `GET / HTTP/1.9\r\n${H}\r\n`, { rawVersion: "HTTP/1.9" }),
  ok("absolute-form", "GET http://example.com:8080/p?q HTTP/1.1\r\nHost: other\r\n\r\n", {
    target: "http://example.com:8080/p?q",
    targetForm: "absolute",
    path: "/p",
    query: "q",
    host: "example.com:8080",
    headers: [["Host", "other"]],
  }),
  ok("absolute-form-https-no-path", `GET HTTPS://Example.com HTTP/1.1\r\n${H}\r\n`, {
    target: "HTTPS://Example.com",
    targetForm: "absolute",
    host: "Example.com",
  }),
  ok("absolute-form-query-no-path", `GET http://h?x=1 HTTP/1.1\r\n${H}\r\n`, {
    target: "http://h?x=1",
    targetForm: "absolute",
    query: "x=1",
    host: "h",
  }),
  ok("absolute-form-ip-literal", `GET http://[::1]:80/a HTTP/1.1\r\n${H}\r\n`, {
    target: "http://[::1]:80/a",
    targetForm: "absolute",
    path: "/a",
    host: "[::1]:80",
  }),
  ok("asterisk-form-options", `OPTIONS * HTTP/1.1\r\n${H}\r\n`, {
    method: "OPTIONS",
    target: "*",
    targetForm: "asterisk",
    path: "*",
  }),
  ok(
    "authority-form-connect",
    "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
    {
      method: "CONNECT",
      target: "example.com:443",
      targetForm: "authority",
      path: "",
      host: "example.com:443",
      headers: [["Host", "example.com:443"]],
    },
  ),
  ok("host-ip-literal-ipv4-tail", "GET / HTTP/1.1\r\nHost: [::ffff:10.0.0.1]\r\n\r\n", {
    host: "[::ffff:10.0.0.1]",
    headers: [["Host", "[::ffff:10.0.0.1]"]],
  }),
  ok("host-ip-future", "GET / HTTP/1.1\r\nHost: [v1.a:b]\r\n\r\n", {
    host: "[v1.a:b]",
    headers: [["Host", "[v1.a:b]"]],
  }),
  ok("host-empty-ok", "GET / HTTP/1.1\r\nHost:\r\n\r\n", { host: "", headers: [["Host", ""]] }),
  ok("host-ip-literal-port", "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", {
    host: "[::1]:8080",
    headers: [["Host", "[::1]:8080"]],
  }),
  ok("host-pct-encoded-sub-delims", "GET / HTTP/1.1\r\nhost: a%41b!$&'()*+,;=\r\n\r\n", {
    host: "a%41b!$&'()*+,;=",
    headers: [["host", "a%41b!$&'()*+,;="]],
  }),
  ok("leading-empty-lines-ignored", `\r\n\r\nGET / HTTP/1.1\r\n${H}\r\n`),
  ok(
    "leading-empty-lines-at-limit-ok",
    `${"\r\n".repeat(EMPTY_LINES_MAX)}GET / HTTP/1.1\r\n${H}\r\n`,
  ),
  ok("body-left-in-reader", `POST / HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhello`, {
    method: "POST",
    headers: [["Host", "x"], ["Content-Length", "5"]],
  }),
  ok("pipelined-request-left-in-reader", `GET / HTTP/1.1\r\n${H}\r\nGET /2 HTTP/1.1\r\n${H}\r\n`),
  ok("request-line-at-limit-ok", `${requestLineOf(LINE_MAX)}\r\n${H}\r\n`, {
    target: requestLineOf(LINE_MAX).slice("GET ".length, -" HTTP/1.1".length),
    path: requestLineOf(LINE_MAX).slice("GET ".length, -" HTTP/1.1".length),
  }),
  ok("header-section-at-limit-ok", `GET / HTTP/1.1\r\n${fieldsOf(FIELDS_MAX)}\r\n`, {
    headers: [["Host", "x"], ["X", "v".repeat(FIELDS_MAX - H.length - "X: \r\n".length)]],
  }),
  ok("header-count-at-limit-ok", `GET / HTTP/1.1\r\n${H}${extra(COUNT_MAX - 1)}\r\n`, {
    headers: [["Host", "x"], ...Array(COUNT_MAX - 1).fill(["A", "1"]) as Array<[string, string]>],
  }),

  // Line endings: CRLF only (decision documented in request_head.ts).
  bad("bare-lf-line-ending", "GET / HTTP/1.1\nHost: x\n\n", "badRequestLine", 400),
  bad("bare-lf-in-field-line", `GET / HTTP/1.1\r\nHost: x\nX: 1\r\n\r\n`, "badHeader", 400),
  bad("bare-lf-ending-head", `GET / HTTP/1.1\r\n${H}\n`, "badHeader", 400),
  bad("bare-lf-leading-empty-line", `\nGET / HTTP/1.1\r\n${H}\r\n`, "badRequestLine", 400),
  bad(
    "leading-empty-lines-one-past",
    `${"\r\n".repeat(EMPTY_LINES_MAX + 1)}GET / HTTP/1.1\r\n${H}\r\n`,
    "badRequestLine",
    400,
  ),

  // Request line.
  bad("double-space-in-request-line", `GET  / HTTP/1.1\r\n${H}\r\n`, "badRequestLine", 400),
  bad("double-space-before-version", `GET /  HTTP/1.1\r\n${H}\r\n`, "badRequestLine", 400),
  bad("trailing-space-after-version", `GET / HTTP/1.1 \r\n${H}\r\n`, "badRequestLine", 400),
  bad("leading-space-before-method", ` GET / HTTP/1.1\r\n${H}\r\n`, "notHttp", 400),
  bad("tls-client-hello", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n", "notHttp", 400),
  bad("tab-as-separator", `GET\t/ HTTP/1.1\r\n${H}\r\n`, "badRequestLine", 400),
  bad("method-not-a-token", `GE(T / HTTP/1.1\r\n${H}\r\n`, "badRequestLine", 400),
  bad("http-0.9-style-no-version", "GET /\r\n\r\n", "badRequestLine", 400),
  bad("lowercase-http-version", `GET / http/1.1\r\n${H}\r\n`, "badRequestLine", 400),
  bad("version-without-minor", `GET / HTTP/1\r\n${H}\r\n`, "badRequestLine", 400),
  bad("version-two-digit-minor", `GET / HTTP/1.10\r\n${H}\r\n`, "badRequestLine", 400),
  bad("version-two-digit-major", `GET / HTTP/11.1\r\n${H}\r\n`, "badRequestLine", 400),
  bad("version-letter-minor", `GET / HTTP/1.x\r\n${H}\r\n`, "badRequestLine", 400),
  bad("bad-version-2.0", `GET / HTTP/2.0\r\n${H}\r\n`, "versionNotSupported", 505),
  bad("bad-version-3.0", `GET / HTTP/3.0\r\n${H}\r\n`, "versionNotSupported", 505),
  bad("bad-version-0.9", `GET / HTTP/0.9\r\n${H}\r\n`, "versionNotSupported", 505),
  bad("request-line-one-past", `${requestLineOf(LINE_MAX + 1)}\r\n${H}\r\n`, "uriTooLong", 414),
  bad("request-line-never-ends", requestLineOf(LINE_MAX * 2), "uriTooLong", 414),
  // RFC 9112 §3: a method longer than any implemented gets 501, even past the line's limit.
  bad(
    "method-past-line-limit",
    `${"M".repeat(LINE_MAX + 1)} / HTTP/1.1\r\n${H}\r\n`,
    "methodNotImplemented",
    501,
  ),
  bad("method-never-ends", "M".repeat(LINE_MAX * 2), "methodNotImplemented", 501),
  // A non-token byte before the limit: the line is not a long method, and stays a 414.
  bad("long-line-no-space", `G\x01${"a".repeat(LINE_MAX)}`, "uriTooLong", 414),

  // Request target.
  bad("nul-in-target", `GET /a\x00b HTTP/1.1\r\n${H}\r\n`, "badTarget", 400),
  bad("del-in-target", `GET /a\x7fb HTTP/1.1\r\n${H}\r\n`, "badTarget", 400),
  bad("tab-in-target", `GET /a\tb HTTP/1.1\r\n${H}\r\n`, "badTarget", 400),
  bad("bare-cr-in-target", `GET /a\r HTTP/1.1\r\n${H}\r\n`, "badTarget", 400),
  bad("non-ascii-target", `GET /\xc3\xa9 HTTP/1.1\r\n${H}\r\n`, "badTarget", 400),
  bad("fragment-in-target", `GET /a#b HTTP/1.1\r\n${H}\r\n`, "badTarget", 400),
  bad("relative-target", `GET a/b HTTP/1.1\r\n${H}\r\n`, "badTarget", 400),
  bad("asterisk-form-get", `GET * HTTP/1.1\r\n${H}\r\n`, "badTarget", 400),
  bad("authority-form-not-connect", `GET x:443 HTTP/1.1\r\n${H}\r\n`, "badTarget", 400),
  bad("connect-origin-form", `CONNECT / HTTP/1.1\r\n${H}\r\n`, "badTarget", 400),
  bad("connect-without-port", `CONNECT x HTTP/1.1\r\n${H}\r\n`, "badTarget", 400),
  bad("absolute-form-other-scheme", `GET ftp://h/ HTTP/1.1\r\n${H}\r\n`, "badTarget", 400),
  bad("absolute-form-empty-authority", `GET http:///p HTTP/1.1\r\n${H}\r\n`, "badTarget", 400),
  bad("absolute-form-userinfo", `GET http://u:p@h/ HTTP/1.1\r\n${H}\r\n`, "badTarget", 400),

  // Field lines.
  bad("obs-fold", `GET / HTTP/1.1\r\n${H}X: a\r\n b\r\n\r\n`, "badHeader", 400),
  bad("whitespace-after-request-line", `GET / HTTP/1.1\r\n ${H}\r\n`, "badHeader", 400),
  bad("space-before-colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", "badHeader", 400),
  bad("tab-before-colon", "GET / HTTP/1.1\r\nHost\t: x\r\n\r\n", "badHeader", 400),
  bad("empty-name", `GET / HTTP/1.1\r\n${H}: x\r\n\r\n`, "badHeader", 400),
  bad("no-colon", `GET / HTTP/1.1\r\n${H}X x\r\n\r\n`, "badHeader", 400),
  bad("name-not-a-token", `GET / HTTP/1.1\r\n${H}X@Y: 1\r\n\r\n`, "badHeader", 400),
  bad("nul-in-name", `GET / HTTP/1.1\r\n${H}X\x00: 1\r\n\r\n`, "badHeader", 400),
  bad("bare-cr-in-value", `GET / HTTP/1.1\r\n${H}X: a\rb\r\n\r\n`, "badHeader", 400),
  bad("nul-in-value", `GET / HTTP/1.1\r\n${H}X: a\x00b\r\n\r\n`, "badHeader", 400),
  bad("del-in-value", `GET / HTTP/1.1\r\n${H}X: a\x7fb\r\n\r\n`, "badHeader", 400),
  bad("vertical-tab-in-value", `GET / HTTP/1.1\r\n${H}X: a\x0bb\r\n\r\n`, "badHeader", 400),
  bad(
    "header-section-one-past",
    `GET / HTTP/1.1\r\n${fieldsOf(FIELDS_MAX + 1)}\r\n`,
    "headersTooLarge",
    431,
  ),
  bad(
    "single-field-line-too-long",
    `GET / HTTP/1.1\r\nX: ${"v".repeat(FIELDS_MAX)}\r\n${H}\r\n`,
    "headersTooLarge",
    431,
  ),
  bad(
    "header-count-one-past",
    `GET / HTTP/1.1\r\n${H}${extra(COUNT_MAX)}\r\n`,
    "headersTooLarge",
    431,
  ),

  // Host (RFC 9112 §3.2).
  bad("missing-host-1.1", "GET / HTTP/1.1\r\nX: 1\r\n\r\n", "badHost", 400),
  bad("two-hosts", `GET / HTTP/1.1\r\n${H}${H}\r\n`, "badHost", 400),
  bad("two-hosts-http10", `GET / HTTP/1.0\r\n${H}host: y\r\n\r\n`, "badHost", 400),
  bad("host-with-space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", "badHost", 400),
  bad("host-with-userinfo", "GET / HTTP/1.1\r\nHost: u@h\r\n\r\n", "badHost", 400),
  bad("host-bad-port", "GET / HTTP/1.1\r\nHost: h:8x\r\n\r\n", "badHost", 400),
  bad("host-only-port", "GET / HTTP/1.1\r\nHost: :80\r\n\r\n", "badHost", 400),
  bad("host-bad-pct-encoding", "GET / HTTP/1.1\r\nHost: a%4g\r\n\r\n", "badHost", 400),
  bad("host-unclosed-ip-literal", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", "badHost", 400),
  bad("host-ip-literal-not-an-address", "GET / HTTP/1.1\r\nHost: [zz]\r\n\r\n", "badHost", 400),
  bad("host-ip-literal-only-colons", "GET / HTTP/1.1\r\nHost: [:::::]:80\r\n\r\n", "badHost", 400),
  bad(
    "absolute-form-ip-literal-not-an-address",
    `GET http://[zz]/ HTTP/1.1\r\n${H}\r\n`,
    "badTarget",
    400,
  ),
  bad("host-obs-text", "GET / HTTP/1.1\r\nHost: \xe9\r\n\r\n", "badHost", 400),
  bad("absolute-form-missing-host-1.1", "GET http://h/ HTTP/1.1\r\n\r\n", "badHost", 400),

  // Authorization is not a list field (RFC 9110 §5.3): a proxy may have checked the other line.
  bad(
    "two-authorizations",
    `GET / HTTP/1.1\r\n${H}Authorization: Basic YQ==\r\nauthorization: Basic Yg==\r\n\r\n`,
    "repeatedAuthorization",
    400,
  ),

  // The stream ends before the head does: the client left.
  { name: "empty-stream", input: "", expect: null },
  { name: "only-empty-lines", input: "\r\n\r\n", expect: null },
  { name: "truncated-request-line", input: "GET / HT", expect: null },
  { name: "truncated-header-section", input: `GET / HTTP/1.1\r\n${H}`, expect: null },
  { name: "truncated-final-crlf", input: `GET / HTTP/1.1\r\n${H}\r`, expect: null },
];
