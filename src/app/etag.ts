/**
 * Entity tags (RFC 9110 §8.8.3): making a strong tag for a file from its metadata, parsing the
 * `#entity-tag` lists of If-Match / If-None-Match, and the strong and weak comparisons of
 * §8.8.3.2.
 *
 * This module must not touch the disk: callers hand it the stat facts.
 * @module
 */

import { trimOws } from "../http/ows.ts";

/** Radix of the numbers inside a tag: short, and only characters allowed in etagc. */
const TAG_RADIX = 36;
const DQUOTE = 0x22;

/** A parsed entity-tag. */
export interface EntityTag {
  /** Whether it carried the `W/` prefix. */
  weak: boolean;
  /** The opaque-tag without its quotes. */
  opaque: string;
}

/**
 * A strong ETag for a file: size, modification time in milliseconds, where the platform has one
 * the inode (so a file replaced by another of the same size and time still changes tag), and the
 * inode change time (so a file rewritten in place with its mtime set back — `rsync --inplace -t`,
 * `touch -r` — changes tag too: RFC 9110 §8.8.1, a strong validator changes with the content).
 * `suffix` distinguishes representations of the same file (`"br"` for its Brotli form): a strong
 * tag promises byte-identical content, so each encoding needs its own.
 *
 * A rename or a new link moves the change time, so a tag is only what GET will send when it is
 * made from a stat taken after the file got its name.
 */
export function fileEtag(
  size: number,
  mtimeMs: number,
  ctimeMs: number,
  ino: number | null,
  suffix = "",
): string {
  let tag = `"${size.toString(TAG_RADIX)}-${Math.trunc(mtimeMs).toString(TAG_RADIX)}`;
  if (ino !== null) tag += `-${ino.toString(TAG_RADIX)}`;
  tag += `-${Math.trunc(ctimeMs).toString(TAG_RADIX)}`;
  if (suffix !== "") tag += `-${suffix}`;
  return `${tag}"`;
}

/** `tag` (a strong ETag with its quotes) with `-suffix` added inside the quotes. */
export function withSuffix(tag: string, suffix: string): string {
  return suffix === "" ? tag : `${tag.slice(0, -1)}-${suffix}"`;
}

/**
 * Parses a field value that is `*` or a list of entity-tags. Returns "*" for the wildcard, the
 * tags for a list, or null when the value is malformed (callers decide what malformed means).
 */
export function parseEntityTags(value: string): "*" | EntityTag[] | null {
  // OWS only (RFC 9110 §5.6.3): `"x"\xA0` is malformed, not the tag "x".
  const s = trimOws(value);
  if (s === "*") return "*";
  const tags: EntityTag[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x2c) { // OWS and empty list elements (RFC 9110 §5.6.1)
      i++;
      continue;
    }
    let weak = false;
    if (s.startsWith("W/", i)) {
      weak = true;
      i += 2;
    }
    if (s.charCodeAt(i) !== DQUOTE) return null;
    const end = s.indexOf('"', i + 1);
    if (end === -1) return null;
    const opaque = s.slice(i + 1, end);
    if (!validOpaque(opaque)) return null;
    tags.push({ weak, opaque });
    i = end + 1;
    // after a tag only OWS then a comma or the end may follow
    while (i < s.length && (s[i] === " " || s[i] === "\t")) i++;
    if (i < s.length && s[i] !== ",") return null;
  }
  return tags.length === 0 ? null : tags;
}

/** Parses one entity-tag (as sent in If-Range), or null. */
export function parseEntityTag(value: string): EntityTag | null {
  const tags = parseEntityTags(value);
  return Array.isArray(tags) && tags.length === 1 ? tags[0] : null;
}

/** Strong comparison (RFC 9110 §8.8.3.2): both strong and the opaque parts equal. */
export function strongMatch(a: EntityTag, b: EntityTag): boolean {
  return !a.weak && !b.weak && a.opaque === b.opaque;
}

/** Weak comparison (RFC 9110 §8.8.3.2): the opaque parts equal, weakness ignored. */
export function weakMatch(a: EntityTag, b: EntityTag): boolean {
  return a.opaque === b.opaque;
}

/** etagc = %x21 / %x23-7E / obs-text (RFC 9110 §8.8.3) */
function validOpaque(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c === DQUOTE || c === 0x7f || c > 0xff) return false;
  }
  return true;
}
