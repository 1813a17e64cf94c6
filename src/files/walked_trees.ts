/**
 * Which folders a recursive walk (a folder zip, a search) takes in, so that a folder reached
 * both by its own name and through a symlink is walked once, always under its own name, whatever
 * order the disk lists names in.
 *
 * The rule: a walk starts from trees it takes whole (the folder zipped or searched, or the
 * folders of a selection). A link to a folder is followed only when its target lies outside
 * every tree taken so far — what it leads to inside one is there already, under its own name —
 * and the target then becomes a tree of its own. A link found earlier in the walk wins over a
 * later one to the same place; real folders never lose to a link.
 *
 * This module must not resolve request paths or read the disk: it is given real paths.
 * @module
 */

import { sep } from "node:path";

/** The trees one walk takes in, by real path. */
export class WalkedTrees {
  readonly #trees: string[] = [];

  /** Trees taken whole from the start (real paths). */
  constructor(roots: Iterable<string> = []) {
    for (const root of roots) this.#trees.push(root);
  }

  /** Whether `real` (a folder's real path) is, or lies inside, a tree taken already. */
  holds(real: string): boolean {
    return this.#trees.some((tree) => inside(real, tree));
  }

  /**
   * Takes the folder a link leads to (its real path) as a tree of its own, unless a tree taken
   * already holds it: whether the link is to be followed.
   */
  follow(real: string): boolean {
    if (this.holds(real)) return false;
    this.#trees.push(real);
    return true;
  }
}

/** Whether `path` is `tree` or lies below it (both real, absolute, without a final separator). */
function inside(path: string, tree: string): boolean {
  if (path === tree) return true;
  const prefix = tree.endsWith(sep) ? tree : tree + sep;
  return path.startsWith(prefix);
}
