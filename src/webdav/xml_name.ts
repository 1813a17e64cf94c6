/**
 * The names an element or attribute of a request body may have once its prefix is resolved: an
 * NCName (Namespaces in XML 1.0, third edition, §3), made of the name characters of XML 1.0,
 * fifth edition (§2.3) — the character ranges `saxes` checks, not Unicode categories. Those
 * ranges take whole blocks of every script, combining marks included, even first: a Thai `ชื่อ`
 * or a Devanagari `किताब` is a name, and so is one beginning with a vowel sign.
 *
 * Decisions:
 * - One test for both ends of a dead property: the request body's names (`xml_tree.ts`) and the
 *   stored record's (`dead_props.ts`). A name the parser takes but the record refused was stored,
 *   then answered 404 and lost on the next write.
 * - After a prefix, `saxes` takes any name characters (`p:1a`, `p:-a`), which is not
 *   namespace-well-formed (the local part is an NCName) and could not be written back without a
 *   prefix: such a body is refused as malformed.
 *
 * This module must not know about HTTP or files.
 * @module
 */

/** XML 1.0 (fifth edition) `NameStartChar`, without ":" (an NCName holds none). */
const START = "A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF" +
  "\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD" +
  "\\u{10000}-\\u{EFFFF}";
/** XML 1.0 (fifth edition) `NameChar`, without ":". */
const CHAR = `${START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040`;
const NC_NAME = new RegExp(`^[${START}][${CHAR}]*$`, "u");

/** Whether `name` is an NCName: a local name an element or attribute may have. */
export function isNcName(name: string): boolean {
  return NC_NAME.test(name);
}
