/**
 * Small copies carved out of shared slabs: allocating a typed array per copy costs far more than
 * the copy itself (a backing store each), and a request head may be copied per request.
 *
 * This module must not know HTTP.
 * @module
 */

/** A slab is dropped, not reused, once full: the copies keep it alive only as long as they are. */
const SLAB_BYTES = 64 * 1024;
const SHORT_COPY_BYTES = 512;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

/** A copy of `from[start, end)`, usually a view into a shared slab (read it, never its `.buffer`). */
export function copyToSlab(from: Uint8Array, start: number, end: number): Uint8Array {
  const n = end - start;
  if (n > SLAB_BYTES / 4) return from.slice(start, end);
  if (slabUsed + n > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + n);
  if (n <= SHORT_COPY_BYTES) {
    // A request head is short: a loop is cheaper than making a view to hand to `set`.
    for (let i = 0; i < n; i++) out[i] = from[start + i];
  } else out.set(from.subarray(start, end));
  slabUsed += n;
  return out;
}
