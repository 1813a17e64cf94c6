/**
 * Test helpers: raw bytes written as latin1 strings, and a real `BufferedReader` over a BYOB
 * byte stream fed those bytes whole, split in two at every offset, or one byte at a time.
 * @module
 */

import { BufferedReader } from "../../src/http/buffered_reader.ts";

/** A small first buffer so that feeding also exercises growth and compaction. */
const SMALL_BUFFER_BYTES = 16;
/** Large enough for any head in the tables. */
const LARGE_BUFFER_BYTES = 64 * 1024;

/** Bytes of `s`, one char code to one byte (so "\x00" and "\xff" can be written plainly). */
export function bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** `b` as a string, one byte to one char code. */
export function text(b: Uint8Array): string {
  let out = "";
  for (const byte of b) out += String.fromCharCode(byte);
  return out;
}

/** One way of delivering the input: the pieces and a label for failure messages. */
export interface Feeding {
  label: string;
  pieces: Uint8Array[];
}

/** The input whole, in two pieces split at every offset, and one byte per piece. */
export function feedings(input: Uint8Array): Feeding[] {
  const out: Feeding[] = [{ label: "whole", pieces: [input] }];
  for (let at = 1; at < input.length; at++) {
    out.push({ label: `split at ${at}`, pieces: [input.subarray(0, at), input.subarray(at)] });
  }
  const single: Uint8Array[] = [];
  for (let i = 0; i < input.length; i++) single.push(input.subarray(i, i + 1));
  out.push({ label: "byte by byte", pieces: single });
  return out;
}

/** A byte stream that hands out `pieces` one per pull, then ends. */
export function byteStream(pieces: Uint8Array[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream({
    type: "bytes",
    pull(controller) {
      while (next < pieces.length && pieces[next].length === 0) next++;
      if (next < pieces.length) {
        controller.enqueue(pieces[next++].slice());
        return;
      }
      controller.close();
      // A BYOB read waiting when the stream closes must be answered to end.
      controller.byobRequest?.respond(0);
    },
  });
}

/** A `BufferedReader` over a BYOB reader of `byteStream(pieces)`. */
export function readerOver(
  pieces: Uint8Array[],
  initialBytes = SMALL_BUFFER_BYTES,
  maxBytes = LARGE_BUFFER_BYTES,
): BufferedReader {
  return new BufferedReader(byteStream(pieces).getReader({ mode: "byob" }), initialBytes, maxBytes);
}

/** Everything left in `reader` up to the end of the stream, as a string. */
export async function drain(reader: BufferedReader): Promise<string> {
  let out = "";
  for (;;) {
    const piece = reader.take(LARGE_BUFFER_BYTES);
    if (piece !== null) out += text(piece);
    else if (!(await reader.fill())) return out;
  }
}
