/**
 * A request body parsed as JSON the way go-httpbin's decoder (Go's `encoding/json`) accepts it:
 * a syntax error, nesting past {@link MAX_JSON_DEPTH} or a number too large for a float64
 * (`1e999`, which `JSON.parse` quietly turns into Infinity, then `null` on the way out) is a
 * failure, each with its own reason. A lone surrogate escape (`"\ud800x"`) becomes U+FFFD, as Go's
 * decoder makes it, so the value echoed back is well-formed JSON (RFC 8259 §8.2).
 *
 * This module must not know about requests.
 * @module
 */

/** Deepest nesting accepted: Go's `encoding/json` refuses past 10,000 ("exceeded max depth"). */
export const MAX_JSON_DEPTH = 10_000;

/** A `\u` escape of a surrogate (U+D800–U+DFFF): the only way JSON text can carry a lone one. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
/**
 * Every escape, from the left: a surrogate pair, a lone surrogate, or any other (`\\` taken as
 * one, so the `ud800` of `"\\ud800"` is text, not an escape).
 */
const ESCAPE =
  /\\(?:u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[dD][89a-fA-F][0-9a-fA-F]{2}|[^])/g;
/** Length of `\uXXXX`: a match this long is a lone surrogate (a pair is two of them). */
const LONE_SURROGATE_ESCAPE_LENGTH = 6;
const REPLACEMENT_ESCAPE = "\\ufffd";

/**
 * `text` with each lone surrogate escape replaced by `\ufffd` (Go's decoder reads one as U+FFFD;
 * JSON.parse would keep it, and a strict parser refuses the answer that carries it).
 */
function withoutLoneSurrogates(text: string): string {
  if (!SURROGATE_ESCAPE.test(text)) return text;
  return text.replace(
    ESCAPE,
    (escape) => escape.length === LONE_SURROGATE_ESCAPE_LENGTH ? REPLACEMENT_ESCAPE : escape,
  );
}

/** The parsed value, or why the text is not JSON go-httpbin would read. */
export type JsonBody = { value: unknown } | { failure: "syntax" | "too-deep" | "number-range" };

/** Parses `text` and checks it (see the module doc). Never throws. */
export function parseJsonBody(text: string): JsonBody {
  let value: unknown;
  try {
    // V8's JSON.parse does not recurse, so any depth the body size allows parses.
    value = JSON.parse(withoutLoneSurrogates(text));
  } catch {
    return { failure: "syntax" };
  }
  // An explicit stack, not recursion: the value may be nested deeper than the call stack.
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [v, depth] = pending.pop()!;
    if (typeof v === "number" && !Number.isFinite(v)) return { failure: "number-range" };
    if (v === null || typeof v !== "object") continue;
    if (depth + 1 > MAX_JSON_DEPTH) return { failure: "too-deep" };
    for (const child of Object.values(v)) pending.push([child, depth + 1]);
  }
  return { value };
}
