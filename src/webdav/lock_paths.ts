/**
 * The paths the lock table compares: a lock's root and a changed resource, each under one or two
 * spellings. One file has a URL per link on the way to it (`/sl/lndir/in.txt` and
 * `/sl/realdir/in.txt` with `lndir -> realdir`), and a lock is on the resource, not on one of its
 * URLs (RFC 4918 §6.1, §7; Apache's mod_dav_fs keys its locks by device and inode). So a lock
 * keeps, beside the root it was taken on, that root's real spelling (`realRoot`, see
 * `real_resource.ts`), and a change or a query names its real spelling too (`real`): a lock
 * covers a resource when one of its spellings covers one of the resource's.
 *
 * Both spellings stay in play rather than the real one alone: a root whose real path leaves the
 * share (`--follow-symlinks`) has no real spelling here, and a link retargeted after the lock was
 * taken still leads its URL to the lock.
 *
 * This module must not know about HTTP, XML or the disk. Paths are the table's: "/" for the
 * share, "/a/b" for a member, without a final slash.
 * @module
 */

/** What the table needs of a lock to tell what it covers. */
export interface LockRoots {
  root: string;
  depth: string;
  /** The real spelling of `root`, when it differs from `root`. */
  realRoot?: string;
}

/** The spellings of a lock's root: `root`, and `realRoot` when it has one. */
export function rootsOf(lock: Pick<LockRoots, "root" | "realRoot">): string[] {
  return lock.realRoot === undefined || lock.realRoot === lock.root
    ? [lock.root]
    : [lock.root, lock.realRoot];
}

/** The spellings of a resource: `path`, and `real` when it is given and differs. */
export function spellingsOf(path: string, real?: string): string[] {
  return real === undefined || real === path ? [path] : [path, real];
}

/** Whether `lock` covers the resource at `path` (§6.1), by either spelling of its root. */
export function covers(lock: LockRoots, path: string): boolean {
  for (const root of rootsOf(lock)) {
    if (root === path || (lock.depth === "infinity" && isBelow(path, root))) return true;
  }
  return false;
}

/** Whether `lock` covers any of the spellings `paths` of one resource. */
export function coversAny(lock: LockRoots, paths: readonly string[]): boolean {
  return paths.some((path) => covers(lock, path));
}

/** Whether a spelling of the root of `lock` lies strictly below any of `paths`. */
export function rootBelowAny(lock: LockRoots, paths: readonly string[]): boolean {
  return rootsOf(lock).some((root) => paths.some((path) => isBelow(root, path)));
}

/** Whether `path` lies strictly below `ancestor`. */
export function isBelow(path: string, ancestor: string): boolean {
  if (ancestor === "/") return path !== "/";
  return path.length > ancestor.length && path.startsWith(ancestor) &&
    path.charCodeAt(ancestor.length) === 0x2f;
}
