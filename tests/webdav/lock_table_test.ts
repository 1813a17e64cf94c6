/**
 * The lock table: conflicts, shared locks, depth, submitted tokens, refresh, expiry, release and
 * the cap — with a hand-driven clock.
 */

import { assert, assertEquals } from "../support/assert.ts";
import {
  covers,
  isBelow,
  type LockRequest,
  LockTable,
  type LockTableOptions,
  MAX_LOCK_OWNER_TOTAL_BYTES,
  MAX_SHARED_LOCKS_PER_RESOURCE,
} from "../../src/webdav/lock_table.ts";

function table(maxLocks?: number, more: LockTableOptions = {}) {
  const clock = { now: 1_000_000 };
  return { t: new LockTable({ now: () => clock.now, maxLocks, ...more }), clock };
}

const req = (root: string, over: Partial<LockRequest> = {}): LockRequest => ({
  root,
  depth: "0",
  scope: "exclusive",
  owner: "<href>me</href>",
  timeoutSeconds: 60,
  ...over,
});

function token(r: ReturnType<LockTable["lock"]>): string {
  assert(r.ok, JSON.stringify(r));
  return r.lock.token;
}

Deno.test("paths: covers follows depth, isBelow needs a whole segment", () => {
  assert(covers({ root: "/a", depth: "0" }, "/a"));
  assert(!covers({ root: "/a", depth: "0" }, "/a/b"));
  assert(covers({ root: "/a", depth: "infinity" }, "/a/b/c"));
  assert(!covers({ root: "/a", depth: "infinity" }, "/ab"));
  assert(covers({ root: "/", depth: "infinity" }, "/x"));
  assert(isBelow("/a/b", "/a") && !isBelow("/a", "/a") && !isBelow("/ab", "/a"));
});

Deno.test("an exclusive lock conflicts with any other; shared locks stack", () => {
  const { t } = table();
  token(t.lock(req("/f")));
  assertEquals(t.lock(req("/f")), { ok: false, reason: "conflict", root: "/f" });
  assertEquals(t.lock(req("/f", { scope: "shared" })).ok, false);
  token(t.lock(req("/g", { scope: "shared" })));
  token(t.lock(req("/g", { scope: "shared" })));
  assertEquals(t.lock(req("/g")).ok, false, "exclusive over shared");
});

Deno.test("depth infinity conflicts with locks below; depth 0 on a folder does not", () => {
  const { t } = table();
  token(t.lock(req("/d/f")));
  assertEquals(t.lock(req("/d", { depth: "infinity" })), {
    ok: false,
    reason: "conflict",
    root: "/d/f",
  });
  token(t.lock(req("/d", { depth: "0" })));
  token(t.lock(req("/e", { depth: "infinity" })));
  assertEquals(t.lock(req("/e/deep/x")).ok, false, "covered by the folder's lock");
});

Deno.test("check wants a covering token for every lock on what changes", () => {
  const { t } = table();
  const file = token(t.lock(req("/d/f")));
  const folder = token(t.lock(req("/d", { depth: "0" })));
  const change = (tokens: string[], path = "/d/f", depth: "0" | "infinity" = "0") =>
    t.check({ resources: [{ path, depth }], tokens });
  assertEquals(change([]), { ok: false, root: "/d/f" });
  assertEquals(change([file]), { ok: true });
  assertEquals(change([folder]), { ok: false, root: "/d/f" }, "a depth-0 folder lock");
  assertEquals(change([file], "/d", "infinity"), { ok: false, root: "/d" });
  assertEquals(change([file, folder], "/d", "infinity"), { ok: true });
  assertEquals(change([], "/other"), { ok: true });
});

Deno.test("check: any holder of a shared lock may write", () => {
  const { t } = table();
  const a = token(t.lock(req("/s", { scope: "shared" })));
  const b = token(t.lock(req("/s", { scope: "shared" })));
  assertEquals(t.check({ resources: [{ path: "/s", depth: "0" }], tokens: [a] }), { ok: true });
  assertEquals(t.check({ resources: [{ path: "/s", depth: "0" }], tokens: [b] }), { ok: true });
  assertEquals(t.check({ resources: [{ path: "/s", depth: "0" }], tokens: [] }).ok, false);
});

