/**
 * The server's WebDAV write locks (RFC 4918 §6, §7): one table, in memory, with plain-data
 * methods only — every argument and result is structured-cloneable, so the one table can live on
 * the main thread and be reached from every worker through an async proxy (`lock_service.ts`).
 *
 * Paths are resource paths below the share: "/" for the share itself, "/a/b" for a member,
 * decoded, without a final slash. A lock covers its root, and with depth infinity everything
 * below it (§6.1). A lock and a changed resource may each carry a second spelling, their real
 * one (`realRoot`, `real`): a lock covers a resource when a spelling of its root covers a
 * spelling of the resource (`lock_paths.ts`), so a symlink inside the share neither bypasses a
 * lock nor lets a second exclusive lock be taken on the file behind it.
 *
 * Decisions:
 * - The table itself is memory only; what survives a restart is the host's business
 *   (`lock_service.ts` saves every change through `lock_store.ts`, and a restarted server puts the
 *   saved locks back with `restore`, token and expiry unchanged). davfs2 goes on using a token it
 *   got before the restart and, refused with 412, moves the user's edit to `lost+found`.
 * - Conflicts (§6.1, §9.10.3): a new lock conflicts with a lock covering its root, and, for depth
 *   infinity, with any lock rooted below it — unless both are shared.
 * - Submitting a lock token (§6.4, §7.5): a resource that locks cover may be changed only when
 *   the request submits the token of one of the locks covering that very resource. For an
 *   exclusive lock only its own token does (no other lock covers what it covers); of shared
 *   locks any one does (§6.2: every holder of a shared lock on a resource may write it) — a
 *   depth-0 shared lock on a file lets its holder write the file inside a folder that another
 *   client holds a shared depth-infinity lock on, as Apache's mod_dav allows.
 * - Expiry: a lock past its timeout is gone; expired locks are swept on every call, so the table
 *   never grows past the live ones, and it holds at most {@link MAX_LOCKS}.
 * - What locks put into answers is bounded, not only what they hold: every `lockdiscovery` lists
 *   each lock covering the resource with its owner, so 10,000 shared locks with 4 KiB owners on
 *   one folder made each PROPFIND of it a 43 MB answer, built whole per request (30 clients that
 *   never read took the process to 4.2 GB). Two caps, both the table's own, so both are the
 *   server's and not a worker's: {@link MAX_SHARED_LOCKS_PER_RESOURCE} (a new lock after which
 *   some resource would be covered by more locks is refused) and
 *   {@link MAX_LOCK_OWNER_TOTAL_BYTES} (the owners of all live locks together).
 *
 * This module must not know about HTTP, XML or the disk.
 * @module
 */

import { mostCovered, parentPath } from "./lock_coverage.ts";
import { coversAny, isBelow, rootBelowAny, rootsOf, spellingsOf } from "./lock_paths.ts";

export { covers, isBelow } from "./lock_paths.ts";

/** Most locks held at once; past it a new LOCK is refused (503). */
export const MAX_LOCKS = 10_000;
/**
 * Most locks that may cover one resource at once; a new lock that would make one more is refused
 * (503). Only shared locks ever stack (any other pair conflicts), and a real client holds one or
 * a few: Office takes one per open document, davfs2 and macOS only exclusive ones. 16 owners of
 * 4 KiB each keep the largest `lockdiscovery` near 70 KB (16 × ~4.4 KB of `activelock`).
 */
export const MAX_SHARED_LOCKS_PER_RESOURCE = 16;
/**
 * Most UTF-8 bytes of `DAV:owner` markup all live locks hold together; a LOCK whose owner would
 * pass it is refused (503). Real owners are a name or a URL under 200 bytes, so 1 MiB holds
 * thousands of them, yet bounds the owners a `PROPFIND Depth: 1` can gather from the locks on a
 * folder's members (each such lock is listed once) and what the table holds (was up to 40 MB).
 */
export const MAX_LOCK_OWNER_TOTAL_BYTES = 1024 * 1024;
const MS_PER_SECOND = 1000;

/** Exclusive or shared (RFC 4918 §14.13). */
export type LockScope = "exclusive" | "shared";
/** Depth of a lock (§9.10.3: 0 or infinity). */
export type LockDepth = "0" | "infinity";

