/**
 * Destination and If-tag URLs reduced to the path below /files/ — or refused.
 */

import { assertEquals } from "../support/assert.ts";
import { hrefOf, resourcePath, urlBelowMount } from "../../src/webdav/dav_path.ts";

/** [case, url, host, outcome] */
const CASES: Array<[string, string, string | undefined, ReturnType<typeof urlBelowMount>]> = [
  ["absolute URI", "http://h:8080/files/a%20b", "h:8080", { ok: true, raw: "a%20b" }],
  ["host compared without case", "http://H:8080/files/a", "h:8080", { ok: true, raw: "a" }],
  ["absolute path", "/files/dir/", "h", { ok: true, raw: "dir/" }],
  ["the mount itself", "/files", "h", { ok: true, raw: "" }],
  ["query and fragment dropped", "/files/a?x=1#y", "h", { ok: true, raw: "a" }],
  ["another host", "http://evil/files/a", "h", { ok: false, reason: "elsewhere" }],
  ["another port", "http://h:1/files/a", "h:8080", { ok: false, reason: "elsewhere" }],
  // RFC 3986 §6.2.3: the scheme's default port may be written or left out.
  ["default port written", "http://h:80/files/a", "h", { ok: true, raw: "a" }],
  ["default port in Host", "http://h/files/a", "h:80", { ok: true, raw: "a" }],
  ["https default port", "https://h:443/files/a", "h", { ok: true, raw: "a" }],
  // Behind a proxy that ends TLS, clients name this plain-HTTP server with https:// URLs.
  ["https on the same host", "https://h:8080/files/a", "h:8080", { ok: true, raw: "a" }],
  ["a scheme that is not HTTP's", "ftp://h:8080/files/a", "h:8080", {
    ok: false,
    reason: "elsewhere",
  }],
  ["another scheme's default", "http://h:443/files/a", "h", { ok: false, reason: "elsewhere" }],
  ["no Host to compare", "http://h/files/a", undefined, { ok: false, reason: "elsewhere" }],
  ["outside /files/", "/echo/x", "h", { ok: false, reason: "elsewhere" }],
  ["a prefix look-alike", "/filesystem/x", "h", { ok: false, reason: "elsewhere" }],
  ["relative", "files/a", "h", { ok: false, reason: "malformed" }],
  ["protocol-relative", "//h/files/a", "h", { ok: false, reason: "malformed" }],
  ["empty", " ", "h", { ok: false, reason: "malformed" }],
  // Field values arrive one byte per character: raw UTF-8 `é` is "\u00c3\u00a9".
  ["raw UTF-8 bytes", "/files/d\u00c3\u00a9j\u00c3\u00a0", "h", {
    ok: true,
    raw: "d%C3%A9j%C3%A0",
  }],
  ["raw bytes in a URI", "http://h/files/a%20\u00ff", "h", { ok: true, raw: "a%20%FF" }],
];

Deno.test("urlBelowMount keeps this server's /files/ paths and names the rest", () => {
  for (const [what, url, host, want] of CASES) assertEquals(urlBelowMount(url, host), want, what);
});

Deno.test("hrefs are percent-encoded UTF-8 with a final slash for collections", () => {
  assertEquals(hrefOf(["a b", "é€", "x&y#?"], false), "/files/a%20b/%C3%A9%E2%82%AC/x%26y%23%3F");
  assertEquals(hrefOf(["dir"], true), "/files/dir/");
  assertEquals(hrefOf([], true), "/files/");
  assertEquals(resourcePath([]), "/");
  assertEquals(resourcePath(["a", "b"]), "/a/b");
});
