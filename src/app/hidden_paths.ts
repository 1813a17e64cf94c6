/**
 * Private paths (`--hide <glob>`): which paths under a served folder nobody may list, read,
 * search, zip or write, whoever asks. One pure matcher, checked by every feature where it
 * resolves a path — on the decoded segments of the request (after `.`/`..` are resolved) and
 * again on the real path once symlinks are resolved, so that a link to a hidden target is hidden.
 *
 * Patterns, as dufs' `--hidden` and `.gitignore` write them:
 * - `*.key`, `secret*`, `drafts` — no "/" (except a final one): matches a file or folder of that
 *   name at any depth, and everything below a matching folder.
 * - `private/` — a final "/" restricts it to folders (a file called `private` stays visible).
 * - `docs/private`, `/drafts` — a "/" at the start or in the middle anchors the pattern at the
 *   top of the served folder. `**` as a whole segment matches any number of folders (zero
 *   included): `**` then `/secret*` is the same as `secret*`, and `docs/**` hides `docs` too.
 * - `*` matches any run of characters within one name (never "/"), `?` exactly one character.
 *   That is all: no `[…]` classes, no `{a,b}` braces (the comma separates patterns in the
 *   environment form), no `!` negation. `?` also matches a literal `*`, `?` or `[`.
 * - A `*` also matches a leading dot: `*.key` hides `.secret.key` (hiding more is the safe side).
 *
 * Names are compared as the file system compares them, so a spelling the file system treats as
 * the same name cannot slip past (see {@link NameRules}).
 *
 * The shared folder and `--www` share one list of patterns, each anchored at its own top. Where
 * one folder lies inside the other (`--www site --directory site/dl`), a path of the two is
 * private when either folder hides it, each matching from its own top (see
 * {@link OverlappingRoot}): otherwise `/dl/drafts/` would serve what `/files/drafts/` hides.
 *
 * The matching itself (names folded, globs, `**` paths) is `path_globs.ts`: each pattern costs
 * O(pattern × name) there, whatever the input.
 *
 * This module must not touch the disk or know HTTP.
 * @module
 */

import {
  fold,
  globMatch,
  GLOBSTAR,
  isAtOrBelow,
  type NameRules,
  nameRulesFor,
  pathMatch,
  restsAfter,
  segmentsBelow,
  startsWithSegments,
} from "./path_globs.ts";

export { globMatch, type NameRules, nameRulesFor };

/** Most patterns `--hide` accepts. */
export const MAX_HIDE_PATTERNS = 64;
/** Longest pattern accepted, in characters. */
export const MAX_HIDE_PATTERN_CHARS = 256;

// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

/** One compiled pattern. */
interface Pattern {
  /** Segment globs; `**` is a whole segment matching any number of segments. */
  parts: string[];
  /** Whether it is matched against the path from the top (else against each name). */
  anchored: boolean;
  /** Whether only folders match (it ended with "/"). */
  dirOnly: boolean;
}

/**
 * Why `pattern` cannot be used, or null when it can. Config validation calls it, so a typo is
 * refused at start rather than silently hiding nothing.
 */
export function hidePatternProblem(pattern: string): string | null {
  if (pattern.length > MAX_HIDE_PATTERN_CHARS) {
    return `longer than ${MAX_HIDE_PATTERN_CHARS} characters`;
  }
  if (CONTROL.test(pattern)) return "control characters";
  // refuse: "\" is a separator on Windows and an escape in other globs; one meaning is safer
  if (pattern.includes("\\")) return 'use "/" between folders (no "\\")';
  const body = pattern.replace(/^\/+/, "").replace(/\/+$/, "");
  if (body === "") return "an empty pattern hides nothing";
  for (const part of body.split("/")) {
    if (part === "") return 'empty folder name ("//")';
    if (part === "." || part === "..") return `"${part}" names no file`;
  }
  return null;
}

/**
 * Another served folder that overlaps this one or that a followed symlink reaches, by the real
 * paths of both (absolute): the patterns, anchored at its top, hold for what of this folder
 * lies in it.
 */
export interface OverlappingRoot {
  /** The other folder's real path. */
  realPath: string;
  /** This folder's real path. */
  ownRealPath: string;
}

/** Anchored patterns that apply below `below` (folded segments), matched from there. */
interface AnchoredGroup {
  below: readonly string[];
  patterns: readonly Pattern[];
}

/** Another folder's patterns for real paths outside this folder that lie in that folder. */
interface RealOverlap {
  /** That folder's real path, folded. */
  path: string;
  /** This folder's real path, folded: below it `hides` judges by segments. */
  own: string;
  /** The patterns alone, anchored at that folder's top (no literal paths of this folder). */
  patterns: HiddenPaths;
}

