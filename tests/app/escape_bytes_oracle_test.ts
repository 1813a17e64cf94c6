/**
 * escapeBytes decodes UTF-8 by hand; these tests hold it to the implementation it replaced, a
 * strict TextDecoder per candidate sequence, kept here as the oracle. Output must be identical.
 */

import { escapeBytes } from "../../src/app/byte_text.ts";
import { assertEquals } from "../support/assert.ts";

// --- The oracle: escapeBytes as it was, TextDecoder and all. ---

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function oracleUtf8OrNull(bytes: Uint8Array): string | null {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return null;
  }
}

function oracleHexEscape(b: number): string {
  return "\\x" + b.toString(16).toUpperCase().padStart(2, "0");
}

function oracleSequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  let n = 0;
  if (b >= 0xc2 && b < 0xe0) n = 2;
  else if (b >= 0xe0 && b < 0xf0) n = 3;
  else if (b >= 0xf0 && b <= 0xf4) n = 4;
  return i + n <= bytes.length ? n : 0;
}

function oracleIsPrintable(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  if (cp >= 0x80 && cp <= 0x9f) return false;
  return !/[\u2028\u2029\ufeff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(ch);
}

function oracle(bytes: Uint8Array, breakAfterLf = false): string {
  const parts: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b >= 0x20 && b <= 0x7e) {
      parts.push(b === 0x5c ? "\\\\" : String.fromCharCode(b));
      i++;
    } else if (b === 0x09) {
      parts.push("\\t");
      i++;
    } else if (b === 0x0d) {
      parts.push("\\r");
      i++;
    } else if (b === 0x0a) {
      parts.push(breakAfterLf ? "\\n\n" : "\\n");
      i++;
    } else {
      const n = oracleSequenceLength(bytes, i);
      const ch = n === 0 ? null : oracleUtf8OrNull(bytes.subarray(i, i + n));
      if (ch !== null && oracleIsPrintable(ch)) {
        parts.push(ch);
        i += n;
      } else {
        parts.push(oracleHexEscape(b));
        i++;
      }
    }
  }
  return parts.join("");
}

// --- Helpers ---

const b = (...xs: number[]) => new Uint8Array(xs);

function hex(bytes: Uint8Array): string {
  return [...bytes].map((x) => x.toString(16).padStart(2, "0")).join(" ");
}

/** Compares with the oracle, naming the input on a mismatch. */
function assertSameAsOracle(bytes: Uint8Array, breakAfterLf = false): void {
  const got = escapeBytes(bytes, breakAfterLf);
  const want = oracle(bytes, breakAfterLf);
  if (got !== want) assertEquals(got, want, `escapeBytes differs on ${hex(bytes)}`);
}

/** A seeded xorshift32, so a failure on random bytes reproduces. */
function randomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

// --- Tests ---

Deno.test("escapeBytes matches the TextDecoder oracle for every lead byte × second byte", () => {
  for (let lead = 0; lead < 256; lead++) {
    for (let second = 0; second < 256; second++) {
      assertSameAsOracle(b(lead, second)); // ends after two bytes: truncated 3- and 4-byte leads
      assertSameAsOracle(b(lead, second, 0x80)); // a 3-byte lead's minimal tail
      assertSameAsOracle(b(lead, second, 0x80, 0x7f)); // a fourth byte that cannot continue
    }
  }
});

Deno.test("escapeBytes matches the oracle on every third and fourth byte after valid starts", () => {
  const threeByteStarts = [[0xe0, 0xa0], [0xe2, 0x80], [0xed, 0x9f], [0xef, 0xbf]];
  const fourByteStarts = [[0xf0, 0x90], [0xf3, 0xbf], [0xf4, 0x8f]];
  const thirdEdges = [0x7f, 0x80, 0xbf, 0xc0];
  for (let x = 0; x < 256; x++) {
    for (const [b0, b1] of threeByteStarts) {
      assertSameAsOracle(b(b0, b1, x));
      assertSameAsOracle(b(b0, b1, x, 0x41));
    }
    for (const [b0, b1] of fourByteStarts) {
      assertSameAsOracle(b(b0, b1, x));
      assertSameAsOracle(b(b0, b1, x, 0x80));
      for (const third of thirdEdges) assertSameAsOracle(b(b0, b1, third, x));
    }
  }
});

const EDGES: Array<[string, number[]]> = [
  ["overlong 2-byte (C0/C1)", [0xc0, 0x80, 0xc1, 0xbf]],
  ["overlong 3-byte (E0 80–9F)", [0xe0, 0x80, 0x80, 0xe0, 0x9f, 0xbf]],
  ["overlong 4-byte (F0 80–8F)", [0xf0, 0x80, 0x80, 0x80, 0xf0, 0x8f, 0xbf, 0xbf]],
  ["the first valid 3- and 4-byte sequences", [0xe0, 0xa0, 0x80, 0xf0, 0x90, 0x80, 0x80]],
  ["surrogates D800–DFFF", [0xed, 0xa0, 0x80, 0xed, 0xbf, 0xbf, 0xed, 0xad, 0xbf]],
  ["the last scalar before the surrogates", [0xed, 0x9f, 0xbf]],
  ["U+10FFFF, the last code point", [0xf4, 0x8f, 0xbf, 0xbf]],
  ["past U+10FFFF (F4 90)", [0xf4, 0x90, 0x80, 0x80]],
  ["past U+10FFFF (F5–F7 leads)", [0xf5, 0x80, 0x80, 0x80, 0xf7, 0xbf, 0xbf, 0xbf]],
  ["F8–FF never lead", [0xf8, 0x88, 0x80, 0x80, 0x80, 0xfe, 0xff]],
  ["a 2-byte sequence cut at the end", [0x41, 0xc3]],
  ["a 3-byte sequence cut at the end", [0x41, 0xe2, 0x82]],
  ["a 4-byte sequence cut at the end", [0x41, 0xf0, 0x9f, 0x98]],
  ["a lone continuation byte", [0x80, 0xbf]],
  ["C1 controls, BOM, bidi and separators", [0xc2, 0x85, 0xef, 0xbb, 0xbf, 0xe2, 0x80, 0xae]],
  ["noncharacters U+FFFE and U+FFFF", [0xef, 0xbf, 0xbe, 0xef, 0xbf, 0xbf]],
  ["controls, TAB, CR, LF and backslash", [0x00, 0x09, 0x0d, 0x0a, 0x5c, 0x7f, 0x1b]],
];

for (const [name, bytes] of EDGES) {
  Deno.test(`escapeBytes matches the oracle on ${name}`, () => {
    assertSameAsOracle(new Uint8Array(bytes));
    assertSameAsOracle(new Uint8Array(bytes), true);
  });
}

Deno.test("escapeBytes matches the oracle on every Unicode scalar value", () => {
  const encoder = new TextEncoder();
  const BLOCK = 0x1000;
  for (let start = 0; start < 0x110000; start += BLOCK) {
    let text = "";
    for (let cp = start; cp < start + BLOCK; cp++) {
      if (cp < 0xd800 || cp > 0xdfff) text += String.fromCodePoint(cp);
    }
    assertSameAsOracle(encoder.encode(text));
  }
});

Deno.test("escapeBytes matches the oracle on random binary", () => {
  for (let seed = 1; seed <= 8; seed++) {
    const bytes = randomBytes(16 * 1024, seed);
    assertSameAsOracle(bytes);
    assertSameAsOracle(bytes, true);
  }
});