Deno.test("check: a shared lock on the resource itself lets its holder write it, whoever holds the folder's", () => {
  const { t } = table();
  const folder = token(t.lock(req("/sh", { scope: "shared", depth: "infinity" })));
  const file = token(t.lock(req("/sh/f", { scope: "shared" })));
  const change = (tokens: string[], path = "/sh/f", depth: "0" | "infinity" = "0") =>
    t.check({ resources: [{ path, depth }], tokens });
  // §6.2: each holder of a shared lock on /sh/f may write it, with either token.
  assertEquals(change([file]), { ok: true });
  assertEquals(change([folder]), { ok: true });
  assertEquals(change([]), { ok: false, root: "/sh" });
  // The file's lock does not reach the folder, nor the rest of what the folder's lock covers.
  assertEquals(change([file], "/sh", "0"), { ok: false, root: "/sh" });
  assertEquals(change([file], "/sh/g"), { ok: false, root: "/sh" });
  assertEquals(change([file], "/sh", "infinity"), { ok: false, root: "/sh" });
  assertEquals(change([folder], "/sh", "infinity"), { ok: true });
  // A depth-0 shared lock on the folder holds the folder itself, not what lies below it.
  const own = token(t.lock(req("/sh", { scope: "shared" })));
  assertEquals(change([own], "/sh", "0"), { ok: true });
  assertEquals(change([own], "/sh", "infinity"), { ok: false, root: "/sh" });
  assertEquals(change([own], "/sh/f"), { ok: false, root: "/sh" });
});

Deno.test("locks expire; refresh restarts the timeout only through a covering path", () => {
  const { t, clock } = table();
  const tok = token(t.lock(req("/d", { depth: "infinity" })));
  clock.now += 59_000;
  assertEquals(t.refresh(tok, "/elsewhere", 60), null);
  assertEquals(t.refresh(tok, "/d/inner", 60)?.expiresAtMs, clock.now + 60_000, "indirect");
  clock.now += 59_000;
  assertEquals(t.covering("/d/x").length, 1);
  clock.now += 1_000;
  assertEquals(t.covering("/d/x"), [], "expired at its timeout");
  assertEquals(t.size(), 0);
  token(t.lock(req("/d")));
});

Deno.test("unlock needs a covering path; release drops the locks of a removed tree", () => {
  const { t } = table();
  const tok = token(t.lock(req("/d", { depth: "infinity" })));
  assertEquals(t.unlock(tok, "/other"), false);
  assertEquals(t.unlock("urn:uuid:bogus", "/d"), false);
  assertEquals(t.unlock(tok, "/d/x"), true);
  token(t.lock(req("/d/a")));
  token(t.lock(req("/d/b/c")));
  token(t.lock(req("/dd")));
  assertEquals(t.onMembers("/d").length, 1, "/d/a, not /d/b/c");
  assertEquals(t.release("/d"), 2);
  assertEquals(t.size(), 1);
});

Deno.test("the table holds at most maxLocks", () => {
  const { t } = table(2);
  token(t.lock(req("/a")));
  token(t.lock(req("/b")));
  assertEquals(t.lock(req("/c")), { ok: false, reason: "full" });
});

Deno.test("a resource holds at most maxSharedPerResource shared locks; one more is crowded", () => {
  const { t } = table(undefined, { maxSharedPerResource: 3 });
  const shared = { scope: "shared" as const };
  token(t.lock(req("/d", { ...shared, depth: "infinity" })));
  token(t.lock(req("/d/f", shared)));
  const third = token(t.lock(req("/d/f", shared))); // at the cap: /d/f is covered by 3
  assertEquals(t.covering("/d/f").length, 3);
  assertEquals(t.lock(req("/d/f", shared)), { ok: false, reason: "crowded" });
  // A depth-infinity lock on the folder would cover /d/f as well: crowded too.
  assertEquals(t.lock(req("/d", { ...shared, depth: "infinity" })), {
    ok: false,
    reason: "crowded",
  });
  token(t.lock(req("/d/g", shared))); // another member has room (2 cover it)
  assert(t.unlock(third, "/d/f"));
  token(t.lock(req("/d/f", shared))); // an unlock makes room
  assertEquals(t.lock(req("/d/f", shared)).ok, false);
});

