/**
 * Joining byte pieces into one array: what every reader that keeps a body whole (or a message
 * of several frames) ends with.
 *
 * This module must not know HTTP.
 * @module
 */

/** `parts` as one array of `total` bytes (the sum of their lengths); a single part as itself. */
export function concatBytes(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
