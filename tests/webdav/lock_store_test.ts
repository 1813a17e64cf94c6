/**
 * The lock table on disk: a round trip keeps token, owner, depth, scope, root and expiry; expired
 * and malformed locks are dropped on load; a corrupt file starts with no locks and one warning;
 * a change is on disk once the service answers it; `--read-only` never touches the file.
 */

import { join } from "node:path";
import { appConfig } from "../../src/app/app_config.ts";
import { LockServiceHost } from "../../src/webdav/lock_service.ts";
import {
  encodeLocks,
  LOCK_STORE_VERSION,
  LockStore,
  lockStorePath,
  MIN_JOURNAL_BYTES,
  readLockStore,
  restoreLocks,
} from "../../src/webdav/lock_store.ts";
import { type LockInfo, LockTable } from "../../src/webdav/lock_table.ts";
import { lockServiceHost } from "../../src/webdav/services.ts";
import { assert, assertEquals } from "../support/assert.ts";

const NOW = 1_700_000_000_000;
const HOUR_MS = 3_600_000;

async function withShare(fn: (root: string, path: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "wireserve-lock-store-" });
  try {
    await fn(root, lockStorePath(root));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** A table on a hand-driven clock, saved to `path` (warnings collected). */
function savedTable(path: string, clock = { now: NOW }) {
  const table = new LockTable({ now: () => clock.now });
  const warnings: string[] = [];
  const store = new LockStore(path, () => table.snapshot(), (l) => warnings.push(l));
  return { table, host: new LockServiceHost(table, store), warnings, clock };
}

const lockOf = (over: Partial<LockInfo> = {}): LockInfo => ({
  token: "urn:uuid:0b7e8a52-5f7c-4d1e-9a3b-2c4d5e6f7a8b",
  root: "/doc.txt",
  depth: "0",
  scope: "exclusive",
  owner: "<D:href>me</D:href>",
  timeoutSeconds: 3600,
  expiresAtMs: NOW + HOUR_MS,
  ...over,
});

Deno.test("lock store keeps every field of a lock through a save and a load", async () => {
  await withShare(async (_root, path) => {
    const { host, warnings } = savedTable(path);
    const a = await host.lock({
      root: "/a",
      depth: "infinity",
      scope: "shared",
      owner: '<D:href xmlns:D="DAV:">ann "quoted" é</D:href>',
      timeoutSeconds: 600,
    });
    const b = await host.lock({
      root: "/b.txt",
      depth: "0",
      scope: "exclusive",
      owner: "",
      timeoutSeconds: 60,
    });
    assert(a.ok && b.ok);
    // The answer came after the save: the file holds both already.
    const loaded = readLockStore(path, NOW);
    assertEquals(loaded.problem, "");
    const byRoot = (ls: LockInfo[]) => [...ls].sort((x, y) => x.root.localeCompare(y.root));
    assertEquals(byRoot(loaded.locks), byRoot([a.lock, b.lock]));
    assertEquals(warnings, []);
    // A new table (a restarted server) gets them back, tokens working.
    const restarted = new LockTable({ now: () => NOW });
    assertEquals(restoreLocks(restarted, path, NOW), "");
    assertEquals(restarted.check({ resources: [{ path: "/a/x", depth: "0" }], tokens: [] }), {
      ok: false,
      root: "/a",
    });
    assertEquals(
      restarted.check({ resources: [{ path: "/b.txt", depth: "0" }], tokens: [b.lock.token] }),
      { ok: true },
    );
    assertEquals(byRoot(restarted.snapshot()), byRoot([a.lock, b.lock]));
  });
});

Deno.test("lock store saves unlock, refresh and release before answering them", async () => {
  await withShare(async (_root, path) => {
    const { host, clock } = savedTable(path);
    const r = await host.lock({
      root: "/f",
      depth: "infinity",
      scope: "exclusive",
      owner: "",
      timeoutSeconds: 60,
    });
    assert(r.ok);
    clock.now += 30_000;
    const refreshed = await host.refresh({ token: r.lock.token, path: "/f/x", timeoutSeconds: 90 });
    assertEquals(readLockStore(path, clock.now).locks[0].expiresAtMs, refreshed?.expiresAtMs);
    assertEquals(await host.unlock({ token: r.lock.token, path: "/f" }), true);
    assertEquals(readLockStore(path, clock.now).locks, []);
    await host.lock({
      root: "/g/h",
      depth: "0",
      scope: "exclusive",
      owner: "",
      timeoutSeconds: 60,
    });
    assertEquals(readLockStore(path, clock.now).locks.length, 1);
    assertEquals(await host.release("/g"), 1);
    assertEquals(readLockStore(path, clock.now).locks, []);
  });
});

Deno.test("lock store drops expired locks on load", async () => {
  await withShare(async (_root, path) => {
    const { host, clock } = savedTable(path);
    await host.lock({
      root: "/old",
      depth: "0",
      scope: "exclusive",
      owner: "",
      timeoutSeconds: 60,
    });
    await host.lock({
      root: "/new",
      depth: "0",
      scope: "exclusive",
      owner: "",
      timeoutSeconds: 600,
    });
    // The server was stopped for two minutes: the 60 s lock is gone, the other is not.
    const later = clock.now + 120_000;
    const loaded = readLockStore(path, later);
    assertEquals(loaded.problem, "");
    assertEquals(loaded.locks.map((l) => l.root), ["/new"]);
  });
});

Deno.test("lock store starts with no locks and one warning when the file is corrupt", async () => {
  await withShare(async (root, path) => {
    await Deno.mkdir(join(root, ".wireserve-dav"));
    const config = appConfig({ directory: root });
    for (
      const bytes of [
        "{not json",
        '{"version":99,"locks":[]}',
        '{"version":1,"locks":{}}',
        "null",
        "\u0000\u0001binary",
      ]
    ) {
      await Deno.writeTextFile(path, bytes);
      const warnings: string[] = [];
      const host = lockServiceHost(config, (l) => warnings.push(l), () => NOW);
      assertEquals(await host.covering("/doc.txt"), []);
      assertEquals(warnings.length, 1, bytes);
      assert(warnings[0].includes(path), warnings[0]);
      // …and the server still locks, and saves over the bad file.
      const r = await host.lock(lockOf());
      assert(r.ok);
      assertEquals(readLockStore(path, NOW).locks.map((l) => l.token), [r.lock.token]);
    }
  });
});

Deno.test("lock store drops malformed or conflicting locks and keeps the rest", async () => {
  await withShare(async (root, path) => {
    await Deno.mkdir(join(root, ".wireserve-dav"));
    const good = lockOf();
    const saved = [
      good,
      lockOf({ token: "opaquelocktoken:x", root: "/t1" }), // not a token we make
      lockOf({ token: "urn:uuid:1b7e8a52-5f7c-4d1e-9a3b-2c4d5e6f7a8b", root: "/a/../b" }),
      lockOf({
        token: "urn:uuid:2b7e8a52-5f7c-4d1e-9a3b-2c4d5e6f7a8b",
        root: "/t3",
        depth: "1" as "0",
      }),
      lockOf({
        token: "urn:uuid:3b7e8a52-5f7c-4d1e-9a3b-2c4d5e6f7a8b",
        root: "/t4",
        owner: 5 as unknown as string,
      }),
      // conflicts with `good` (both exclusive on one root)
      lockOf({ token: "urn:uuid:4b7e8a52-5f7c-4d1e-9a3b-2c4d5e6f7a8b" }),
      "a string",
    ];
    // Stop 36's format (one JSON object) is still read.
    await Deno.writeTextFile(path, JSON.stringify({ version: 1, locks: saved }));
    const warnings: string[] = [];
    const host = lockServiceHost(
      appConfig({ directory: root }),
      (l) => warnings.push(l),
      () => NOW,
    );
    assertEquals((await host.covering("/doc.txt")).map((l) => l.token), [good.token]);
    assertEquals(warnings.length, 1);
    assert(warnings[0].includes("5 malformed") && warnings[0].includes("1 lock"), warnings[0]);
  });
});

Deno.test("lock store never lets a saved lock outlive the timeout it was granted", async () => {
  await withShare(async (root, path) => {
    await Deno.mkdir(join(root, ".wireserve-dav"));
    // Saved by a clock a day ahead of this one.
    const lock = lockOf({ timeoutSeconds: 60, expiresAtMs: NOW + 86_400_000 });
    await Deno.writeFile(path, encodeLocks([lock]));
    assertEquals(readLockStore(path, NOW).locks[0].expiresAtMs, NOW + 60_000);
  });
});

Deno.test("lock store is neither read nor written with --read-only", async () => {
  await withShare(async (root, _path) => {
    const config = appConfig({ directory: root, readOnly: true });
    const host = lockServiceHost(config, () => {}, () => NOW);
    assert((await host.lock(lockOf())).ok);
    let exists = true;
    await Deno.lstat(join(root, ".wireserve-dav")).catch(() => exists = false);
    assertEquals(exists, false);
  });
});

Deno.test("lock store tells a failed save once and still answers", async () => {
  await withShare(async (root, path) => {
    // A file where the folder must be: every save fails.
    await Deno.writeTextFile(join(root, ".wireserve-dav"), "");
    const { host, warnings } = savedTable(path);
    assert((await host.lock(lockOf())).ok);
    assert((await host.lock(lockOf({ root: "/other" }))).ok);
    assertEquals(warnings.length, 1);
    assert(warnings[0].includes("saving the WebDAV locks"), warnings[0]);
  });
});

Deno.test("lock store keeps every change of a burst of concurrent ones", async () => {
  await withShare(async (_root, path) => {
    const { host } = savedTable(path);
    const results = await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) =>
          host.lock({
            root: `/f${i}`,
            depth: "0",
            scope: "exclusive",
            owner: "",
            timeoutSeconds: 60,
          }),
      ),
    );
    assert(results.every((r) => r.ok));
    assertEquals(readLockStore(path, NOW).locks.length, 20);
  });
});

