/**
 * The render cache's variants: a page is keyed by the request parts its renders used, and only
 * those; bounded by entries and bytes.
 */

import { type CachedPage, RenderCache } from "../../src/templates/render_cache.ts";
import { assert, assertEquals } from "../support/assert.ts";

const page = (text: string): CachedPage => ({
  body: new TextEncoder().encode(text),
  etag: `"${text}"`,
  encoded: {},
  okHeaders: null,
  dependencies: [],
  pageTag: '"p"',
  checkedAt: 0,
  notFound: false,
  revalidating: null,
});
const NONE = { usesPath: false, queryNames: [] };

Deno.test("RenderCache shares one variant among requests that differ only in unused parts", () => {
  const cache = new RenderCache({ maxEntries: 10, maxBytes: 1000 });
  assertEquals(cache.keyFor("/w/a.html", { path: "/a.html", query: "" }), null);
  const key = cache.store("/w/a.html", { path: "/a.html", query: "x=1" }, NONE, page("A"));
  for (const query of ["", "x=2", "utm=y", "%zz"]) {
    assertEquals(cache.keyFor("/w/a.html", { path: "/a.html?", query }), key);
  }
  assertEquals(cache.get(key)?.etag, '"A"');
});

Deno.test("RenderCache keys a page by each query value and the path it used", () => {
  const cache = new RenderCache({ maxEntries: 10, maxBytes: 1000 });
  const used = { usesPath: false, queryNames: ["p"] };
  const a = cache.store(
    "/w/post.html",
    { path: "/post.html", query: "p=a" },
    used,
    page("a"),
  );
  const b = cache.store(
    "/w/post.html",
    { path: "/post.html", query: "p=b" },
    used,
    page("b"),
  );
  assert(a !== b);
  assertEquals(cache.keyFor("/w/post.html", { path: "/x", query: "p=a&p=b" }), a);
  assertEquals(cache.keyFor("/w/post.html", { path: "/x", query: "q=a" }) === a, false);
  const withPath = cache.store("/w/p.html", { path: "/p.html", query: "" }, {
    usesPath: true,
    queryNames: [],
  }, page("p"));
  assertEquals(cache.keyFor("/w/p.html", { path: "/p.html", query: "" }), withPath);
  assert(cache.keyFor("/w/p.html", { path: "/P.html", query: "" }) !== withPath);
});

Deno.test("RenderCache keys by every name any render used, so a sometimes-used name counts", () => {
  const cache = new RenderCache({ maxEntries: 10, maxBytes: 1000 });
  // ${if request.query.a}${request.query.b}${end}: without a, b is not read.
  const first = cache.store("/w/i.html", { path: "/i.html", query: "" }, {
    usesPath: false,
    queryNames: ["a"],
  }, page("empty"));
  cache.store("/w/i.html", { path: "/i.html", query: "a=1&b=x" }, {
    usesPath: false,
    queryNames: ["a", "b"],
  }, page("x"));
  const y = cache.keyFor("/w/i.html", { path: "/i.html", query: "a=1&b=y" })!;
  assertEquals(cache.get(y), undefined, "b=y was never rendered");
  assert(cache.keyFor("/w/i.html", { path: "/i.html", query: "" }) !== first, "keys grew");
});

Deno.test("RenderCache stays within its entry and byte bounds, oldest first out", () => {
  const cache = new RenderCache({ maxEntries: 3, maxBytes: 10 });
  const used = { usesPath: false, queryNames: ["n"] };
  const keys = ["1", "2", "3", "4"].map((n) =>
    cache.store("/w/a.html", { path: "/a", query: `n=${n}` }, used, page(n + n))
  );
  assertEquals(cache.size, 3);
  assertEquals(cache.get(keys[0]), undefined);
  // A compressed form of the newest pushes the total past 10 bytes: the oldest goes.
  const newest = cache.get(keys[3])!;
  newest.encoded.gzip = new Uint8Array(5);
  cache.grew(newest, 5);
  assertEquals([cache.bytes, cache.size], [9, 2]);
  assertEquals(cache.get(keys[1]), undefined);
  assertEquals(cache.get(keys[3])?.etag, '"44"');
  // A page no longer held adds nothing.
  const gone = page("zz");
  cache.grew(gone, 100);
  assertEquals(cache.bytes, 9);
});

Deno.test("RenderCache lets variants go before pages that are one for every request", () => {
  const cache = new RenderCache({ maxEntries: 4, maxBytes: 1000 });
  const plain = ["/w/a.html", "/w/b.html"].map((p) =>
    cache.store(p, { path: p.slice(2), query: "" }, NONE, page(p))
  );
  // Made-up URLs of a page that shows the path (an --spa fallback, or `//b.html` spellings):
  // many more than the cache holds.
  const byPath = { usesPath: true, queryNames: [] };
  const made = Array.from(
    { length: 50 },
    (_, i) =>
      cache.store("/w/index.html", { path: `/made-up-${i}`, query: "" }, byPath, page(`m${i}`)),
  );
  assertEquals(cache.size, 4);
  for (const key of plain) assert(cache.get(key) !== undefined, `${key} pushed out`);
  // The newest variants are what is left of them.
  assertEquals(cache.get(made[49])?.etag, '"m49"');
  assertEquals(cache.get(made[47]), undefined);
  // With no variant left, pages go oldest first.
  const full = new RenderCache({ maxEntries: 2, maxBytes: 1000 });
  const [x, y, z] = ["/w/x", "/w/y", "/w/z"].map((p) =>
    full.store(p, { path: p, query: "" }, NONE, page(p))
  );
  assertEquals([full.get(x), full.get(y)?.etag, full.get(z)?.etag], [
    undefined,
    '"/w/y"',
    '"/w/z"',
  ]);
});
