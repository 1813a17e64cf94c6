/**
 * The query string of a request as name/value pairs (WHATWG URL §5.1
 * application/x-www-form-urlencoded: `&`-separated, `+` is a space, percent-decoded as UTF-8),
 * strictly: an invalid escape makes the whole query invalid.
 *
 * This module must not know about routes or sockets.
 * @module
 */

import { percentDecode } from "./percent_decode.ts";

/** Ordered name/value pairs, repeated names kept. */
export type QueryPairs = ReadonlyArray<readonly [string, string]>;

/**
 * Parses `query` (without the "?") into pairs, or null when a part is not valid
 * percent-encoded UTF-8. Empty parts (`a=1&&b=2`) are skipped; `a` alone is `["a", ""]`.
 */
export function parseQuery(query: string): QueryPairs | null {
  const pairs: Array<[string, string]> = [];
  if (query === "") return pairs;
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = percentDecode(eq === -1 ? part : part.slice(0, eq), { plusAsSpace: true });
    const value = eq === -1 ? "" : percentDecode(part.slice(eq + 1), { plusAsSpace: true });
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
