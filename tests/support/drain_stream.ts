/**
 * Reads a streamed response body to its end, or to the error that cuts it: what a client that
 * saves a download sees.
 */

/** The bytes `stream` gave, and whether it ended with an error rather than at its end. */
export async function drainStream(
  stream: AsyncIterable<Uint8Array>,
): Promise<{ bytes: Uint8Array; failed: boolean }> {
  const pieces: Uint8Array[] = [];
  let failed = false;
  try {
    for await (const piece of stream) pieces.push(piece);
  } catch {
    failed = true;
  }
  const bytes = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, failed };
}
