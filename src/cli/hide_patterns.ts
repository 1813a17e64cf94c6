/**
 * `--hide` → the list of private-path patterns: every flag's value and the variable's, split on
 * commas (dufs' form), each trimmed and checked, so a typo is refused at start instead of hiding
 * nothing.
 *
 * This module reads and checks the list; it must not match paths (that is
 * `src/app/hidden_paths.ts`, whose rules it asks).
 * @module
 */

import { hidePatternProblem, MAX_HIDE_PATTERNS } from "../app/hidden_paths.ts";
import { LIST_SEPARATOR } from "./args.ts";
import { BadValue, type OptionReader } from "./option_reader.ts";
import { quoted } from "./shown_path.ts";

/** The `--hide` patterns, in the order given; [] when unset. */
export function hidePatterns(r: OptionReader): string[] {
  const text = r.string("hide");
  if (text === undefined) return [];
  // An empty pattern is refused, not skipped: `--hide ''` (an unset shell variable) hides
  // nothing, and starting as if it did would be the silent mistake the check is there for.
  const patterns = text.split(LIST_SEPARATOR).map((p) => p.trim());
  if (patterns.length > MAX_HIDE_PATTERNS) {
    throw new BadValue(
      `${r.source("hide")}: expected at most ${MAX_HIDE_PATTERNS} patterns, got ${patterns.length}`,
    );
  }
  for (const pattern of patterns) {
    const problem = hidePatternProblem(pattern);
    if (problem !== null) {
      throw new BadValue(`${r.source("hide")}: cannot use ${quoted(pattern)}: ${problem}`);
    }
  }
  return patterns;
}