/** The lines of the file at `path`, parsed. */
async function journal(path: string): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(path);
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

Deno.test("lock store appends a line per change and compacts once the lines weigh as much as the table", async () => {
  await withShare(async (_root, path) => {
    const { host, clock } = savedTable(path);
    const take = (root: string) =>
      host.lock({ root, depth: "0", scope: "exclusive", owner: "", timeoutSeconds: 600 });
    const a = await take("/a");
    const b = await take("/b");
    assert(a.ok && b.ok);
    // The first change after a start writes the table whole; the next ones append.
    assertEquals(await journal(path), [
      { version: LOCK_STORE_VERSION },
      { put: a.lock },
      { put: b.lock },
    ]);
    assertEquals(await host.unlock({ token: a.lock.token, path: "/a" }), true);
    assertEquals((await journal(path)).at(-1), { drop: a.lock.token });
    assertEquals(readLockStore(path, clock.now).locks, [b.lock]);
    // Refreshes append too, until the lines appended pass the bound: then the file is the table
    // whole again, never much more than the bound.
    let largest = 0;
    let last = null;
    for (let i = 0; i < 3000; i++) {
      clock.now += 1;
      last = await host.refresh({ token: b.lock.token, path: "/b", timeoutSeconds: 600 });
      largest = Math.max(largest, (await Deno.stat(path)).size);
    }
    assert(largest <= MIN_JOURNAL_BYTES + 1024, `${largest} bytes at most`);
    assert(largest > MIN_JOURNAL_BYTES / 2, `${largest}: the refreshes were appended`);
    assertEquals(readLockStore(path, clock.now).locks, [last]);
  });
});

