/**
 * The sweeper and the store's expiry: expired uploads (and leftovers without a record) go at
 * start, uploads in use or still fresh stay, and the periodic timer stops cleanly.
 */

import { newRecord } from "./resumable_fixture.ts";
import { join } from "node:path";
import { assertEquals } from "../support/assert.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { startSweeper } from "../../src/resumable/mod.ts";
import { type StoreLimits, UploadStore } from "../../src/resumable/upload_store.ts";
import { UploadUsage } from "../../src/resumable/upload_usage.ts";
import { newUploadId, type UploadRecord } from "../../src/resumable/upload_record.ts";

const HOUR_MS = 60 * 60 * 1000;

/** A store that creates uploads: with a ledger of its own. */
function creatingStore(dir: string, limits: StoreLimits, now: () => number = Date.now) {
  return new UploadStore(dir, limits, now, null, new UploadUsage(dir, limits, now));
}

function record(id: string, createdMs: number): UploadRecord {
  return newRecord(id, 10, createdMs);
}

Deno.test("startSweeper removes expired uploads at start, keeps fresh and busy ones", async () => {
  const root = await Deno.makeTempDir({ prefix: "wireserve-sweep-" });
  try {
    const dir = join(root, ".wireserve-uploads");
    const limits = { expiryMs: HOUR_MS, maxUploads: 10, maxBytes: 1000 };
    // Records written "two hours ago" by a store whose clock is set back.
    const past = creatingStore(dir, limits, () => Date.now() - 2 * HOUR_MS);
    const old = newUploadId();
    const busy = newUploadId();
    await past.create(record(old, Date.now() - 2 * HOUR_MS));
    await past.create(record(busy, Date.now() - 2 * HOUR_MS));
    const fresh = newUploadId();
    await creatingStore(dir, limits).create(record(fresh, Date.now()));
    // Their data files were last written two hours ago too.
    const then = new Date(Date.now() - 2 * HOUR_MS);
    for (const id of [old, busy]) await Deno.utime(join(dir, `${id}.part`), then, then);
    const orphan = newUploadId();
    await Deno.writeFile(join(dir, `${orphan}.part`), new Uint8Array(3));
    await Deno.utime(join(dir, `${orphan}.part`), then, then);

    const lease = await new UploadStore(dir, limits).lease(busy, 0);
    const errors: unknown[] = [];
    const sweeper = startSweeper(
      appConfig({ directory: root, resumableExpiryMs: HOUR_MS }),
      (e) => errors.push(e),
    );
    try {
      assertEquals(await sweeper.first, 1);
    } finally {
      sweeper.stop();
      lease?.release();
    }
    const left = new Set<string>();
    for await (const e of Deno.readDir(dir)) left.add(e.name.split(".")[0]);
    assertEquals(left.has(old), false);
    assertEquals(left.has(orphan), false);
    assertEquals(left.has(busy), true);
    assertEquals(left.has(fresh), true);
    assertEquals(errors, []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("startSweeper removes nothing for a --read-only server", async () => {
  const root = await Deno.makeTempDir({ prefix: "wireserve-sweep-" });
  try {
    const dir = join(root, ".wireserve-uploads");
    const limits = { expiryMs: HOUR_MS, maxUploads: 10, maxBytes: 1000 };
    const past = creatingStore(dir, limits, () => Date.now() - 2 * HOUR_MS);
    const old = newUploadId();
    await past.create(record(old, Date.now() - 2 * HOUR_MS));
    const then = new Date(Date.now() - 2 * HOUR_MS);
    await Deno.utime(join(dir, `${old}.part`), then, then);
    const errors: unknown[] = [];
    const sweeper = startSweeper(
      appConfig({ directory: root, resumableExpiryMs: HOUR_MS, readOnly: true }),
      (e) => errors.push(e),
    );
    try {
      assertEquals(await sweeper.first, 0);
    } finally {
      sweeper.stop();
    }
    const left = new Set<string>();
    for await (const e of Deno.readDir(dir)) left.add(e.name.split(".")[0]);
    assertEquals(left.has(old), true, "an expired upload stays: read-only changes nothing");
    assertEquals(errors, []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
