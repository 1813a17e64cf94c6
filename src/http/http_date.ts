/**
 * The `Date` header line (RFC 9110 §6.6.1), formatted once a second and reused in between.
 *
 * This module must not know about connections or responses.
 * @module
 */

const encoder = new TextEncoder();
let cachedSecond = -1;
let cachedLine = new Uint8Array(0);

/** `Date: <IMF-fixdate>\r\n` as bytes for the current second. */
export function dateHeaderLine(now: number = Date.now()): Uint8Array {
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedLine = encoder.encode(`Date: ${new Date(second * 1000).toUTCString()}\r\n`);
  }
  return cachedLine;
}

/** An IMF-fixdate (RFC 9110 §5.6.7) for `time`. */
export function formatHttpDate(time: Date | number): string {
  return new Date(time).toUTCString();
}
