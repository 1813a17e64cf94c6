/**
 * The matching under `--hide` (`hidden_paths.ts`): names folded as the file system compares them,
 * a segment glob against a name, a path of segment globs (`**` for any number of folders) against
 * segments, and the segment arithmetic of real paths. Kept apart from the pattern set so the set's
 * file reads as the rules, this one as the algorithms.
 *
 * Matching never backtracks more than once per wildcard: each pattern costs O(pattern × name),
 * so a hostile name cannot make a pattern with many `*` slow (a RegExp could be exponential).
 *
 * This module must not touch the disk or know HTTP.
 * @module
 */

/**
 * How the file system under the server compares names, which decides how patterns compare:
 * - `exact` (Linux and other POSIX systems): names are bytes; `Secret.key` and `secret.key` are
 *   two files, so a pattern matches the exact spelling only.
 * - `darwin` (macOS: APFS and HFS+ are case- and normalization-insensitive by default): names
 *   are compared in Unicode NFC and without case, so `PRIVATE/` and a decomposed `é` match.
 * - `win32` (Windows: NTFS is case-insensitive, and the Win32 layer strips trailing dots and
 *   spaces, so `secret.key.` opens `secret.key`): compared without case and with trailing dots
 *   and spaces removed.
 * Case is folded by upper- then lower-casing: that merges a few more names than the file systems'
 * own tables (`ß` and `ss`), which only ever hides more, never less.
 */
export type NameRules = "exact" | "darwin" | "win32";

/** The rules for the platform the server runs on. */
export function nameRulesFor(os: string = Deno.build.os): NameRules {
  if (os === "darwin") return "darwin";
  if (os === "windows") return "win32";
  return "exact";
}

const STAR = 0x2a; // *
const QUESTION = 0x3f; // ?
export const GLOBSTAR = "**";
const WINDOWS_TRAILING = /[. ]+$/;

/** Whether the absolute path `path` is `folder` or lies below it ("/a/bc" is not below "/a/b"). */
export function isAtOrBelow(path: string, folder: string): boolean {
  if (!path.startsWith(folder)) return false;
  if (path.length === folder.length) return true;
  const next = path[folder.length];
  return next === "/" || next === "\\" || folder.endsWith("/") || folder.endsWith("\\");
}

/** A name as the file system under `rules` compares it. */
export function fold(name: string, rules: NameRules): string {
  if (rules === "exact") return name;
  const n = rules === "win32" ? name.replace(WINDOWS_TRAILING, "") : name.normalize("NFC");
  return n.toUpperCase().toLowerCase();
}

/**
 * Whether `glob` (`*`, `?`, literal characters) matches all of `name`. The greedy algorithm
 * with one remembered star: on a mismatch the last `*` absorbs one more character, so the cost
 * is bounded by glob length × name length whatever the input.
 */
export function globMatch(glob: string, name: string): boolean {
  let g = 0, n = 0, starG = -1, starN = 0;
  while (n < name.length) {
    const c = g < glob.length ? glob.charCodeAt(g) : -1;
    if (c === STAR) {
      starG = g++;
      starN = n;
    } else if (c === QUESTION) {
      g++;
      n += charLength(name, n);
    } else if (c !== -1 && c === name.charCodeAt(n)) {
      g++;
      n++;
    } else if (starG !== -1) {
      g = starG + 1;
      starN += charLength(name, starN);
      n = starN;
    } else return false;
  }
  while (g < glob.length && glob.charCodeAt(g) === STAR) g++;
  return g === glob.length;
}

/**
 * Whether `parts` (segment globs and `**`) matches the segments from `from` up to `count`
 * exactly — the same greedy algorithm one level up, with `**` as the star and a segment glob as a
 * character.
 */
export function pathMatch(
  parts: readonly string[],
  segments: readonly string[],
  from: number,
  count: number,
): boolean {
  let p = 0, s = from, starP = -1, starS = from;
  while (s < count) {
    const part = p < parts.length ? parts[p] : null;
    if (part === GLOBSTAR) {
      starP = p++;
      starS = s;
    } else if (part !== null && globMatch(part, segments[s])) {
      p++;
      s++;
    } else if (starP !== -1) {
      p = starP + 1;
      s = ++starS;
    } else return false;
  }
  while (p < parts.length && parts[p] === GLOBSTAR) p++;
  return p === parts.length;
}

/**
 * What is left of an anchored pattern once `prefix` (folded segments) has been matched: every
 * tail of `parts` a match may go on with — more than one when a `**` may end at several places
 * (`**` then `/a/x` after `a`: `x`, and `**` then `/a/x` still). Computed once at start, so a
 * folder inside another matches the other's patterns as patterns of its own.
 */
export function restsAfter(parts: readonly string[], prefix: readonly string[]): string[][] {
  // `**` may match no folder: where one stands, the part after it may start too.
  const withEmpty = (at: Set<number>) => {
    for (let p = 0; p < parts.length; p++) if (at.has(p) && parts[p] === GLOBSTAR) at.add(p + 1);
    return at;
  };
  let at = withEmpty(new Set([0]));
  for (const segment of prefix) {
    const next = new Set<number>();
    for (const p of at) {
      if (p >= parts.length) continue;
      if (parts[p] === GLOBSTAR) next.add(p);
      else if (globMatch(parts[p], segment)) next.add(p + 1);
    }
    at = withEmpty(next);
  }
  // A tail right after a `**` that is itself a tail adds nothing to it.
  return [...at].filter((p) => p < parts.length && !(at.has(p - 1) && parts[p - 1] === GLOBSTAR))
    .map((p) => parts.slice(p));
}

/** Whether `segments` begin with every segment of `prefix`. */
export function startsWithSegments(
  segments: readonly string[],
  prefix: readonly string[],
): boolean {
  for (let i = 0; i < prefix.length; i++) if (segments[i] !== prefix[i]) return false;
  return true;
}

/**
 * The segments of the absolute `path` below `folder` (both folded), or null when it is not
 * strictly below it. Separators are the file system's: `\` too on Windows.
 */
export function segmentsBelow(path: string, folder: string, rules: NameRules): string[] | null {
  if (path === folder || !isAtOrBelow(path, folder)) return null;
  const rest = path.slice(folder.length);
  return rest.split(rules === "win32" ? /[\\/]/ : "/").filter((s) => s !== "");
}

/** UTF-16 units of the character at `i`: `?` matches one character, not half an emoji. */
function charLength(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
}
