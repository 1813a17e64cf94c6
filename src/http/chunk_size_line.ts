/**
 * One chunk-size line of the chunked transfer coding (RFC 9112 §7.1, §7.1.1): its bytes in, the
 * chunk size out, or an `HttpError` ("badChunk").
 *
 * This module must not know about readers, limits or the decoder's state: it sees one line,
 * already cut, and keeps nothing between calls.
 * @module
 */

import { HttpError } from "./errors.ts";
import { CLASS, CR, HTAB, SP, TCHAR, VALUE } from "./head_syntax.ts";

const SEMICOLON = 0x3b, EQUALS = 0x3d, DQUOTE = 0x22, BACKSLASH = 0x5c;
const HEX_RADIX = 16;
const BYTE_VALUES = 256;

/** Each byte's hex digit value, or -1 (RFC 5234 HEXDIG, either case). */
const HEX_VALUE = new Int8Array(BYTE_VALUES).fill(-1);
for (const [i, c] of [..."0123456789abcdef"].entries()) {
  HEX_VALUE[c.charCodeAt(0)] = i;
  HEX_VALUE[c.toUpperCase().charCodeAt(0)] = i;
}

/**
 * The chunk size a chunk-size line announces. `line` is the line as `tryReadLine` gives it: up
 * to and including the CR, without the LF. Refuses a missing CR, a size that is not 1*HEXDIG or
 * passes `Number.MAX_SAFE_INTEGER`, and anything after the size but a well-formed chunk-ext.
 */
export function parseChunkSizeLine(line: Uint8Array): number {
  const end = line.length - 1;
  // RFC 9112 §7.1 puts CRLF after chunk-size; a bare LF is one framing rule a proxy may not
  // share with us, so refuse it.
  if (end < 0 || line[end] !== CR) {
    throw new HttpError("badChunk", "Chunk-size line not ended by CRLF");
  }
  let size = 0;
  let i = 0;
  // chunk-size = 1*HEXDIG, by hand: no sign, no "0x", no whitespace, and no wrap-around.
  for (; i < end; i++) {
    const digit = HEX_VALUE[line[i]];
    if (digit < 0) break;
    if (size > (Number.MAX_SAFE_INTEGER - digit) / HEX_RADIX) {
      throw new HttpError("badChunk", "Chunk size above Number.MAX_SAFE_INTEGER");
    }
    size = size * HEX_RADIX + digit;
  }
  if (i === 0) throw new HttpError("badChunk", "Chunk-size line without a hex size");
  checkExtensions(line, i, end);
  return size;
}

/**
 * Checks what follows chunk-size against RFC 9112 §7.1.1:
 *
 *     chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
 *     chunk-ext-name = token
 *     chunk-ext-val  = token / quoted-string
 *
 * Names and values are not interpreted, but a line that does not parse is refused: parsers that
 * disagree on where a malformed extension ends (an unclosed quote, a bare `;`) are how chunked
 * bodies get smuggled past a proxy.
 */
function checkExtensions(line: Uint8Array, from: number, end: number): void {
  let i = skipBws(line, from, end);
  if (i === end) {
    if (i === from) return;
    throw new HttpError("badChunk", "Whitespace after chunk-size without an extension");
  }
  while (i < end) {
    if (line[i] !== SEMICOLON) throw new HttpError("badChunk", "Unexpected byte after chunk-size");
    i = skipBws(line, i + 1, end);
    const name = i;
    while (i < end && (CLASS[line[i]] & TCHAR) !== 0) i++;
    if (i === name) throw new HttpError("badChunk", "Chunk extension without a name");
    i = skipInnerBws(line, i, end);
    if (i < end && line[i] === EQUALS) {
      i = skipBws(line, i + 1, end);
      i = line[i] === DQUOTE ? quotedStringEnd(line, i, end) : tokenEnd(line, i, end);
      i = skipInnerBws(line, i, end);
    }
  }
}

/** The index after optional whitespace (BWS) from `i`. */
function skipBws(line: Uint8Array, i: number, end: number): number {
  while (i < end && (line[i] === SP || line[i] === HTAB)) i++;
  return i;
}

/**
 * `skipBws` after an extension's name or value: the grammar has whitespace there only before a
 * further `;` or `=`, so whitespace that runs to the end of the line is refused (as it is after a
 * bare chunk-size).
 */
function skipInnerBws(line: Uint8Array, i: number, end: number): number {
  const next = skipBws(line, i, end);
  if (next === end && next !== i) {
    throw new HttpError("badChunk", "Whitespace after the last chunk extension");
  }
  return next;
}

/** The index after the token at `i`; refuses an empty one. */
function tokenEnd(line: Uint8Array, i: number, end: number): number {
  const start = i;
  while (i < end && (CLASS[line[i]] & TCHAR) !== 0) i++;
  if (i === start) throw new HttpError("badChunk", "Chunk extension value is not a token");
  return i;
}

/**
 * The index after the quoted-string opening at `i`: qdtext (HTAB, SP, VCHAR but `"` and `\`,
 * obs-text) and quoted-pairs, then the closing quote; refuses controls and an unclosed string.
 */
function quotedStringEnd(line: Uint8Array, i: number, end: number): number {
  for (i++; i < end; i++) {
    const b = line[i];
    if (b === DQUOTE) return i + 1;
    if (b === BACKSLASH) i++;
    // Refuse bare CR and other controls: a parser that ends the line at CR would see two lines.
    if (i === end || (CLASS[line[i]] & VALUE) === 0) {
      throw new HttpError("badChunk", "Control byte in a chunk extension");
    }
  }
  throw new HttpError("badChunk", "Unclosed quoted-string in a chunk extension");
}