/** The set of `--hide` patterns of one served folder. */
export class HiddenPaths {
  /** No pattern: nothing is hidden. */
  static readonly NONE: HiddenPaths = new HiddenPaths([]);

  readonly #names: Pattern[] = [];
  /** This folder's anchored patterns, as written. */
  readonly #anchored: Pattern[] = [];
  /** Every anchored rule: this folder's, then those an overlapping folder adds. */
  readonly #groups: AnchoredGroup[] = [];
  readonly #realOverlaps: RealOverlap[] = [];
  /** Literal paths (segments below the folder, folded), hidden with everything below them. */
  readonly #exact: string[][] = [];
  /** Absolute real paths (folded) hidden wherever they lie, inside the folder or outside it. */
  readonly #realPaths: ReadonlySet<string>;
  /** Absolute real folders (folded) hidden with everything below them, each with its exception. */
  readonly #realFolders: RealFolder[];
  readonly #rules: NameRules;

  /**
   * Compiles `patterns` (checked with {@link hidePatternProblem}; bad ones throw). `exact` are
   * literal paths (segments below the folder) hidden as they are: a name there is no glob, so a
   * file called `a*b` hides that file only, and any name a file system holds can be given.
   * `realPaths` are absolute real paths hidden by {@link hidesRealPath}: segments below the
   * folder cannot name a file outside it, which a followed symlink still reaches. `realFolders`
   * are absolute real folders hidden by {@link hidesRealPath} with everything below them, except
   * what lies at or below a folder's `except` (the served folder, when it lies inside one).
   * `overlaps` are the other served folders (see {@link OverlappingRoot}).
   */
  constructor(
    patterns: readonly string[],
    rules: NameRules = nameRulesFor(),
    exact: readonly (readonly string[])[] = [],
    realPaths: readonly string[] = [],
    realFolders: readonly RealFolder[] = [],
    overlaps: readonly OverlappingRoot[] = [],
  ) {
    this.#rules = rules;
    this.#realPaths = new Set(realPaths.map((p) => fold(p, rules)));
    this.#realFolders = realFolders.map(({ path, except }) => ({
      path: fold(path, rules),
      except: except === undefined ? undefined : fold(except, rules),
    }));
    for (const path of exact) {
      if (path.length > 0) this.#exact.push(path.map((s) => fold(s, rules)));
    }
    for (const text of patterns) {
      const problem = hidePatternProblem(text);
      if (problem !== null) throw new Error(`Hide pattern ${JSON.stringify(text)}: ${problem}`);
      const dirOnly = text.endsWith("/");
      const body = text.replace(/\/+$/, "");
      const anchored = body.includes("/");
      const parts = body.replace(/^\/+/, "").split("/").map((p) =>
        p === GLOBSTAR ? p : fold(p.replaceAll(GLOBSTAR, "*"), rules)
      );
      // `**` then `/x` is `x` at any depth: matched per name, which is cheaper.
      if (anchored && parts.length === 2 && parts[0] === GLOBSTAR && parts[1] !== GLOBSTAR) {
        this.#names.push({ parts: [parts[1]], anchored: false, dirOnly });
      } else if (anchored) this.#anchored.push({ parts, anchored, dirOnly });
      else this.#names.push({ parts, anchored, dirOnly });
    }
    if (this.#anchored.length > 0) this.#groups.push({ below: [], patterns: this.#anchored });
    if (patterns.length > 0) {
      for (const overlap of overlaps) this.#addOverlap(overlap, patterns);
    }
  }

  /**
   * Adds what `overlap`'s patterns hide here. Name patterns are the same in both folders and
   * already hold at every depth; only anchored ones differ, so paths below this folder pay for
   * them alone, and a path outside the other folder nothing but a compared first segment.
   */
  #addOverlap(overlap: OverlappingRoot, patterns: readonly string[]): void {
    const other = fold(overlap.realPath, this.#rules);
    const own = fold(overlap.ownRealPath, this.#rules);
    if (other === own) return;
    // A followed link may reach the other folder from outside this one: judged by real path.
    this.#realOverlaps.push({ path: other, own, patterns: new HiddenPaths(patterns, this.#rules) });
    if (this.#anchored.length === 0) return;
    const inside = segmentsBelow(other, own, this.#rules);
    // The other folder inside this one: its paths are ours below its segments.
    if (inside !== null) this.#groups.push({ below: inside, patterns: this.#anchored });
    const around = segmentsBelow(own, other, this.#rules);
    if (around === null) return;
    // This folder inside the other. refuse: what the other hides below our top is hidden
    // here too. But when it hides our top itself, this folder was chosen to be served as its
    // own root (`--directory . --www build --hide build`): hiding all of it would serve
    // nothing, so only our own patterns hold — as a share inside the state folder stays served.
    if (this.#patternsHide(around, true, 1)) return; // group 0: our own anchored patterns
    const rebased = this.#anchored.flatMap((p) =>
      restsAfter(p.parts, around).map((parts) => ({ parts, anchored: true, dirOnly: p.dirOnly }))
    );
    if (rebased.length > 0) this.#groups.push({ below: [], patterns: rebased });
  }

  /** Whether there is no pattern (every check is then a constant false). */
  get empty(): boolean {
    return this.emptyBelow && this.#realPaths.size === 0 && this.#realFolders.length === 0 &&
      this.#realOverlaps.length === 0;
  }

  /**
   * Whether nothing below the folder is hidden by its path (no pattern, no exact path): what the
   * checks of paths below the folder (`hides`) may skip on. Real paths (`hidesRealPath`) are
   * left out: a settings file outside the share, the common case of a `.env` beside it, is only
   * reached through a followed link, which the read side's `FileCache.allowed` judges; writes,
   * folder walks and WebDAV's lookups need not pay the per-path checks for it.
   */
  get emptyBelow(): boolean {
    return this.#names.length === 0 && this.#groups.length === 0 && this.#exact.length === 0;
  }

  /**
   * Whether `real` (an absolute real path, symlinks resolved) is one of the hidden real paths or
   * lies in a hidden real folder, or lies outside this folder in another served folder that
   * hides it: one Set lookup and a prefix test per folder, string work only.
   */
  hidesRealPath(real: string): boolean {
    if (
      this.#realPaths.size === 0 && this.#realFolders.length === 0 &&
      this.#realOverlaps.length === 0
    ) return false;
    const folded = this.#rules === "exact" ? real : fold(real, this.#rules);
    if (this.#realPaths.has(folded)) return true;
    for (const { path, except } of this.#realFolders) {
      if (isAtOrBelow(folded, path) && (except === undefined || !isAtOrBelow(folded, except))) {
        return true;
      }
    }
    for (const { path, own, patterns } of this.#realOverlaps) {
      // Below this folder the caller asks `hides` with the segments, knowing what is a folder.
      if (!isAtOrBelow(folded, path) || isAtOrBelow(folded, own)) continue;
      const below = segmentsBelow(folded, path, this.#rules);
      // Whether it is a folder is not known here: folder-only patterns hold too (the safe side).
      if (below !== null && patterns.hides(below, null)) return true;
    }
    return false;
  }

  /**
   * Whether the path with these decoded `segments` below the served folder is hidden: it, or a
   * folder above it, matches a pattern. `isDir` says whether the last segment is a folder; null
   * when unknown, and then folder-only patterns apply to it too (the safe side). Every segment
   * before the last is a folder.
   */
  hides(segments: readonly string[], isDir: boolean | null): boolean {
    if (this.emptyBelow || segments.length === 0) return false;
    const folded = this.#rules === "exact" ? segments : segments.map((s) => fold(s, this.#rules));
    for (const path of this.#exact) {
      if (path.length <= folded.length && path.every((s, i) => s === folded[i])) return true;
    }
    return this.#patternsHide(folded, isDir, this.#groups.length);
  }

  /**
   * Whether a name pattern (one without a "/" but a final one: `*.key`, `private/`) hides a file
   * or folder called `name` wherever it lies — what can be judged of a real path outside the
   * folder (a followed link's target), where an anchored pattern (`/drafts`, `docs/private`) has
   * no top to match from. `isDir` as for {@link hides}.
   */
  hidesName(name: string, isDir: boolean | null): boolean {
    if (this.#names.length === 0) return false;
    const folded = this.#rules === "exact" ? name : fold(name, this.#rules);
    for (const p of this.#names) {
      if ((isDir !== false || !p.dirOnly) && globMatch(p.parts[0], folded)) return true;
    }
    return false;
  }

  /**
   * Whether the patterns hide the `folded` segments: the name patterns, and the first `groups`
   * of the anchored groups (each only on the segments below its own top).
   */
  #patternsHide(folded: readonly string[], isDir: boolean | null, groups: number): boolean {
    const last = folded.length - 1;
    for (let i = 0; i <= last; i++) {
      const dir = i < last || isDir !== false;
      for (const p of this.#names) {
        if ((dir || !p.dirOnly) && globMatch(p.parts[0], folded[i])) return true;
      }
    }
    for (let g = 0; g < groups; g++) {
      const { below, patterns } = this.#groups[g];
      const from = below.length;
      if (from > last || !startsWithSegments(folded, below)) continue;
      for (let i = from; i <= last; i++) {
        const dir = i < last || isDir !== false;
        for (const p of patterns) {
          if ((dir || !p.dirOnly) && pathMatch(p.parts, folded, from, i + 1)) return true;
        }
      }
    }
    return false;
  }
}

/** A real folder hidden with everything below it, but for what lies at or below `except`. */
export interface RealFolder {
  path: string;
  except?: string;
}
