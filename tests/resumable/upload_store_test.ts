/**
 * The upload store's ids: a string that is not an upload id never reaches the disk — not for a
 * record read, and not for a lease (a PATCH to /api/uploads/<2 KiB of text> was a 500 from
 * ENAMETOOLONG once the state folder existed; found by deno task fuzz, seed 1000).
 */

import { join } from "node:path";
import { assertEquals, assertRejects } from "../support/assert.ts";
import { UploadStore } from "../../src/resumable/upload_store.ts";
import { newUploadId } from "../../src/resumable/upload_record.ts";

const HOUR_MS = 60 * 60 * 1000;

Deno.test("UploadStore.lease of a string that is no upload id is NotFound, whatever its length", async () => {
  const root = await Deno.makeTempDir({ prefix: "wireserve-store-" });
  try {
    const dir = join(root, ".wireserve-uploads");
    await Deno.mkdir(dir);
    const store = new UploadStore(dir, { expiryMs: HOUR_MS, maxUploads: 10, maxBytes: 1000 });
    for (const id of ["A".repeat(2000), "../escape", "x;y", `${newUploadId()}0`]) {
      await assertRejects(() => store.lease(id, 0), Deno.errors.NotFound, id.slice(0, 20));
    }
    assertEquals(Deno.readDirSync(dir).toArray().length, 0, "nothing was created");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
