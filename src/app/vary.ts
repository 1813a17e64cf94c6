/**
 * `Vary` (RFC 9110 §12.5.5): the request fields an answer was chosen by. One field line holding
 * every name — a response that gains a reason to vary (content coding after a listing chose by
 * Accept) adds the name to the line it has instead of sending a second `Vary` line.
 *
 * This module must not know about routes or sockets.
 * @module
 */

/**
 * Adds `name` to the first `Vary` field of `headers` (in place; the field's own pair is replaced,
 * never mutated, since handlers share constant pairs), or appends a `Vary` field. Nothing changes
 * when the name, or `*`, is listed already.
 */
export function addVary(headers: Array<[string, string]>, name: string): void {
  const lower = name.toLowerCase();
  for (let i = 0; i < headers.length; i++) {
    const [field, value] = headers[i];
    if (field.length !== 4 || field.toLowerCase() !== "vary") continue;
    const names = value.split(",").map((n) => n.trim().toLowerCase());
    if (names.includes(lower) || names.includes("*")) return;
    headers[i] = [field, value.trim() === "" ? name : `${value}, ${name}`];
    return;
  }
  headers.push(["Vary", name]);
}
