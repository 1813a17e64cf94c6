/** Bodies and messages kept whole cost about their bytes, however finely they are cut. */

import { ByteCollector } from "../../src/http/byte_collector.ts";
import { readBodyBytes } from "../../src/http/read_body_bytes.ts";
import type { RequestBody } from "../../src/http/types.ts";
import { assert, assertEquals } from "../support/assert.ts";

Deno.test("ByteCollector gathers pieces in order in one buffer at most twice their size", () => {
  const c = new ByteCollector();
  const want: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const piece = Uint8Array.from({ length: i % 7 }, (_, j) => (i + j) & 0xff);
    c.append(piece);
    want.push(...piece);
  }
  assertEquals(c.length, want.length);
  assertEquals([...c.bytes()], want);
  assert(c.bytes().buffer.byteLength <= 2 * want.length + 1024, `${c.bytes().buffer.byteLength}`);
});

Deno.test("ByteCollector copies: the caller may reuse a piece's memory", () => {
  const c = new ByteCollector();
  const piece = Uint8Array.of(1, 2, 3);
  c.append(piece);
  piece.fill(9);
  c.append(piece.subarray(0, 1));
  assertEquals([...c.bytes()], [1, 2, 3, 9]);
});

/** Heap plus external memory in use now, in bytes. */
function inUse(): number {
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

Deno.test("readBodyBytes keeps a body of 200,000 one-byte chunks in about its bytes", async () => {
  const n = 200_000;
  const one = new Uint8Array(1);
  let read = 0;
  let before = 0;
  let atEnd = 0;
  const body = {
    length: null,
    read(): Promise<Uint8Array | null> {
      if (read === 0) before = inUse();
      if (read === n) {
        atEnd = inUse(); // what the reader holds just before it returns
        return Promise.resolve(null);
      }
      one[0] = read++ & 0xff;
      return Promise.resolve(one);
    },
  } as unknown as RequestBody;
  const bytes = await readBodyBytes(body, 1024 * 1024);
  assertEquals(bytes.length, n);
  assertEquals([bytes[0], bytes[1], bytes[n - 1]], [0, 1, (n - 1) & 0xff]);
  // A kept array per 1-byte chunk held ~150 bytes each here (30 MB); one buffer holds ~n.
  const grown = atEnd - before;
  assert(grown < 8 * 1024 * 1024, `memory grew ${(grown / 1048576).toFixed(1)} MiB while reading`);
});