/** One lock, as plain data. */
export interface LockInfo {
  /** The lock token (a URI, `urn:uuid:…`). */
  token: string;
  /** The resource path the lock was taken on. */
  root: string;
  /**
   * The real spelling of `root` (symlinks inside the share resolved), only when it differs; the
   * lock covers what lies at either (`lock_paths.ts`).
   */
  realRoot?: string;
  depth: LockDepth;
  scope: LockScope;
  /** The `DAV:owner` contents as the client sent them (markup), "" for none. */
  owner: string;
  /** The timeout granted, in seconds. */
  timeoutSeconds: number;
  /** When it expires (ms since the epoch). */
  expiresAtMs: number;
}

/** What a LOCK asks for. */
export interface LockRequest {
  root: string;
  /** The real spelling of `root`, when it differs (see `LockInfo`). */
  realRoot?: string;
  depth: LockDepth;
  scope: LockScope;
  owner: string;
  timeoutSeconds: number;
}

/** The outcome of taking a lock. */
export type LockResult =
  | { ok: true; lock: LockInfo }
  | { ok: false; reason: "conflict"; root: string }
  /** `MAX_LOCKS` reached. */
  | { ok: false; reason: "full" }
  /** Some resource would be covered by more than `MAX_SHARED_LOCKS_PER_RESOURCE` locks. */
  | { ok: false; reason: "crowded" }
  /** The owners together would pass `MAX_LOCK_OWNER_TOTAL_BYTES`. */
  | { ok: false; reason: "owners" };

/** A resource a request changes, and whether the change reaches everything below it. */
export interface LockedResource {
  path: string;
  /** Its real spelling, when it differs from `path`: the locks on either hold it. */
  real?: string;
  depth: LockDepth;
}

/** Which resources a request changes, and the lock tokens it submitted. */
export interface LockCheck {
  resources: LockedResource[];
  tokens: string[];
}

/** Whether the tokens cover the resources; if not, the root of a lock they miss. */
export type LockCheckResult = { ok: true } | { ok: false; root: string };

/** Options for the table (tests shrink them). */
export interface LockTableOptions {
  /** The clock, in ms since the epoch. */
  now?: () => number;
  maxLocks?: number;
  maxSharedPerResource?: number;
  maxOwnerTotalBytes?: number;
}

/** The lock table. Synchronous; see `lock_service.ts` for how the app reaches it. */
export class LockTable {
  #byToken = new Map<string, LockInfo>();
  /** The locks of `#byToken` by root: what covers a path is found by walking its ancestors. */
  #byRoot = new Map<string, LockInfo[]>();
  #now: () => number;
  #max: number;
  #maxShared: number;
  #maxOwnerBytes: number;
  /** UTF-8 bytes of the owners of the locks in `#byToken`. */
  #ownerBytes = 0;

  constructor(opts: LockTableOptions = {}) {
    this.#now = opts.now ?? Date.now;
    this.#max = opts.maxLocks ?? MAX_LOCKS;
    this.#maxShared = opts.maxSharedPerResource ?? MAX_SHARED_LOCKS_PER_RESOURCE;
    this.#maxOwnerBytes = opts.maxOwnerTotalBytes ?? MAX_LOCK_OWNER_TOTAL_BYTES;
  }

  /** Takes a new lock, unless another conflicts with it or a cap refuses it. */
  lock(req: LockRequest): LockResult {
    this.#sweep();
    const refusal = this.#refusal(req);
    if (refusal !== null) return refusal;
    const lock: LockInfo = {
      token: `urn:uuid:${crypto.randomUUID()}`,
      root: req.root,
      ...(req.realRoot === undefined || req.realRoot === req.root
        ? {}
        : { realRoot: req.realRoot }),
      depth: req.depth,
      scope: req.scope,
      owner: req.owner,
      timeoutSeconds: req.timeoutSeconds,
      expiresAtMs: this.#now() + req.timeoutSeconds * MS_PER_SECOND,
    };
    this.#insert(lock);
    return { ok: true, lock: { ...lock } };
  }

