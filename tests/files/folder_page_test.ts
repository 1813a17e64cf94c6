/**
 * `folderPage`: a listing or search page made whole carries a weak ETag of its bytes, one for
 * every content coding, and answers a matching If-None-Match with a 304 that repeats its ETag,
 * Cache-Control and Vary; a streamed page carries none.
 */

import { gunzipSync } from "node:zlib";
import { FOLDER_PAGE_CACHING, folderPage, pageEtag } from "../../src/files/folder_page.ts";
import type { HttpResponse, StreamBody } from "../../src/http/types.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { buildRequest, header } from "../support/request_builder.ts";

const PAGE = "<!doctype html><title>/files/</title>" + "<tr><td>a row</td></tr>\n".repeat(200);
const WEAK_TAG = /^W\/"[A-Za-z0-9_-]{22}"$/;

function ask(fields: Array<[string, string]> = [], method = "GET") {
  return buildRequest({ method, target: "/files/", headers: [["Host", "t"], ...fields] });
}

function bytesOf(res: HttpResponse): Uint8Array {
  assert(res.body instanceof Uint8Array, "a page made whole is one body");
  return res.body;
}

function streamed(): StreamBody {
  return { kind: "stream", stream: (async function* () {})() };
}

Deno.test("a page made whole has a weak ETag of its bytes, the same when compressed", () => {
  const plain = folderPage(ask(), false, PAGE);
  const tag = header(plain, "etag");
  assert(tag !== undefined && WEAK_TAG.test(tag), `weak tag: ${tag}`);
  assertEquals(tag, pageEtag(new TextEncoder().encode(PAGE)));
  assertEquals(new TextDecoder().decode(bytesOf(plain)), PAGE);
  assertEquals(header(plain, "cache-control"), "no-cache");
  const gzip = folderPage(ask([["Accept-Encoding", "gzip"]]), false, PAGE);
  assertEquals([header(gzip, "content-encoding"), header(gzip, "etag")], ["gzip", tag]);
  assertEquals(new TextDecoder().decode(gunzipSync(bytesOf(gzip))), PAGE);
  assertEquals(header(gzip, "vary"), "Accept, Accept-Encoding");
  const other = folderPage(ask(), false, PAGE + "<tr><td>one more</td></tr>\n");
  assert(header(other, "etag") !== tag, "other bytes, another tag");
  const json = folderPage(ask(), true, '{"path":"/files/","entries":[],"truncated":false}');
  assertEquals(header(json, "content-type"), "application/json; charset=utf-8");
  assert(WEAK_TAG.test(header(json, "etag") ?? ""));
});

Deno.test("a page made whole answers its own tag in If-None-Match with 304, GET and HEAD", () => {
  const tag = header(folderPage(ask(), false, PAGE), "etag")!;
  const strong = tag.slice(2); // If-None-Match compares weakly (RFC 9110 §13.1.2)
  for (const method of ["GET", "HEAD"]) {
    for (const value of [tag, strong, `"other", ${tag}`, "*"]) {
      const fields: Array<[string, string]> = [["If-None-Match", value], ["Accept-Encoding", "br"]];
      const res = folderPage(ask(fields, method), false, PAGE);
      assertEquals(res.status, 304, `${method} ${value}`);
      assertEquals(res.headers, [["ETag", tag], ...FOLDER_PAGE_CACHING]);
      assertEquals(res.body, undefined);
    }
  }
  const changed = folderPage(ask([["If-None-Match", tag]]), false, PAGE + "\n");
  assertEquals(changed.status, 200);
  // A weak tag never matches If-Match (strong comparison): 412, as before the folder was read.
  const guarded = folderPage(ask([["If-Match", tag]]), false, PAGE);
  assertEquals(guarded.status, 412);
});

Deno.test("a streamed page has no ETag, and only If-None-Match: * is its 304", () => {
  const res = folderPage(ask(), false, streamed());
  assertEquals([res.status, header(res, "etag")], [200, undefined]);
  const star = folderPage(ask([["If-None-Match", "*"]]), false, streamed());
  assertEquals([star.status, star.headers], [304, [...FOLDER_PAGE_CACHING]]);
  const tagged = folderPage(ask([["If-None-Match", 'W/"abc"']]), false, streamed());
  assertEquals(tagged.status, 200);
});
