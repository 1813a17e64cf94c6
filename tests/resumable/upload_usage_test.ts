/**
 * The ledger of the caps (`upload_usage.ts`) under the store: a creation reads no folder entry
 * and no record however many uploads the store holds, reservations racing for the last place
 * never both get it, the counts are rebuilt from disk by a new ledger, and an expired upload or
 * a reservation whose files never came gives its place back once a creation meets the cap.
 */

import { newRecord } from "./resumable_fixture.ts";
import { join } from "node:path";
import { assertEquals } from "../support/assert.ts";
import { type StoreLimits, UploadStore } from "../../src/resumable/upload_store.ts";
import { UploadUsage } from "../../src/resumable/upload_usage.ts";
import { newUploadId, type UploadRecord } from "../../src/resumable/upload_record.ts";

const HOUR_MS = 60 * 60 * 1000;

function record(length: number | null, createdMs = Date.now()): UploadRecord {
  return newRecord(newUploadId(), length, createdMs);
}

async function withStore(
  limits: StoreLimits,
  fn: (store: UploadStore, usage: UploadUsage, dir: string) => Promise<void>,
  now: () => number = Date.now,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "wireserve-usage-" });
  try {
    const dir = join(root, ".wireserve-uploads");
    const usage = new UploadUsage(dir, limits, now);
    await fn(new UploadStore(dir, limits, now, null, usage), usage, dir);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** Folder entries and records read by the store and its ledger while `fn` runs. */
async function workOf(store: UploadStore, usage: UploadUsage, fn: () => Promise<unknown>) {
  const total = () => {
    const ledger = usage.work();
    return {
      entriesRead: store.work.entriesRead + ledger.entriesRead,
      recordsRead: store.work.recordsRead + ledger.recordsRead,
    };
  };
  const before = total();
  await fn();
  const after = total();
  return {
    entriesRead: after.entriesRead - before.entriesRead,
    recordsRead: after.recordsRead - before.recordsRead,
  };
}

Deno.test("UploadStore.create reads no folder entry and no record, however many uploads it holds", async () => {
  await withStore({ expiryMs: HOUR_MS, maxUploads: 1000, maxBytes: 1e12 }, async (store, usage) => {
    await store.create(record(10)); // the ledger's one read of the folder at start
    const early = await workOf(store, usage, () => store.create(record(10)));
    // 300 more, half of them completed: their records stay (HEAD after completion).
    for (let i = 0; i < 300; i++) {
      const made = record(10);
      await store.create(made);
      if (i % 2 === 0) await store.update({ ...made, completedMs: Date.now(), url: null });
    }
    const late = await workOf(store, usage, () => store.create(record(10)));
    assertEquals(early, { entriesRead: 0, recordsRead: 0 });
    assertEquals(late, { entriesRead: 0, recordsRead: 0 });
    assertEquals(await usage.usage(), { count: 153, bytes: 1530 });
  });
});

Deno.test("UploadStore.create: creations racing for the last places never pass a cap", async () => {
  await withStore({ expiryMs: HOUR_MS, maxUploads: 3, maxBytes: 1e12 }, async (store) => {
    const results = await Promise.all(Array.from({ length: 12 }, () => store.create(record(1))));
    assertEquals(results.filter((r) => r === null).length, 3);
    assertEquals(results.filter((r) => r === "count").length, 9);
  });
  await withStore({ expiryMs: HOUR_MS, maxUploads: 100, maxBytes: 100 }, async (store) => {
    const results = await Promise.all(Array.from({ length: 12 }, () => store.create(record(40))));
    assertEquals(results.filter((r) => r === null).length, 2);
    assertEquals(results.filter((r) => r === "bytes").length, 10);
  });
});

Deno.test("UploadUsage counts what the disk holds when it starts: incomplete uploads, not completed or expired ones", async () => {
  const limits = { expiryMs: HOUR_MS, maxUploads: 3, maxBytes: 1000 };
  await withStore(limits, async (store, _usage, dir) => {
    const open = record(100);
    await store.create(open);
    const done = record(50);
    await store.create(done);
    await store.update({ ...done, completedMs: Date.now(), url: null });
    const deferred = record(null);
    await store.create(deferred);
    await Deno.writeFile(store.partPath(deferred.id), new Uint8Array(30));
    const stale = record(200, Date.now() - 2 * HOUR_MS);
    await store.create(stale);
    const then = new Date(Date.now() - 2 * HOUR_MS);
    await Deno.utime(store.partPath(stale.id), then, then);

    // The next run: a new ledger over the same folder.
    const restarted = new UploadUsage(dir, limits);
    assertEquals(await restarted.usage(), { count: 2, bytes: 130 });
    assertEquals(await restarted.reserve(newUploadId(), 1), null);
    assertEquals(await restarted.reserve(newUploadId(), 1), "count");
  });
});

Deno.test("UploadUsage: completion, termination and growth of an upload of unknown length keep the counts right", async () => {
  await withStore({ expiryMs: HOUR_MS, maxUploads: 10, maxBytes: 1000 }, async (store, usage) => {
    const a = record(100);
    const b = record(null);
    const c = record(300);
    for (const r of [a, b, c]) await store.create(r);
    assertEquals(await usage.usage(), { count: 3, bytes: 400 });
    await store.received(b, 70);
    assertEquals(await usage.usage(), { count: 3, bytes: 470 });
    await store.update({ ...b, length: 90 });
    assertEquals(await usage.usage(), { count: 3, bytes: 490 });
    await store.update({ ...a, completedMs: Date.now(), url: null });
    await store.remove(c.id);
    await store.remove(c.id); // a second removal (the sweeper, another worker) changes nothing
    assertEquals(await usage.usage(), { count: 1, bytes: 90 });
  });
});

Deno.test("UploadUsage gives back the place of an expired upload, and of a reservation that never got its files, at the cap", async () => {
  let now = Date.now();
  await withStore({ expiryMs: HOUR_MS, maxUploads: 2, maxBytes: 1000 }, async (store, usage) => {
    await store.create(record(10, now));
    assertEquals(await usage.reserve(newUploadId(), 10), null); // a creation that died here
    assertEquals(await store.create(record(10, now)), "count");
    // Expiry counts from the data file's modification time too, which the real clock set a few
    // milliseconds after `now` was taken: a minute past the hour, not one millisecond.
    now += HOUR_MS + 60_000;
    assertEquals(await store.create(record(10, now)), null);
    assertEquals(await usage.usage(), { count: 1, bytes: 10 });
  }, () => now);
});

Deno.test("an upload of unknown length gets the room the bytes cap leaves, never less than it holds", async () => {
  const limits = { expiryMs: HOUR_MS, maxUploads: 10, maxBytes: 100 };
  await withStore(limits, async (store, usage) => {
    const known = record(60);
    const open = record(null);
    assertEquals(await store.create(known), null);
    assertEquals(await store.create(open), null);
    assertEquals(await store.room(open, 30), 30, "within the cap: all of it");
    assertEquals(await store.room(open, 90), 40, "past it: what is left");
    await store.received(open, 10); // it used 10 of them
    assertEquals((await usage.usage()).bytes, 70);
    assertEquals(await store.room(open, 5), 10, "never less than it holds");
    assertEquals(await store.room(known, 500), 500, "a declared length reserved at creation");
    assertEquals(await usage.extend("f".repeat(32), 7), 7, "an upload no longer counted");
  });
});
