/**
 * How many locks cover the most-covered resource in the scope of a new lock: what the lock
 * table's cap on the locks covering one resource (`MAX_SHARED_LOCKS_PER_RESOURCE`) counts.
 *
 * The cap is on the locks covering one resource (RFC 4918 §6.1: a lock covers its root, and with
 * depth infinity everything below it), not on those overlapping the new one: shared locks on 17
 * files of a folder leave room for a shared depth-infinity lock of the folder, after which each
 * file is covered by 2.
 *
 * A resource's coverage is the locks rooted at it plus the depth-infinity locks rooted at its
 * ancestors, so within the new lock's scope it is highest at the new lock's root or at the root
 * of a lock below it: any other resource has no more than its nearest such ancestor. The roots
 * below are visited in sorted order, where every path's descendants follow it, with a stack of
 * the ones above the current path: one sort and one pass (`O(k log k)` for `k` roots, at most
 * `MAX_LOCKS`), with no string made per folder in between (walking up each root's folders one by
 * one, 10,000 locks 20 folders deep took 0.5 s per LOCK).
 *
 * This module must not know about HTTP, XML or the disk. Paths are the table's: "/" for the
 * share, "/a/b" for a member, without a final slash.
 * @module
 */

/** The locks of a table by their root (only their depth matters here). */
export type LocksByRoot = ReadonlyMap<string, ReadonlyArray<{ readonly depth: string }>>;

/**
 * The coverage of the most-covered resource a new lock at `root` would cover, not counting the
 * new lock; `rootsBelow` holds the roots of the locks strictly below `root` when the new lock is
 * depth infinity, and is empty for depth 0.
 */
export function mostCovered(
  byRoot: LocksByRoot,
  root: string,
  rootsBelow: Iterable<string>,
): number {
  let fromAbove = 0;
  for (let at = parentPath(root); at !== null; at = parentPath(at)) {
    fromAbove += infinityAt(byRoot, at);
  }
  let most = fromAbove + (byRoot.get(root)?.length ?? 0);
  // With a final "/", a path is a prefix exactly of its descendants' (not of "/ab/" for "/a"),
  // and sorting puts them right after it.
  const keys: string[] = [];
  for (const path of rootsBelow) keys.push(`${path}/`);
  keys.sort();
  // The in-scope roots above the current one, each with the depth-infinity locks covering what
  // lies below it; `root` is the bottom entry and a prefix of every key.
  const chain: Array<{ key: string; coverBelow: number }> = [
    { key: root === "/" ? "/" : `${root}/`, coverBelow: fromAbove + infinityAt(byRoot, root) },
  ];
  for (const key of keys) {
    while (!key.startsWith(chain[chain.length - 1].key)) chain.pop();
    const path = key.slice(0, -1);
    const above = chain[chain.length - 1].coverBelow;
    most = Math.max(most, above + (byRoot.get(path)?.length ?? 0));
    chain.push({ key, coverBelow: above + infinityAt(byRoot, path) });
  }
  return most;
}

/** The path one segment up from `path` ("/" for a member of the share), null for "/". */
export function parentPath(path: string): string | null {
  if (path === "/") return null;
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}

/** How many depth-infinity locks are rooted at `path`. */
function infinityAt(byRoot: LocksByRoot, path: string): number {
  const atRoot = byRoot.get(path);
  if (atRoot === undefined) return 0;
  let count = 0;
  for (const lock of atRoot) if (lock.depth === "infinity") count++;
  return count;
}