Deno.test("the default cap keeps the locks covering one resource at MAX_SHARED_LOCKS_PER_RESOURCE", () => {
  const { t } = table();
  for (let i = 0; i < MAX_SHARED_LOCKS_PER_RESOURCE; i++) {
    token(t.lock(req("/lk", { scope: "shared" })));
  }
  assertEquals(t.lock(req("/lk", { scope: "shared" })), { ok: false, reason: "crowded" });
  assertEquals(t.covering("/lk").length, MAX_SHARED_LOCKS_PER_RESOURCE);
});

Deno.test("a shared depth-infinity lock of a folder is granted when no member would pass the cap", () => {
  const { t } = table();
  const shared = { scope: "shared" as const };
  // One lock on each of more files than the cap: every file is covered by one lock.
  for (let i = 1; i <= MAX_SHARED_LOCKS_PER_RESOURCE + 1; i++) {
    token(t.lock(req(`/q/f${i}`, shared)));
  }
  token(t.lock(req("/q", { ...shared, depth: "infinity" })));
  assertEquals(t.covering("/q/f1").length, 2);
  token(t.lock(req("/", { ...shared, depth: "infinity" })));
  assertEquals(t.covering("/q/f17").length, 3);
});

Deno.test("the cap counts the locks rooted at a resource and the depth-infinity ones above it", () => {
  const { t } = table();
  const shared = { scope: "shared" as const };
  const deep = { ...shared, depth: "infinity" as const };
  // 16 cover /q/a/f: 5 from the share, 5 from /q, 6 on the file itself (a folder between).
  for (let i = 0; i < 5; i++) token(t.lock(req("/", deep)));
  for (let i = 0; i < 5; i++) token(t.lock(req("/q", deep)));
  for (let i = 0; i < 6; i++) token(t.lock(req("/q/a/f", shared)));
  assertEquals(t.covering("/q/a/f").length, MAX_SHARED_LOCKS_PER_RESOURCE);
  const crowded = { ok: false, reason: "crowded" } as const;
  assertEquals(t.lock(req("/q/a/f", shared)), crowded);
  assertEquals(t.lock(req("/q/a/f", deep)), crowded);
  assertEquals(t.lock(req("/q/a", deep)), crowded, "would cover /q/a/f below it");
  assertEquals(t.lock(req("/q", deep)), crowded);
  assertEquals(t.lock(req("/", deep)), crowded);
  // Elsewhere there is room: /q/a and /q/g are covered by 10, /q/a/f is not in a depth-0 scope.
  token(t.lock(req("/q/a", shared)));
  token(t.lock(req("/q/g", deep)));
  // 6 locks below /q/b, 3 on each of two files: a lock of /q/b makes each file 14, not 17.
  for (let i = 0; i < 3; i++) token(t.lock(req("/q/b/x", shared)));
  for (let i = 0; i < 3; i++) token(t.lock(req("/q/b/y", shared)));
  token(t.lock(req("/q/b", deep)));
  assertEquals(t.covering("/q/b/x").length, 14);
});

Deno.test("the owners of all locks stay within maxOwnerTotalBytes (UTF-8); freed locks give room", () => {
  const { t, clock } = table(undefined, { maxOwnerTotalBytes: 10 });
  const a = token(t.lock(req("/a", { owner: "12345" })));
  token(t.lock(req("/b", { owner: "éé", timeoutSeconds: 1 }))); // 4 bytes: 9 in all
  assertEquals(t.lock(req("/c", { owner: "é" })), { ok: false, reason: "owners" }, "11 > 10");
  token(t.lock(req("/c", { owner: "x" }))); // exactly 10
  assertEquals(t.ownerBytes(), 10);
  assertEquals(t.lock(req("/e", { owner: "y" })).ok, false);
  token(t.lock(req("/e", { owner: "" }))); // a lock without an owner costs no owner bytes
  assert(t.unlock(a, "/a"));
  assertEquals(t.ownerBytes(), 5);
  clock.now += 1000; // /b expires
  assertEquals(t.ownerBytes(), 1);
  assertEquals(t.release("/c"), 1);
  assertEquals(t.ownerBytes(), 0);
  token(t.lock(req("/f", { owner: "0123456789" })));
});

Deno.test("the default owner budget is MAX_LOCK_OWNER_TOTAL_BYTES", () => {
  const { t } = table();
  const owner = "o".repeat(4096);
  const fit = MAX_LOCK_OWNER_TOTAL_BYTES / owner.length;
  for (let i = 0; i < fit; i++) token(t.lock(req(`/f${i}`, { owner })));
  assertEquals(t.lock(req("/one-more", { owner: "o" })), { ok: false, reason: "owners" });
});

