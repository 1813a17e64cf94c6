/** Shared counts: bounded adds that two holders of one buffer cannot both win. */

import { localCount, SharedCount } from "../../src/http/shared_count.ts";
import { assert, assertEquals } from "../support/assert.ts";

Deno.test("tryAdd adds up to the bound and refuses past it without adding", () => {
  const c = localCount();
  assert(c.tryAdd(3, 4));
  assert(!c.tryAdd(2, 4));
  assertEquals(c.value, 3);
  assert(c.tryAdd(1, 4));
  c.add(-4);
  assertEquals(c.value, 0);
});

Deno.test("two counts over one shared buffer count together", () => {
  const cells = new Int32Array(new SharedArrayBuffer(8));
  const a = new SharedCount(cells, 1);
  const b = new SharedCount(cells, 1);
  assert(a.tryAdd(1, 2));
  assert(b.tryAdd(1, 2));
  assert(!a.tryAdd(1, 2), "the bound is the pair's, not each one's");
  assertEquals(cells[0], 0, "only its own cell changes");
});

Deno.test("the main thread sees a worker's adds to a shared count at once", async () => {
  const cells = new Int32Array(new SharedArrayBuffer(4));
  const url = `data:text/javascript,${
    encodeURIComponent(
      "self.onmessage = (e) => { Atomics.add(e.data, 0, 5); self.postMessage('done'); self.close(); };",
    )
  }`;
  const worker = new Worker(url, { type: "module" });
  const done = new Promise((r) => worker.onmessage = r);
  worker.postMessage(cells);
  await done;
  worker.terminate();
  assertEquals(new SharedCount(cells, 0).value, 5);
});

Deno.test("a count with a share cell keeps its own part of the total beside it", () => {
  const cells = new Int32Array(new SharedArrayBuffer(12));
  const mine = new SharedCount(cells, 0, 1);
  const theirs = new SharedCount(cells, 0, 2);
  assert(mine.tryAdd(3, 10));
  assert(theirs.tryAdd(4, 10));
  assert(!mine.tryAdd(4, 10), "refused adds leave the share alone");
  mine.add(-1);
  assertEquals([...cells], [6, 2, 4]);
});
