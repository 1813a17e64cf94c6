/**
 * Opening what should be a regular file: a FIFO is refused at the look, and one swapped in
 * after the look waits in a runtime thread, never in the event loop (`openRegularFileQuick`).
 */

import { NotRegularFile, openRegularFileQuick } from "../../src/files/open_regular.ts";
import { assert, assertEquals } from "../support/assert.ts";

async function withFifo(fn: (fifo: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-open-" });
  try {
    const made = await new Deno.Command("mkfifo", { args: [`${dir}/f`] }).output();
    assert(made.success, "mkfifo");
    await fn(`${dir}/f`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a FIFO is refused before it is opened", async () => {
  await withFifo(async (fifo) => {
    let err: unknown = null;
    try {
      await openRegularFileQuick(fifo);
    } catch (e) {
      err = e;
    }
    assert(err instanceof NotRegularFile, String(err));
  });
});

Deno.test("a FIFO swapped in after the look blocks no event loop while its open waits", async () => {
  await withFifo(async (fifo) => {
    // The look saw a regular file; by the open, the name is a FIFO (the race a swap makes).
    const statSync = Deno.statSync;
    (Deno as { statSync: typeof Deno.statSync }).statSync = (p) => ({
      ...statSync(p),
      isFile: true,
    });
    // A writer opens the FIFO a second later, which ends the open either way.
    const writer = new Deno.Command("sh", { args: ["-c", `sleep 1; exec 3>${fifo}`] }).spawn();
    let ticked = false;
    const timer = setTimeout(() => ticked = true, 50);
    try {
      const opening = openRegularFileQuick(fifo);
      (Deno as { statSync: typeof Deno.statSync }).statSync = statSync;
      const file = await opening;
      file.close();
      assertEquals(ticked, true, "a timer ran while the open waited");
    } finally {
      (Deno as { statSync: typeof Deno.statSync }).statSync = statSync;
      clearTimeout(timer);
      await writer.status;
    }
  });
});
