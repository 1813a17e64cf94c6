/**
 * One `DAV:response` of a 207 (RFC 4918 §14.24): the resource's `href` and a `propstat` per
 * status, each property written with its own namespace (`xml_writer.ts`).
 *
 * This module must not touch the disk or know about HTTP requests.
 * @module
 */

import { STATUS } from "../http/status.ts";
import { statusLine } from "../app/multistatus.ts";
import { escapeXml, escapeXmlAttribute, propertyTag } from "./xml_writer.ts";

/** A property's expanded name. */
export interface PropName {
  ns: string;
  local: string;
  /** The `xml:lang` the property element carries (a dead property's, §4.3), if any. */
  lang?: string;
}

/**
 * A key naming one property by its expanded name, for maps and sets: a namespace holds no NUL
 * (XML 1.0 §2.2), so no two names share a key.
 */
export function propKey(ns: string, local: string): string {
  return `${ns}\u0000${local}`;
}

/** A property element holding `value` (markup), or empty when `value` is "". */
export function propElement(name: PropName, value: string): string {
  const tag = propertyTag(name.ns, name.local);
  const open = name.lang === undefined
    ? tag.open
    : `${tag.open} xml:lang="${escapeXmlAttribute(name.lang)}"`;
  return value === "" ? `${open}/>` : `${open}>${value}${tag.close}`;
}

/** A `DAV:response` with the found properties (200) and the missing ones (404). */
export function renderResponse(
  href: string,
  found: ReadonlyArray<readonly [PropName, string]>,
  missing: readonly PropName[],
): string {
  const groups: Array<[number, string]> = [];
  if (found.length > 0) {
    groups.push([STATUS.OK, found.map(([n, v]) => propElement(n, v)).join("")]);
  }
  if (missing.length > 0) {
    groups.push([STATUS.NotFound, missing.map((n) => propElement(n, "")).join("")]);
  }
  return renderPropstats(href, groups);
}

/**
 * A `DAV:response` with one `propstat` per [status, property elements, precondition?]; a
 * precondition's element (e.g. `cannot-modify-protected-property`) goes in the propstat's
 * `DAV:error` (§14.22).
 */
export function renderPropstats(
  href: string,
  groups: ReadonlyArray<readonly [number, string, string?]>,
) {
  let out = `<D:response><D:href>${escapeXml(href)}</D:href>`;
  for (const [status, props, condition] of groups) {
    const error = condition === undefined ? "" : `<D:error><D:${condition}/></D:error>`;
    out += `<D:propstat><D:prop>${props}</D:prop><D:status>${statusLine(status)}</D:status>` +
      `${error}</D:propstat>`;
  }
  // A response needs a propstat (§14.24): a resource with none gets an empty 200.
  if (groups.length === 0) {
    out += `<D:propstat><D:prop/><D:status>${statusLine(STATUS.OK)}</D:status></D:propstat>`;
  }
  return `${out}</D:response>\n`;
}