Deno.test("lock store ignores a last line a crash cut, and counts a malformed one", async () => {
  await withShare(async (root, path) => {
    await Deno.mkdir(join(root, ".wireserve-dav"));
    const a = lockOf();
    const b = lockOf({ token: "urn:uuid:5b7e8a52-5f7c-4d1e-9a3b-2c4d5e6f7a8b", root: "/b" });
    const whole = new TextDecoder().decode(encodeLocks([a]));
    const cut = JSON.stringify({ put: b }).slice(0, 40);
    await Deno.writeTextFile(path, whole + cut);
    assertEquals(readLockStore(path, NOW), { locks: [a], problem: "" });
    await Deno.writeTextFile(path, `${whole}{"put":7}\n${JSON.stringify({ drop: a.token })}\n`);
    assertEquals(readLockStore(path, NOW), { locks: [], problem: "held 1 malformed locks" });
  });
});

Deno.test("lock store keeps a release asked for while the table is being written whole", async () => {
  // The first change after a start writes the table whole; a release (DELETE or MOVE of a locked
  // resource) asked for while that write runs must be saved by the next one, not lost with it.
  const waits: Array<() => Promise<unknown>> = [
    ...[1, 2, 3, 5, 8, 13].map((n) => async () => {
      for (let i = 0; i < n; i++) await Promise.resolve();
    }),
    () => new Promise((r) => setTimeout(r, 0)),
  ];
  for (const [i, wait] of waits.entries()) {
    await withShare(async (_root, path) => {
      const table = new LockTable({ now: () => NOW });
      const held = table.lock(lockOf({ root: "/y.txt" }));
      assert(held.ok);
      const store = new LockStore(path, () => table.snapshot(), () => {});
      const host = new LockServiceHost(table, store);
      const taken = host.lock({
        root: "/a.txt",
        depth: "0",
        scope: "exclusive",
        owner: "",
        timeoutSeconds: 600,
      });
      await wait();
      const released = host.release("/y.txt");
      await Promise.all([taken, released]);
      assertEquals(readLockStore(path, NOW).locks.map((l) => l.root), ["/a.txt"], `wait ${i}`);
    });
  }
});

