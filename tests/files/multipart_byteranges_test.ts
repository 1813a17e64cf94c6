/** multipart/byteranges boundaries: nothing in one response tells the next one's boundary. */

import { newBoundary } from "../../src/files/multipart_byteranges.ts";
import { assert } from "../support/assert.ts";

Deno.test("newBoundary is fresh randomness each time, not a prefix and a counter", () => {
  const boundaries = Array.from({ length: 64 }, () => newBoundary());
  for (const b of boundaries) assert(/^wireserve-[0-9a-f]{32}$/.test(b), b);
  // An uploaded file cannot carry the boundary of a response it has not seen: no two share even
  // their first 8 random hex digits (a chance of about 2^-21 for 64 of them).
  const heads = new Set(
    boundaries.map((b) => b.slice("wireserve-".length, "wireserve-".length + 8)),
  );
  assert(heads.size === boundaries.length, "boundaries share a predictable part");
});
