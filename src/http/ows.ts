/**
 * Optional whitespace (RFC 9110 §5.6.3): the SP and HTAB a field value may carry around its
 * content and around list separators.
 * @module
 */

/**
 * `s` without leading and trailing SP/HTAB. Not `String.trim`: that also strips NBSP (0xA0, a
 * raw byte of a latin1 field value) and more — "chunked\xA0" must not become "chunked", nor a
 * raw `à` at the end of a path lose its last byte.
 */
export function trimOws(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && (s[start] === " " || s[start] === "\t")) start++;
  while (end > start && (s[end - 1] === " " || s[end - 1] === "\t")) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}
