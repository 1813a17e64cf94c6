/**
 * A request body parsed as JSON the way go-httpbin's decoder (Go's `encoding/json`) accepts it:
 * a syntax error, nesting past {@link MAX_JSON_DEPTH} or a number too large for a float64
 * (`1e999`, which `JSON.parse` quietly turns into Infinity, then `null` on the way out) is a
 * failure, each with its own reason.
 *
 * This module must not know about requests.
 * @module
 */

/** Deepest nesting accepted: Go's `encoding/json` refuses past 10,000 ("exceeded max depth"). */
export const MAX_JSON_DEPTH = 10_000;

/** The parsed value, or why the text is not JSON go-httpbin would read. */
export type JsonBody = { value: unknown } | { failure: "syntax" | "too-deep" | "number-range" };

/** Parses `text` and checks it (see the module doc). Never throws. */
export function parseJsonBody(text: string): JsonBody {
  let value: unknown;
  try {
    // V8's JSON.parse does not recurse, so any depth the body size allows parses.
    value = JSON.parse(text);
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
