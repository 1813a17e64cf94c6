/**
 * Field names that arrive in nearly every request, interned: the parser matches the bytes it
 * already walks and hands out one shared string pair (as sent, lower-cased) instead of decoding
 * and lower-casing a fresh copy per request. Matching is exact and case-sensitive, so the name
 * "as sent" stays byte for byte what was sent; any other spelling is decoded as usual.
 *
 * This module must not know about sockets or what the fields mean.
 * @module
 */

/** An interned field name: as sent, and lower-cased for lookup. */
export interface KnownName {
  readonly name: string;
  readonly key: string;
}

/** The running hash the parser computes over a name's bytes (see `hashStep`). */
export const HASH_SEED = 0;

/** One step of the name hash: cheap enough to run inside the token-checking loop. */
export function hashStep(hash: number, byte: number): number {
  return (Math.imul(hash, 31) + byte) | 0;
}

// Canonical spellings (what browsers, curl and most libraries send); lower case is added for
// each (what HTTP/2-minded clients such as undici send).
const CANONICAL = [
  "Host",
  "User-Agent",
  "Accept",
  "Accept-Encoding",
  "Accept-Language",
  "Accept-Charset",
  "Connection",
  "Keep-Alive",
  "Content-Length",
  "Content-Type",
  "Transfer-Encoding",
  "Expect",
  "Cookie",
  "Referer",
  "Origin",
  "Authorization",
  "Cache-Control",
  "Pragma",
  "Range",
  "If-Range",
  "If-Match",
  "If-None-Match",
  "If-Modified-Since",
  "If-Unmodified-Since",
  "Upgrade",
  "Upgrade-Insecure-Requests",
  "DNT",
  "TE",
  "Priority",
  "Sec-Fetch-Site",
  "Sec-Fetch-Mode",
  "Sec-Fetch-Dest",
  "Sec-Fetch-User",
  "Sec-CH-UA",
  "Sec-CH-UA-Mobile",
  "Sec-CH-UA-Platform",
  "X-Requested-With",
  "X-Forwarded-For",
  "Want-Repr-Digest",
  "Want-Content-Digest",
  "Repr-Digest",
  "Content-Digest",
];

interface Entry extends KnownName {
  readonly codes: readonly number[];
}

const TABLE = new Map<number, Entry[]>();

for (const canonical of CANONICAL) {
  for (const name of new Set([canonical, canonical.toLowerCase()])) {
    const codes = [...name].map((c) => c.charCodeAt(0));
    const hash = codes.reduce(hashStep, HASH_SEED);
    const entries = TABLE.get(hash) ?? [];
    entries.push({ name, key: canonical.toLowerCase(), codes });
    TABLE.set(hash, entries);
  }
}

/**
 * The interned pair for the name `bytes[start, end)` whose hash is `hash`, or null when the
 * name is not one of the known spellings.
 */
export function knownName(
  bytes: Uint8Array,
  start: number,
  end: number,
  hash: number,
): KnownName | null {
  const entries = TABLE.get(hash);
  if (entries === undefined) return null;
  const length = end - start;
  for (let e = 0; e < entries.length; e++) {
    const codes = entries[e].codes;
    if (codes.length !== length) continue;
    let i = 0;
    while (i < length && bytes[start + i] === codes[i]) i++;
    if (i === length) return entries[e];
  }
  return null;
}
