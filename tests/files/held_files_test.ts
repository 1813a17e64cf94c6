/**
 * `HeldFiles` (src/files/held_files.ts) on real files: a short read comes from one descriptor
 * kept open across reads, and never from a file that no longer matches the facts it is read for
 * (edited in place, replaced, shortened); descriptors close when idle, past the bound (least
 * recently used first) and all at once with `closeAll`.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { describeFile, type FileFacts } from "../../src/files/file_facts.ts";
import { HeldFiles, MAX_HELD_FILES } from "../../src/files/held_files.ts";
import { CAN_COUNT_FDS, openFdsTo } from "../support/open_fds.ts";

const SIZE = 300 * 1024;

function factsOf(path: string): FileFacts {
  return describeFile(Deno.realPathSync(path), Deno.statSync(path), "text/plain", "");
}

function bytesOf(seed: number, size = SIZE): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 7 + seed) & 0xff);
}

async function withFolder(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-held-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "short reads of a file come from one descriptor held across them",
  ignore: !HeldFiles.supported,
  fn: () =>
    withFolder(async (dir) => {
      const path = `${dir}/big.bin`;
      const data = bytesOf(1);
      await Deno.writeFile(path, data);
      const facts = factsOf(path);
      const held = new HeldFiles();
      try {
        assertEquals(await held.read(facts, 1000, 1024), data.subarray(1000, 2024));
        // Held now: the next read needs no open, and answers at once (no promise).
        const again = held.read(facts, SIZE - 10, 10);
        assert(again instanceof Uint8Array, "a held file is read synchronously");
        assertEquals(again, data.subarray(SIZE - 10));
        assertEquals(held.size, 1);
        if (CAN_COUNT_FDS) assertEquals(await openFdsTo(path), 1, "one descriptor, held");
      } finally {
        held.closeAll();
      }
      if (CAN_COUNT_FDS) assertEquals(await openFdsTo(path), 0, "closed by closeAll");
    }),
});

Deno.test({
  name: "a held file that no longer matches the facts is closed and not read",
  ignore: !HeldFiles.supported,
  fn: () =>
    withFolder(async (dir) => {
      const path = `${dir}/big.bin`;
      await Deno.writeFile(path, bytesOf(1));
      const held = new HeldFiles();
      try {
        const old = factsOf(path);
        assert(await held.read(old, 0, 16) !== null);
        // Edited in place, same size: the old facts no longer describe it.
        const file = await Deno.open(path, { write: true });
        await file.write(new Uint8Array(16).fill(0xee));
        file.close();
        await Deno.utime(path, new Date(), new Date(Date.now() - 60_000));
        assertEquals(await held.read(old, 0, 16), null, "edited in place");
        assertEquals(held.size, 0);
        // The current facts read the new bytes.
        assertEquals(await held.read(factsOf(path), 0, 16), new Uint8Array(16).fill(0xee));
        // Replaced by a rename (as an upload lands): the held descriptor is the old file's.
        const before = factsOf(path);
        await Deno.writeFile(`${dir}/new.bin`, bytesOf(9));
        await Deno.rename(`${dir}/new.bin`, path);
        const now = factsOf(path);
        assertEquals(await held.read(now, 0, 4), null, "the old file is not the new facts'");
        assertEquals(await held.read(now, 0, 4), bytesOf(9).subarray(0, 4), "then the new file");
        assertEquals(await held.read(before, 0, 4), null, "never the new file for old facts");
        // Shortened: its facts no longer match either.
        const current = factsOf(path);
        await Deno.truncate(path, 100);
        assertEquals(await held.read(current, 1000, 10), null, "shortened");
      } finally {
        held.closeAll();
      }
    }),
});

Deno.test({
  name: "held files are bounded (least recently used first) and closed when idle",
  ignore: !HeldFiles.supported,
  fn: () =>
    withFolder(async (dir) => {
      const held = new HeldFiles(50);
      try {
        const facts: FileFacts[] = [];
        for (let i = 0; i <= MAX_HELD_FILES; i++) {
          await Deno.writeFile(`${dir}/f${i}`, bytesOf(i, 64));
          facts.push(factsOf(`${dir}/f${i}`));
        }
        for (const f of facts.slice(0, MAX_HELD_FILES)) assert(await held.read(f, 0, 1) !== null);
        // f0 used again: f1 is now the least recently used, and goes when one more comes.
        assert(held.read(facts[0], 0, 1) instanceof Uint8Array);
        assert(await held.read(facts[MAX_HELD_FILES], 0, 1) !== null);
        assertEquals(held.size, MAX_HELD_FILES);
        assert(held.read(facts[0], 0, 1) instanceof Uint8Array, "f0 still held");
        const reopened = held.read(facts[1], 0, 1);
        assert(reopened instanceof Promise, "f1 was closed");
        assert(await reopened !== null);
        // Unused past the idle time, all go (the sweep runs every idle period).
        for (let waited = 0; waited < 2000 && held.size > 0; waited += 25) {
          await new Promise((r) => setTimeout(r, 25));
        }
        assertEquals(held.size, 0, "closed when idle");
      } finally {
        held.closeAll();
      }
    }),
});

Deno.test({
  name: "once closed, a read still in its open holds nothing",
  ignore: !HeldFiles.supported,
  fn: () =>
    withFolder(async (dir) => {
      const path = `${dir}/big.bin`;
      await Deno.writeFile(path, bytesOf(4));
      const held = new HeldFiles();
      const reading = held.read(factsOf(path), 0, 8);
      held.close(); // the server shuts down while the open is under way
      assertEquals(await reading, null, "the caller opens as for any body");
      assertEquals(held.size, 0);
      if (CAN_COUNT_FDS) assertEquals(await openFdsTo(path), 0, "nothing left open");
    }),
});
