/**
 * Tests for the interned field names: only the exact canonical or lower-case spellings come
 * back, always compared byte for byte (a matching hash is never enough), at any offset.
 */

import assert from "node:assert/strict";
import { HASH_SEED, hashStep, type KnownName, knownName } from "../../src/http/known_fields.ts";
import { bytes } from "./byte_feed.ts";

/** The parser's hash of `buf[start, end)`. */
function hashOf(buf: Uint8Array, start = 0, end = buf.length): number {
  let hash = HASH_SEED;
  for (let i = start; i < end; i++) hash = hashStep(hash, buf[i]);
  return hash;
}

/** `name` looked up alone, with its own hash, as the parser would. */
function lookUp(name: string): KnownName | null {
  const buf = bytes(name);
  return knownName(buf, 0, buf.length, hashOf(buf));
}

/** [name as sent, what knownName must give]. */
const SPELLINGS: Array<[string, KnownName | null]> = [
  ["Host", { name: "Host", key: "host" }],
  ["host", { name: "host", key: "host" }],
  ["User-Agent", { name: "User-Agent", key: "user-agent" }],
  ["user-agent", { name: "user-agent", key: "user-agent" }],
  ["Content-Length", { name: "Content-Length", key: "content-length" }],
  ["content-length", { name: "content-length", key: "content-length" }],
  ["DNT", { name: "DNT", key: "dnt" }],
  ["dnt", { name: "dnt", key: "dnt" }],
  ["TE", { name: "TE", key: "te" }],
  ["te", { name: "te", key: "te" }],
  ["Sec-CH-UA", { name: "Sec-CH-UA", key: "sec-ch-ua" }],
  ["sec-ch-ua", { name: "sec-ch-ua", key: "sec-ch-ua" }],
  // Any other case is decoded as usual, so the name stays byte for byte what was sent.
  ["HOST", null],
  ["hOST", null],
  ["hosT", null],
  ["User-agent", null],
  ["USER-AGENT", null],
  ["Sec-Ch-Ua", null],
  // Near misses in length.
  ["Hosts", null],
  ["Hos", null],
  ["Host ", null],
  ["", null],
  ["X-Custom", null],
];

for (const [name, expected] of SPELLINGS) {
  const outcome = expected === null ? "null" : `${expected.name}/${expected.key}`;
  Deno.test(`knownName gives ${outcome} when the name is ${JSON.stringify(name)}`, () => {
    const found = lookUp(name);
    assert.deepEqual(found === null ? null : { name: found.name, key: found.key }, expected);
  });
}

Deno.test("knownName gives the same shared pair on every call for one spelling", () => {
  assert.equal(lookUp("Accept"), lookUp("Accept"));
  assert.notEqual(lookUp("Accept"), lookUp("accept"), "each spelling has its own pair");
});

/** [what the name is, its bytes, the known name whose hash is handed in with them]. */
const WRONG_HASH: Array<[string, string, string]> = [
  ["other bytes of the same length", "Hxst", "Host"],
  ["the same letters in another case", "HosT", "Host"],
  ["a NUL in the last place", "Hos\0", "Host"],
  ["one byte longer", "Hosts", "Host"],
  ["a proper prefix of it", "Hos", "Host"],
  ["a proper prefix of a longer name", "Content-Len", "Content-Length"],
];

for (const [what, name, known] of WRONG_HASH) {
  Deno.test(`knownName returns null when given ${known}'s hash and ${what} (${JSON.stringify(name)})`, () => {
    const buf = bytes(name);
    assert.equal(knownName(buf, 0, buf.length, hashOf(bytes(known))), null);
  });
}

/** [name, the known name its own hash collides with]: found by solving h*31 + c mod 2^32. */
const COLLISIONS: Array<[string, string]> = [
  // Raising one char by 1 and lowering the next by 31 keeps the hash ("st" → "tU").
  ["HotU", "Host"],
  ["MNmlrAW", "Accept"],
  ["sVeVxjQHdebnd", "Content-Length"],
  ["hBudgEkyrwzHarst", "Content-Length"],
];

for (const [name, known] of COLLISIONS) {
  Deno.test(`knownName returns null when ${name}'s own hash collides with ${known}'s`, () => {
    const buf = bytes(name);
    assert.equal(hashOf(buf), hashOf(bytes(known)), "the two names do collide");
    assert.equal(knownName(buf, 0, buf.length, hashOf(buf)), null);
  });
}

/** [label, buffer, start, end, expected]: names inside larger buffers, as the parser sees them. */
const OFFSETS: Array<[string, string, number, number, KnownName | null]> = [
  ["at the start of a field line", "Host: a.example\r\n", 0, 4, { name: "Host", key: "host" }],
  [
    "after a request line",
    "GET / HTTP/1.1\r\nuser-agent: curl\r\n",
    16,
    26,
    { name: "user-agent", key: "user-agent" },
  ],
  ["as the head of a longer token", "Hosts: x\r\n", 0, 4, { name: "Host", key: "host" }],
  ["at the very end of the buffer", "xxAccept", 2, 8, { name: "Accept", key: "accept" }],
  ["one byte off to the left", "xHost: y", 0, 4, null],
  ["one byte off to the right", "xHost: y", 2, 6, null],
  ["cut one byte short", "xHost: y", 1, 4, null],
];

for (const [label, text, start, end, expected] of OFFSETS) {
  Deno.test(`knownName reads only bytes [start, end) when the name is ${label}`, () => {
    const buf = bytes(text);
    const found = knownName(buf, start, end, hashOf(buf, start, end));
    assert.deepEqual(found === null ? null : { name: found.name, key: found.key }, expected);
  });
}
