/**
 * The real spelling of a resource path, for the lock table (`lock_paths.ts`): the real path of
 * the deepest existing ancestor-or-self of the resource (symlinks resolved), made relative to the
 * share's real root, with the names not made yet joined back — so `/sl/lndir/in.txt` with
 * `lndir -> realdir` is `/sl/realdir/in.txt`, and a new file there `/sl/realdir/new.txt`. Checked
 * against the locks beside the URL spelling, it keeps a link inside the share from reaching a
 * locked file without the lock's token (RFC 4918 §7: a lock is on the resource, whatever its URL).
 *
 * Decisions:
 * - A resolution that leaves the share (a link out, followed with `--follow-symlinks`) gives no
 *   real spelling: the URL spelling alone is what the locks of this share can name.
 * - The common case costs one `realpath` per write and none per read: without a link on the way
 *   the real spelling equals the URL one and nothing more is sent to the table. One request's
 *   resolutions share a memo (a PUT's file and its folder), and the share's real root is resolved
 *   once per context.
 * - `follow: false` leaves the final name as it is (the real path of its folder, and the name):
 *   what a removal or a move took away is the link itself, never what it leads to, so the locks
 *   on the target stay.
 * - A path that cannot be resolved (missing, denied, a loop) is resolved through its parent.
 *
 * This module must not know about HTTP.
 * @module
 */

import { isAbsolute, join, relative, sep } from "node:path";
import { realPathOrNull } from "../app/real_path_inside.ts";
import type { DavContext } from "./dav_context.ts";
import { resourcePath } from "./dav_path.ts";
import type { LockedResource } from "./lock_table.ts";

/** The share's real root, per context, once resolved. */
const realRoots = new WeakMap<DavContext, string>();

/** The real spellings of the resources of one request; see the module doc. */
export class RealResources {
  #ctx: DavContext;
  /** Real paths by disk path, null for one that does not resolve. */
  #memo = new Map<string, Promise<string | null>>();

  constructor(ctx: DavContext) {
    this.#ctx = ctx;
  }

  /**
   * The real spelling of the resource at `segments`, or undefined when it is its URL spelling
   * or lies outside the share; with `follow` false, the final name is not resolved.
   */
  async of(segments: readonly string[], follow = true): Promise<string | undefined> {
    const realRoot = await this.#realRoot();
    if (realRoot === null) return undefined;
    const root = this.#ctx.uploads.root;
    let kept = follow ? segments.length : Math.max(0, segments.length - 1);
    let real: string | null = null;
    for (; kept >= 0; kept--) {
      real = await this.#real(join(root, ...segments.slice(0, kept)));
      if (real !== null) break;
    }
    if (real === null) return undefined;
    const rel = relative(realRoot, join(real, ...segments.slice(kept)));
    // keep: a real path outside the share (a followed link out) is named by its URL only
    if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
    const spelled = rel === "" ? "/" : `/${rel.split(sep).join("/")}`;
    return spelled === resourcePath(segments) ? undefined : spelled;
  }

  /** The real spelling of the resource at the table path `path` (see {@link of}). */
  ofPath(path: string, follow = true): Promise<string | undefined> {
    return this.of(path === "/" ? [] : path.slice(1).split("/"), follow);
  }

  /** `resources`, each with its real spelling when it has one. */
  with(resources: readonly LockedResource[]): Promise<LockedResource[]> {
    return Promise.all(resources.map(async (r) => {
      const real = await this.ofPath(r.path);
      return real === undefined ? r : { ...r, real };
    }));
  }

  async #realRoot(): Promise<string | null> {
    const known = realRoots.get(this.#ctx);
    if (known !== undefined) return known;
    const root = await this.#real(this.#ctx.uploads.root);
    if (root !== null) realRoots.set(this.#ctx, root);
    return root;
  }

  #real(fsPath: string): Promise<string | null> {
    let real = this.#memo.get(fsPath);
    if (real === undefined) {
      real = realPathOrNull(fsPath);
      this.#memo.set(fsPath, real);
    }
    return real;
  }
}
