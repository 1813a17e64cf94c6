/**
 * Percent-decoding of URL path segments and query parts (RFC 3986 §2.1) into UTF-8 text, strict:
 * a malformed escape or bytes that are not UTF-8 make the whole input invalid rather than being
 * passed through, so a handler can answer 400 instead of guessing.
 *
 * This module must not know about routes, files or HTTP.
 * @module
 */

const PERCENT = 0x25;
const PLUS = 0x2b;
const SPACE = 0x20;
const ESCAPE_LENGTH = 3;
const NOT_HEX = -1;

/** Decodes bytes strictly: invalid UTF-8 throws instead of becoming U+FFFD. */
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
/** Decodes bytes as a browser does: each invalid sequence becomes U+FFFD. */
const LOSSY_UTF8 = new TextDecoder("utf-8", { ignoreBOM: true });
const ENCODER = new TextEncoder();

/** Options for {@link percentDecode}. */
export interface PercentDecodeOptions {
  /**
   * Decode `+` as a space (application/x-www-form-urlencoded, WHATWG URL §5.1). Off by default:
   * in a path, `+` is a literal plus (RFC 3986 §3.3).
   */
  plusAsSpace?: boolean;
  /**
   * Decoded bytes that are not UTF-8 become U+FFFD instead of making the input invalid (a
   * malformed escape still does). Off by default: a path that names a file must be exact.
   */
  lossyUtf8?: boolean;
}

/**
 * Decodes `%XX` escapes in `s` and returns the UTF-8 text, or null when an escape is malformed
 * (`%`, `%4`, `%zz`) or the decoded bytes are not valid UTF-8 (`%ff`). Characters that are not
 * escaped are kept as they are (a raw non-ASCII character in the input is kept too).
 *
 * `%2F` decodes to `/`: callers that split paths into segments must split before decoding.
 */
export function percentDecode(s: string, options: PercentDecodeOptions = {}): string | null {
  const plus = options.plusAsSpace === true;
  // Fast path: most paths carry no escapes at all.
  if (s.indexOf("%") === -1 && (!plus || s.indexOf("+") === -1)) return s;
  const bytes = percentDecodeBytes(s, plus);
  if (bytes === null) return null;
  if (options.lossyUtf8 === true) return LOSSY_UTF8.decode(bytes);
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Decodes `%XX` escapes in `s` into the bytes they stand for, whatever they are (RFC 3986 §2.1:
 * `%FF` is a valid escape; whether the bytes are text is the caller's question), or null when an
 * escape is malformed (`%`, `%4`, `%zz`). Characters that are not escaped become their UTF-8
 * bytes; `+` becomes a space when `plusAsSpace`.
 */
export function percentDecodeBytes(s: string, plusAsSpace = false): Uint8Array | null {
  const src = ENCODER.encode(s);
  const out = new Uint8Array(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const b = src[i];
    if (b === PERCENT) {
      if (i + ESCAPE_LENGTH > src.length) return null;
      const hi = hexValue(src[i + 1]);
      const lo = hexValue(src[i + 2]);
      if (hi === NOT_HEX || lo === NOT_HEX) return null;
      out[n++] = (hi << 4) | lo;
      i += ESCAPE_LENGTH - 1;
    } else if (plusAsSpace && b === PLUS) {
      out[n++] = SPACE;
    } else {
      out[n++] = b;
    }
  }
  return out.subarray(0, n);
}

/** The value of one ASCII hex digit, or NOT_HEX. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30; // 0-9
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10; // A-F
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10; // a-f
  return NOT_HEX;
}