Deno.test("results are copies: changing one does not change the table", () => {
  const { t } = table();
  const r = t.lock(req("/a"));
  assert(r.ok);
  r.lock.root = "/elsewhere";
  assertEquals(t.covering("/a").length, 1);
  assertEquals(structuredClone(t.covering("/a")), t.covering("/a"), "plain data");
});

Deno.test("a lock taken through a link conflicts with one on its real spelling, either way round", () => {
  const { t } = table();
  token(t.lock(req("/real.txt")));
  assertEquals(t.lock(req("/alias.txt", { realRoot: "/real.txt" })), {
    ok: false,
    reason: "conflict",
    root: "/real.txt",
  });
  token(t.lock(req("/lndir", { realRoot: "/realdir", depth: "infinity" })));
  assertEquals(t.lock(req("/realdir/in.txt")), { ok: false, reason: "conflict", root: "/lndir" });
  assertEquals(t.lock(req("/realdir", { depth: "0" })).ok, false);
  // A depth-infinity lock whose real spelling holds a lock below it conflicts with that one.
  const { t: u } = table();
  token(u.lock(req("/realdir/in.txt")));
  assertEquals(u.lock(req("/lndir", { realRoot: "/realdir", depth: "infinity" })), {
    ok: false,
    reason: "conflict",
    root: "/realdir/in.txt",
  });
});

Deno.test("check holds a change under either spelling to the locks on both", () => {
  const { t } = table();
  const dir = token(t.lock(req("/sl/realdir", { depth: "infinity" })));
  const change = (path: string, real: string | undefined, tokens: string[], depth = "0") =>
    t.check({ resources: [{ path, real, depth: depth as "0" | "infinity" }], tokens });
  assertEquals(change("/sl/lndir/in.txt", "/sl/realdir/in.txt", []), {
    ok: false,
    root: "/sl/realdir",
  });
  assertEquals(change("/sl/lndir/in.txt", "/sl/realdir/in.txt", [dir]), { ok: true });
  assertEquals(change("/sl/lndir/in.txt", undefined, []), { ok: true }, "no real spelling given");
  // Below a removed tree: a lock rooted below the real spelling counts.
  const { t: u } = table();
  const file = token(u.lock(req("/sl/realdir/in.txt")));
  const remove = (tokens: string[]) =>
    u.check({
      resources: [{ path: "/sl/lndir", real: "/sl/realdir", depth: "infinity" }],
      tokens,
    });
  assertEquals(remove([]), { ok: false, root: "/sl/realdir/in.txt" });
  assertEquals(remove([file]), { ok: true });
  // A lock taken through the link holds the real spelling too.
  const { t: v } = table();
  const viaLink = token(v.lock(req("/alias.txt", { realRoot: "/real.txt" })));
  assertEquals(v.check({ resources: [{ path: "/real.txt", depth: "0" }], tokens: [] }), {
    ok: false,
    root: "/alias.txt",
  });
  assertEquals(v.check({ resources: [{ path: "/real.txt", depth: "0" }], tokens: [viaLink] }), {
    ok: true,
  });
  assertEquals(v.covering("/real.txt").length, 1);
  assertEquals(v.onMembers("/").length, 1);
});

Deno.test("refresh, unlock and release reach a lock through either spelling", () => {
  const { t } = table();
  const real = token(t.lock(req("/real.txt")));
  assertEquals(t.refresh(real, "/alias.txt", 60), null, "no real spelling given");
  assertEquals(t.refresh(real, "/alias.txt", 60, "/real.txt")?.root, "/real.txt");
  assertEquals(t.covering("/alias.txt", "/real.txt").length, 1);
  assertEquals(t.unlock(real, "/alias.txt", "/real.txt"), true);
  token(t.lock(req("/d/f", { realRoot: "/e/f" })));
  token(t.lock(req("/e/g")));
  assertEquals(t.release("/e"), 2, "the tree behind the link went: its locks by real spelling");
  assertEquals(t.size(), 0);
  token(t.lock(req("/d/f", { realRoot: "/e/f" })));
  assertEquals(t.release("/x", false, "/e"), 1);
});