  /**
   * Puts back a lock saved before a restart, with its own token and expiry, under the same rules
   * as a new one: an expired lock, a token already held, or a lock that a held one conflicts with
   * or that a cap refuses is not put back (whether it was).
   */
  restore(saved: LockInfo): boolean {
    this.#sweep();
    if (saved.expiresAtMs <= this.#now() || this.#byToken.has(saved.token)) return false;
    if (this.#refusal(saved) !== null) return false;
    this.#insert({ ...saved });
    return true;
  }

  /** The live locks, each a copy (what `lock_store.ts` saves). */
  snapshot(): LockInfo[] {
    this.#sweep();
    return Array.from(this.#byToken.values(), (lock) => ({ ...lock }));
  }

  /** Why `req` cannot be taken now (a conflict or a cap), or null when it can. */
  #refusal(req: LockRequest): Exclude<LockResult, { ok: true }> | null {
    // Locks that overlap the new one: those covering its root and, for depth infinity, those
    // rooted below it — by any spelling of either. Any of them not shared (or a new one not
    // shared) is a conflict.
    const spellings = rootsOf(req);
    let overlapping = 0;
    for (const held of this.#byToken.values()) {
      const overlaps = coversAny(held, spellings) ||
        (req.depth === "infinity" && rootBelowAny(held, spellings));
      if (!overlaps) continue;
      if (held.scope !== "shared" || req.scope !== "shared") {
        return { ok: false, reason: "conflict", root: held.root };
      }
      overlapping++;
    }
    if (this.#byToken.size >= this.#max) return { ok: false, reason: "full" };
    // The cap counts the locks covering one resource, not those overlapping the new lock (17
    // files locked once each leave room for a lock of their folder). Every lock covering a
    // resource in the new scope overlaps it, so below the cap there is nothing to count.
    if (overlapping >= this.#maxShared && this.#mostCovered(req) >= this.#maxShared) {
      return { ok: false, reason: "crowded" };
    }
    if (this.#ownerBytes + utf8Length(req.owner) > this.#maxOwnerBytes) {
      return { ok: false, reason: "owners" };
    }
    return null;
  }

  #insert(lock: LockInfo): void {
    this.#byToken.set(lock.token, lock);
    for (const root of rootsOf(lock)) {
      const atRoot = this.#byRoot.get(root);
      if (atRoot === undefined) this.#byRoot.set(root, [lock]);
      else atRoot.push(lock);
    }
    this.#ownerBytes += utf8Length(lock.owner);
  }

  /**
   * Restarts the timeout of the lock `token` if it covers `path` (or its real spelling `real`)
   * (§9.10.2); else null.
   */
  refresh(token: string, path: string, timeoutSeconds: number, real?: string): LockInfo | null {
    this.#sweep();
    const lock = this.#byToken.get(token);
    if (lock === undefined || !coversAny(lock, spellingsOf(path, real))) return null;
    lock.timeoutSeconds = timeoutSeconds;
    lock.expiresAtMs = this.#now() + timeoutSeconds * MS_PER_SECOND;
    return { ...lock };
  }

  /** Removes the lock `token` if it covers `path` or `real` (§9.11.1); whether it did. */
  unlock(token: string, path: string, real?: string): boolean {
    this.#sweep();
    const lock = this.#byToken.get(token);
    if (lock === undefined || !coversAny(lock, spellingsOf(path, real))) return false;
    this.#drop(token, lock);
    return true;
  }

  /**
   * The locks covering `path`, or its real spelling `real` when given (its `DAV:lockdiscovery`,
   * §15.8).
   */
  covering(path: string, real?: string): LockInfo[] {
    this.#sweep();
    const paths = spellingsOf(path, real);
    const out: LockInfo[] = [];
    for (const lock of this.#byToken.values()) {
      if (coversAny(lock, paths)) out.push({ ...lock });
    }
    return out;
  }

  /**
   * The locks rooted at a member of `path` (one segment below it): with `covering`, every lock a
   * `Depth: 1` answer lists, each once. Locks deeper down cover no member, and those rooted at
   * `path` itself are `covering`'s.
   */
  onMembers(path: string): LockInfo[] {
    this.#sweep();
    const out: LockInfo[] = [];
    for (const lock of this.#byToken.values()) {
      const onMember = (root: string) =>
        isBelow(root, path) && root.indexOf("/", path.length + 1) === -1;
      if (rootsOf(lock).some(onMember)) out.push({ ...lock });
    }
    return out;
  }

  /**
   * Whether `check.tokens` hold every resource `check.resources` change (see the module doc):
   * each resource itself, and for a depth-infinity change everything below it — the roots of the
   * locks below, and what lies below each of them and below the resource, which the
   * depth-infinity locks above cover. A resource with two spellings is one resource: the locks
   * on either count together.
   */
  check(check: LockCheck): LockCheckResult {
    this.#sweep();
    if (this.#byToken.size === 0) return { ok: true };
    const tokens = new Set(check.tokens);
    for (const resource of check.resources) {
      const below = resource.depth === "infinity";
      const spellings = spellingsOf(resource.path, resource.real);
      const covering = this.#locksCovering(spellings);
      const missed = unheld(covering, tokens, below);
      if (missed !== null) return { ok: false, root: missed };
      if (!below) continue;
      // What lies below a lock rooted below the resource is also covered by the depth-infinity
      // locks on the resource, whichever spelling they were found by.
      const deep = covering.filter((lock) => lock.depth === "infinity");
      for (const root of this.#byRoot.keys()) {
        if (!spellings.some((path) => isBelow(root, path))) continue;
        const at = unheld(this.#locksCovering([root], deep), tokens, true);
        if (at !== null) return { ok: false, root: at };
      }
    }
    return { ok: true };
  }

  /**
   * Drops every lock rooted at or below `path` (its resource was deleted or moved away). With
   * `keepRoot`, the locks rooted at `path` itself stay: an overwriting COPY or MOVE puts a new
   * resource there, and RFC 4918 §7.7 adds it to the scope of the destination's lock (clients
   * such as davfs2 go on using that lock's token for the new file).
   */
  release(path: string, keepRoot = false, real?: string): number {
    const paths = spellingsOf(path, real);
    const gone = (root: string) =>
      paths.some((at) => (root === at && !keepRoot) || isBelow(root, at));
    let dropped = 0;
    for (const [token, lock] of this.#byToken) {
      if (rootsOf(lock).some(gone)) {
        this.#drop(token, lock);
        dropped++;
      }
    }
    return dropped;
  }

  /** How many live locks there are. */
  size(): number {
    this.#sweep();
    return this.#byToken.size;
  }

  /** The UTF-8 bytes of the live locks' owners together. */
  ownerBytes(): number {
    this.#sweep();
    return this.#ownerBytes;
  }

  #drop(token: string, lock: LockInfo): void {
    this.#byToken.delete(token);
    for (const root of rootsOf(lock)) {
      const atRoot = this.#byRoot.get(root);
      if (atRoot === undefined) continue;
      const rest = atRoot.filter((held) => held !== lock);
      if (rest.length === 0) this.#byRoot.delete(root);
      else this.#byRoot.set(root, rest);
    }
    this.#ownerBytes -= utf8Length(lock.owner);
  }

  /**
   * The coverage of the most-covered resource `req` would lock (`lock_coverage.ts`), the larger
   * under either spelling of its root.
   */
  #mostCovered(req: LockRequest): number {
    let most = 0;
    for (const spelling of rootsOf(req)) {
      const rootsBelow: string[] = [];
      if (req.depth === "infinity") {
        for (const root of this.#byRoot.keys()) if (isBelow(root, spelling)) rootsBelow.push(root);
      }
      most = Math.max(most, mostCovered(this.#byRoot, spelling, rootsBelow));
    }
    return most;
  }

  /**
   * The locks covering a resource spelled `paths`, found by their ancestors (outermost first)
   * rather than by a scan of the table: the depth-infinity locks rooted above each spelling, then
   * every lock rooted at it; `extra` joins them. Each lock once.
   */
  #locksCovering(paths: readonly string[], extra: readonly LockInfo[] = []): LockInfo[] {
    const out = new Set<LockInfo>();
    for (const path of paths) {
      const ancestors: string[] = [];
      for (let at = parentPath(path); at !== null; at = parentPath(at)) ancestors.push(at);
      for (let i = ancestors.length - 1; i >= 0; i--) {
        for (const lock of this.#byRoot.get(ancestors[i]) ?? []) {
          if (lock.depth === "infinity") out.add(lock);
        }
      }
      for (const lock of this.#byRoot.get(path) ?? []) out.add(lock);
    }
    for (const lock of extra) out.add(lock);
    return [...out];
  }

  #sweep(): void {
    const now = this.#now();
    for (const [token, lock] of this.#byToken) {
      if (lock.expiresAtMs <= now) this.#drop(token, lock);
    }
  }
}

const encoder = new TextEncoder();

function utf8Length(s: string): number {
  return s === "" ? 0 : encoder.encode(s).length;
}

/**
 * The root of a lock the submitted `tokens` leave unheld among `covering`, the locks covering a
 * resource: locks cover it and none of them was submitted. With `below`, the same for what lies
 * below it (not itself a lock's root), which only the depth-infinity locks cover. Null when they
 * hold it.
 */
function unheld(covering: LockInfo[], tokens: Set<string>, below: boolean): string | null {
  if (covering.length > 0 && !covering.some((lock) => tokens.has(lock.token))) {
    return covering[0].root;
  }
  if (!below) return null;
  const deep = covering.filter((lock) => lock.depth === "infinity");
  if (deep.length > 0 && !deep.some((lock) => tokens.has(lock.token))) return deep[0].root;
  return null;
}
