/**
 * The query string of a request as name/value pairs (WHATWG URL §5.1
 * application/x-www-form-urlencoded: `&`-separated, `+` is a space, percent-decoded as UTF-8),
 * strictly: an invalid escape makes the whole query invalid. The go-httpbin surface reads it as
 * Go does instead (`parseQueryAsGo`, `optionalValue`), since its clients were written against Go.
 *
 * This module must not know about routes or sockets.
 * @module
 */

import { percentDecode } from "./percent_decode.ts";

/** Ordered name/value pairs, repeated names kept. */
export type QueryPairs = ReadonlyArray<readonly [string, string]>;

/**
 * Parses `query` (without the "?") into pairs, or null when a part is not valid
 * percent-encoded UTF-8 (with `lossyUtf8`, only a malformed escape is: decoded bytes that are
 * not UTF-8 become U+FFFD). Empty parts (`a=1&&b=2`) are skipped; `a` alone is `["a", ""]`.
 */
export function parseQuery(
  query: string,
  options: { lossyUtf8?: boolean } = {},
): QueryPairs | null {
  const pairs: Array<[string, string]> = [];
  if (query === "") return pairs;
  const decoding = { plusAsSpace: true, lossyUtf8: options.lossyUtf8 };
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = percentDecode(eq === -1 ? part : part.slice(0, eq), decoding);
    const value = eq === -1 ? "" : percentDecode(part.slice(eq + 1), decoding);
    if (name === null || value === null) return null;
    pairs.push([name, value]);
  }
  return pairs;
}

/**
 * Pairs grouped by name, each name with all its values in order: go-httpbin's `args` shape.
 * The object has no prototype, so a name like `__proto__` is just a key.
 */
export function groupPairs(pairs: QueryPairs): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null);
  for (const [name, value] of pairs) (out[name] ??= []).push(value);
  return out;
}

/** The first value of `name`, or undefined. */
export function firstValue(pairs: QueryPairs, name: string): string | undefined {
  for (const [n, v] of pairs) if (n === name) return v;
  return undefined;
}

/**
 * Parses `query` into pairs as Go's `url.ParseQuery` does (what go-httpbin's handlers read
 * through `r.URL.Query()`, which drops the error): a part with a malformed escape (`%zz`) or a
 * `;` (Go 1.17 and later) is left out, not the whole query; decoded bytes that are not UTF-8
 * (`%FF`) become U+FFFD, which is how Go's JSON encoder shows them. Never invalid.
 */
export function parseQueryAsGo(query: string): QueryPairs {
  const pairs: Array<[string, string]> = [];
  if (query === "") return pairs;
  const lossy = { plusAsSpace: true, lossyUtf8: true };
  for (const part of query.split("&")) {
    if (part === "" || part.includes(";")) continue;
    const eq = part.indexOf("=");
    const name = percentDecode(eq === -1 ? part : part.slice(0, eq), lossy);
    const value = eq === -1 ? "" : percentDecode(part.slice(eq + 1), lossy);
    if (name !== null && value !== null) pairs.push([name, value]);
  }
  return pairs;
}

/**
 * What Go's `url.ParseQuery` would report for `query` (which `Request.ParseForm` returns, and
 * go-httpbin answers 400 for): a part holding a `;` (Go 1.17 and later) or a malformed escape; null
 * when every part parses. Only the first problem is named, as Go keeps only the first error.
 */
export function goQueryError(query: string): string | null {
  // Only a `;` or an escape can be wrong (a form of 240,000 pairs was split twice for nothing).
  if (query === "" || (query.indexOf(";") === -1 && query.indexOf("%") === -1)) return null;
  const strict = { plusAsSpace: true, lossyUtf8: true };
  for (const part of query.split("&")) {
    if (part.includes(";")) return "invalid semicolon separator in query";
    const eq = part.indexOf("=");
    const name = eq === -1 ? part : part.slice(0, eq);
    if (percentDecode(name, strict) === null) return "invalid URL escape in a name";
    if (eq !== -1 && percentDecode(part.slice(eq + 1), strict) === null) {
      return "invalid URL escape in a value";
    }
  }
  return null;
}

/**
 * An optional parameter as go-httpbin reads one: the first value of `name`, or undefined when it
 * is absent or empty (`q.Get(name) != ""`), so that `?count=` means the default, not an error.
 */
export function optionalValue(pairs: QueryPairs, name: string): string | undefined {
  const value = firstValue(pairs, name);
  return value === "" ? undefined : value;
}
