/**
 * The publish step under validator preconditions: check and rename are one step against every
 * other guarded publisher of the same file. The publish callback is the seam: a publisher is
 * held between its check and its rename while another one tries.
 */

import { LockWaitTimedOut, publishGuarded } from "../../src/uploads/guarded_publish.ts";
import { validatorsOf } from "../../src/uploads/write_target.ts";
import { HeaderFields } from "../../src/http/header_fields.ts";
import { assert, assertEquals } from "../support/assert.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-guard-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const ifMatch = (tag: string) => {
  const fields = new HeaderFields();
  fields.add("If-Match", tag);
  return fields;
};

/** How long the second publisher gets to run past the first one's check, unguarded. */
const RACE_WINDOW_MS = 200;

Deno.test("a second If-Match publish with the same tag waits for the first and then fails", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/f.txt`;
    await Deno.writeTextFile(path, "old");
    const fields = ifMatch(validatorsOf(await Deno.stat(path)).etag);
    await Deno.writeTextFile(`${dir}/a.tmp`, "from a");
    await Deno.writeTextFile(`${dir}/b.tmp`, "from b");

    const { promise: gate, resolve: openGate } = Promise.withResolvers<void>();
    const { promise: aChecked, resolve: markChecked } = Promise.withResolvers<void>();
    const a = publishGuarded(path, "PUT", fields, true, async () => {
      markChecked(); // a has checked the tag: hold it before its rename
      await gate;
      await Deno.rename(`${dir}/a.tmp`, path);
      return "a";
    });
    await aChecked;
    const b = publishGuarded(path, "PUT", fields, true, async () => {
      await Deno.rename(`${dir}/b.tmp`, path);
      return "b";
    });
    // Unguarded, b checks the still unchanged tag and renames within this window.
    const early = await Promise.race([
      b.then((got) => `b finished first with ${got}`),
      new Promise<string>((r) => setTimeout(() => r("b waits"), RACE_WINDOW_MS)),
    ]);
    openGate();
    assertEquals(await a, "a");
    assertEquals(early, "b waits");
    assertEquals(await b, null); // the tag it carries is no longer the file's: 412
    assertEquals(await Deno.readTextFile(path), "from a");
  });
});

Deno.test("an If-Unmodified-Since publish fails when the file changed after that date", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/f.txt`;
    await Deno.writeTextFile(path, "old");
    const day = Date.UTC(2024, 0, 1);
    await Deno.utime(path, day / 1000, day / 1000);
    const fields = new HeaderFields();
    fields.add("If-Unmodified-Since", new Date(day).toUTCString());
    assertEquals(
      await publishGuarded(path, "PUT", fields, true, () => Promise.resolve("ok")),
      "ok",
    );
    await Deno.utime(path, day / 1000 + 3600, day / 1000 + 3600); // another writer, an hour on
    assertEquals(
      await publishGuarded(path, "PUT", fields, true, () => Promise.resolve("ok")),
      null,
    );
  });
});

/** The bound on the lock wait in the test: short, the lock is held for far longer. */
const SHORT_LOCK_WAIT_MS = 100;
/** A bound the test must never wait out. */
const LONG_LOCK_WAIT_MS = 3_000;

Deno.test("a publish gives up on a lock another holder keeps past the bound, and frees it later", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/f.txt`;
    await Deno.writeTextFile(path, "old");
    const fields = ifMatch("*");
    // Another program's flock: an open file description of its own, so it excludes ours.
    const holder = await Deno.open(path, { read: true });
    await holder.lock(true);
    let abandoned: Promise<void> | null = null;
    let published = false;
    const started = Date.now();
    let failed: unknown = null;
    await publishGuarded(path, "PUT", fields, true, () => {
      published = true;
      return Promise.resolve("published");
    }, { lockWaitMs: SHORT_LOCK_WAIT_MS, onAbandon: (settled) => abandoned = settled })
      .catch((err) => failed = err);
    const waited = Date.now() - started;
    assert(failed instanceof LockWaitTimedOut, String(failed));
    assert(waited >= SHORT_LOCK_WAIT_MS && waited < 5_000, `${waited} ms`);
    assertEquals(published, false);
    assert(abandoned !== null);
    // Once the holder lets go, the abandoned attempt gets the lock and gives it back at once.
    await holder.unlock();
    holder.close();
    await abandoned; // its descriptor is closed: the sanitizers see no open resource or op
    assertEquals(await Deno.readTextFile(path), "old");
  });
});

Deno.test("once the cap is full of abandoned lock calls a locked file is refused at once", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/f.txt`;
    await Deno.writeTextFile(path, "old");
    const fields = ifMatch("*");
    const holder = await Deno.open(path, { read: true });
    await holder.lock(true);
    const abandoned: Promise<void>[] = [];
    const publish = () => Promise.resolve("published");
    const attempt = async (lockWaitMs: number) => {
      const started = Date.now();
      let failed: unknown = null;
      await publishGuarded(path, "PUT", fields, true, publish, {
        lockWaitMs,
        maxPendingLocks: 1,
        onAbandon: (settled) => abandoned.push(settled),
      }).catch((err) => failed = err);
      assert(failed instanceof LockWaitTimedOut, String(failed));
      return Date.now() - started;
    };
    await attempt(SHORT_LOCK_WAIT_MS); // abandons one blocking call, still pending: the cap
    // no second blocking call: refused without waiting out its (long) bound
    const waited = await attempt(LONG_LOCK_WAIT_MS);
    assert(waited < LONG_LOCK_WAIT_MS / 2, `${waited} ms`);
    assertEquals(abandoned.length, 1);
    await holder.unlock();
    holder.close();
    await Promise.all(abandoned);
    // the abandoned call returned: the count is down again and the publish goes ahead
    assertEquals(
      await publishGuarded(path, "PUT", fields, true, publish, { maxPendingLocks: 1 }),
      "published",
    );
  });
});

Deno.test("past the cap of pending lock calls a wait tries the lock without blocking", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/f.txt`;
    await Deno.writeTextFile(path, "old");
    const fields = ifMatch("*");
    const holder = await Deno.open(path, { read: true });
    await holder.lock(true);
    const publish = () => Promise.resolve("published");
    const abandoned: Promise<void>[] = [];
    const options = {
      maxPendingLocks: 1,
      onAbandon: (settled: Promise<void>) => abandoned.push(settled),
    };
    // one blocking call waiting within its (long) bound fills the cap
    const waiting = publishGuarded(path, "PUT", fields, true, publish, {
      ...options,
      lockWaitMs: LONG_LOCK_WAIT_MS,
    }).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, SHORT_LOCK_WAIT_MS));
    let failed: unknown = null;
    await publishGuarded(path, "PUT", fields, true, publish, {
      ...options,
      lockWaitMs: SHORT_LOCK_WAIT_MS,
    }).catch((err) => failed = err);
    assert(failed instanceof LockWaitTimedOut, String(failed));
    assertEquals(abandoned.length, 0); // it started no blocking call that it had to give up
    // a wait past the cap gets the lock once it is free
    const polling = publishGuarded(path, "PUT", fields, true, publish, {
      ...options,
      lockWaitMs: LONG_LOCK_WAIT_MS,
    });
    await new Promise((r) => setTimeout(r, SHORT_LOCK_WAIT_MS));
    await holder.unlock();
    holder.close();
    assertEquals(await waiting, "published");
    assertEquals(await polling, "published");
    assertEquals(abandoned.length, 0);
  });
});