/** `fn` with a share and a folder outside it, both removed after. */
async function withOutside(
  fn: (root: string, path: string, outside: string) => Promise<void>,
): Promise<void> {
  const outside = await Deno.makeTempDir({ prefix: "wireserve-lock-outside-" });
  try {
    await withShare((root, path) => fn(root, path, outside));
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
}

Deno.test("lock store neither writes nor reads through a .wireserve-dav that is a link", async () => {
  await withOutside(async (root, path, outside) => {
    await Deno.symlink(outside, join(root, ".wireserve-dav"));
    const { host, warnings } = savedTable(path);
    assert((await host.lock(lockOf())).ok, "the lock still holds, in memory");
    assert(
      (await host.lock(
        lockOf({ token: "urn:uuid:1b7e8a52-5f7c-4d1e-9a3b-2c4d5e6f7a8b", root: "/b" }),
      )).ok,
    );
    assertEquals([...Deno.readDirSync(outside)], [], "no table, temp file or journal line there");
    assertEquals(warnings.length, 1, "told once");
    assert(warnings[0].includes("Refusing to use"), warnings[0]);
    // A table waiting where the link leads is not read at start.
    await Deno.writeFile(join(outside, "locks.json"), encodeLocks([lockOf()]));
    const loaded = readLockStore(path, NOW);
    assertEquals(loaded.locks, []);
    assert(loaded.problem.includes("a symbolic link"), loaded.problem);
  });
});

Deno.test("lock store never appends through a locks.json that is a link: the table written whole replaces it", async () => {
  await withOutside(async (_root, path, outside) => {
    const { host, warnings } = savedTable(path);
    assert((await host.lock(lockOf())).ok); // the first save writes the table whole
    const target = join(outside, "target");
    await Deno.writeTextFile(target, "outside\n");
    await Deno.remove(path);
    await Deno.symlink(target, path);
    const second = lockOf({ token: "urn:uuid:1b7e8a52-5f7c-4d1e-9a3b-2c4d5e6f7a8b", root: "/b" });
    assert((await host.lock(second)).ok); // an append, were the file a plain one
    assertEquals(await Deno.readTextFile(target), "outside\n");
    assert(!(await Deno.lstat(path)).isSymlink, "the link was replaced");
    assertEquals(readLockStore(path, NOW).locks.map((l) => l.root).sort(), ["/b", "/doc.txt"]);
    assertEquals(warnings, []);
  });
});

Deno.test("lock store keeps the real spelling of a lock taken through a link", async () => {
  await withShare(async (_root, path) => {
    const { host } = savedTable(path);
    const r = await host.lock({
      root: "/alias.txt",
      realRoot: "/real.txt",
      depth: "0",
      scope: "exclusive",
      owner: "",
      timeoutSeconds: 60,
    });
    assert(r.ok);
    assertEquals(readLockStore(path, NOW).locks, [r.lock]);
    const restarted = new LockTable({ now: () => NOW });
    assertEquals(restoreLocks(restarted, path, NOW), "");
    // After the restart the lock still holds the file under its real name.
    assertEquals(restarted.check({ resources: [{ path: "/real.txt", depth: "0" }], tokens: [] }), {
      ok: false,
      root: "/alias.txt",
    });
    // A saved real spelling that is no table path drops the lock, as any malformed field does.
    const bad = readLockStore(path, NOW);
    await Deno.writeFile(path, encodeLocks([{ ...bad.locks[0], realRoot: "../x" }]));
    assertEquals(readLockStore(path, NOW).locks, []);
  });
});
