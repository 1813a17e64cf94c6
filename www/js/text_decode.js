/**
 * Bytes of a text file to a string as the browser would show the file itself (WHATWG Encoding,
 * "decode"): a byte order mark wins, then the `charset` of its `Content-Type`, then UTF-8. The
 * preview reads the bytes (`Response.text()` is always UTF-8, so a UTF-16 file came out as
 * garbage).
 *
 * Nothing here touches the DOM.
 * @module
 */

/** The byte order marks, longest first, and the encoding each one names. */
const BYTE_ORDER_MARKS = [
  { bytes: [0xef, 0xbb, 0xbf], label: "utf-8" },
  { bytes: [0xff, 0xfe], label: "utf-16le" },
  { bytes: [0xfe, 0xff], label: "utf-16be" },
];

/** The encoding label `bytes` start with a mark of, or null. */
export function byteOrderMark(bytes) {
  const mark = BYTE_ORDER_MARKS.find((m) => m.bytes.every((b, i) => bytes[i] === b));
  return mark ? mark.label : null;
}

/** The `charset` parameter of a Content-Type value, unquoted, or null. */
export function charsetOf(contentType) {
  const match = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType ?? "");
  return match ? match[2] : null;
}

/**
 * `bytes` (a Uint8Array) decoded under `contentType`. A label TextDecoder does not know falls
 * back to UTF-8; bytes that do not decode become U+FFFD (a cut at the preview's byte limit may
 * split a character). The mark itself is not part of the text.
 */
export function decodeText(bytes, contentType) {
  const label = byteOrderMark(bytes) ?? charsetOf(contentType) ?? "utf-8";
  let decoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    decoder = new TextDecoder("utf-8");
  }
  // TextDecoder drops a mark of its own encoding at the start: that is the mark found above.
  return decoder.decode(bytes);
}
