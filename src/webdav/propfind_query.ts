/**
 * What a `PROPFIND` asks for (RFC 4918 §9.1, §14.20) and one resource's `DAV:response` to it:
 * which properties land in the 200 propstat, which in the 404 one.
 *
 * Decisions:
 * - `allprop` lists the live properties (`live_props.ts`) and the dead ones; `propname` their
 *   names without values; `prop` the named ones, with the unknown ones in a 404 propstat.
 * - Windows' `Win32LastModifiedTime` is answered from the mtime when named (`win32_times.ts`),
 *   never from a stored copy.
 * - `allprop` with `DAV:include` also answers the included names that `allprop` leaves out
 *   (§9.1) — `Win32LastModifiedTime`, or a live property with no value here — as `prop` would:
 *   known ones in the 200 propstat, unknown ones in a 404 propstat. A name answers once, however
 *   often it is named.
 * - A dead property comes back with the `xml:lang` it was set with (§4.3), except in `propname`.
 * - A stored `DAV:displayname` (PROPPATCH may set it: §15.2) stands in for the computed one, in
 *   its place: `allprop` and `propname` list the name once.
 * - A name listed twice is asked once, and one PROPFIND may name at most
 *   {@link MAX_PROPFIND_NAMES} distinct properties (the caller answers 400 past it): each one
 *   named is answered for every member of a `Depth: 1` answer, so a 0.5 MB body naming 19,000
 *   unknown ones made a 96 MB answer over 225 files. Clients ask for fewer than 20.
 *
 * This module must not touch the disk or know about HTTP requests: the caller reads the resource
 * (its stat, locks and dead properties) and writes the document.
 * @module
 */

import type { DeadProp } from "./dead_props.ts";
import {
  type Described,
  isLiveProp,
  isSettableLiveProp,
  LIVE_PROPS,
  liveValue,
} from "./live_props.ts";
import { propKey, type PropName, renderResponse } from "./prop_render.ts";
import { isWin32Mtime, win32TimeValue } from "./win32_times.ts";
import { childElements, DAV_NS, findChild, type XmlElement } from "./xml_tree.ts";

/** What the client asked for. */
export type PropfindQuery =
  | { kind: "allprop"; include: PropName[] }
  | { kind: "propname" }
  | { kind: "prop"; names: PropName[] };

/** Most distinct property names one PROPFIND may list (in `prop` or `include`). */
export const MAX_PROPFIND_NAMES = 1000;

/** The query of a PROPFIND without a body (§9.1: an empty body is `allprop`). */
export const ALLPROP: PropfindQuery = { kind: "allprop", include: [] };

/** The PROPFIND body's request, or null when it is not one. */
export function parsePropfindQuery(root: XmlElement): PropfindQuery | null {
  if (root.ns !== DAV_NS || root.local !== "propfind") return null;
  if (findChild(root, DAV_NS, "allprop") !== null) {
    const include = findChild(root, DAV_NS, "include");
    return { kind: "allprop", include: include === null ? [] : namesIn(include) };
  }
  if (findChild(root, DAV_NS, "propname") !== null) return { kind: "propname" };
  const prop = findChild(root, DAV_NS, "prop");
  if (prop === null) return null;
  return { kind: "prop", names: namesIn(prop) };
}

/** How many property names `query` lists (distinct: `parsePropfindQuery` drops repeats). */
export function namedCount(query: PropfindQuery): number {
  return query.kind === "prop"
    ? query.names.length
    : query.kind === "allprop"
    ? query.include.length
    : 0;
}

/** Whether answering `query` needs the resources' dead properties (read from disk). */
export function needsDeadProps(query: PropfindQuery): boolean {
  return query.kind !== "prop" ||
    query.names.some((n) => !isLive(n) || isSettableLiveProp(n.local));
}

/** Whether answering `query` needs the locks covering the resources (for `lockdiscovery`). */
export function needsLocks(query: PropfindQuery): boolean {
  return query.kind !== "prop" || query.names.some((n) => isLive(n));
}

/** The distinct property names listed as the children of `el` (`DAV:prop`, `DAV:include`). */
function namesIn(el: XmlElement): PropName[] {
  const seen = new Set<string>();
  const names: PropName[] = [];
  for (const e of childElements(el)) {
    const key = propKey(e.ns, e.local);
    if (seen.has(key)) continue;
    seen.add(key);
    names.push({ ns: e.ns, local: e.local });
  }
  return names;
}

function isLive(n: PropName): boolean {
  return n.ns === DAV_NS && isLiveProp(n.local);
}

/**
 * One `DAV:response` for the resource `d` with dead properties `dead`, at `href`. Linear in the
 * names asked and the properties stored: names are looked up in a map of the dead properties and
 * a set of those answered, built once per resource — a scan per name made a `Depth: 1` naming
 * 1,000 absent properties over 40 files of 20,000 dead properties each block the worker 5 s.
 */
export function describeOne(
  d: Described,
  dead: readonly DeadProp[],
  query: PropfindQuery,
  href: string,
): string {
  const found: Array<[PropName, string]> = [];
  const missing: PropName[] = [];
  if (query.kind === "prop") {
    const stored = deadByName(dead);
    for (const name of query.names) lookUp(name, d, stored, found, missing);
    return renderResponse(href, found, missing);
  }
  const names = query.kind === "propname";
  const withLang = (p: DeadProp): PropName =>
    p.lang === undefined || names
      ? { ns: p.ns, local: p.name }
      : { ns: p.ns, local: p.name, lang: p.lang };
  for (const local of LIVE_PROPS) {
    const stored = isSettableLiveProp(local) ? storedLive(dead, local) : undefined;
    if (stored !== undefined) {
      found.push([withLang(stored), names ? "" : stored.xml]);
      continue;
    }
    const value = liveValue(local, d);
    if (value !== null) found.push([{ ns: DAV_NS, local }, names ? "" : value]);
  }
  for (const p of dead) {
    if (p.ns === DAV_NS && isSettableLiveProp(p.name)) continue; // listed in its live place
    found.push([withLang(p), names ? "" : p.xml]);
  }
  if (query.kind === "allprop" && query.include.length > 0) {
    // Only what allprop left out: a name answers once, however often it is named.
    const answered = new Set<string>();
    for (const [n] of found) answered.add(propKey(n.ns, n.local));
    const stored = deadByName(dead);
    for (const name of query.include) {
      const key = propKey(name.ns, name.local);
      if (answered.has(key)) continue;
      answered.add(key);
      lookUp(name, d, stored, found, missing);
    }
  }
  return renderResponse(href, found, missing);
}

/** The stored value of the settable live property `DAV:<local>`, if one is stored (the first). */
function storedLive(dead: readonly DeadProp[], local: string): DeadProp | undefined {
  return dead.find((p) => p.ns === DAV_NS && p.name === local);
}

/** The dead properties by expanded name (`propKey`); the first of a name wins. */
function deadByName(dead: readonly DeadProp[]): Map<string, DeadProp> {
  const byName = new Map<string, DeadProp>();
  for (const p of dead) {
    const key = propKey(p.ns, p.name);
    if (!byName.has(key)) byName.set(key, p);
  }
  return byName;
}

/** Adds the property `name` of `d` to `found` with its value, or to `missing`. */
function lookUp(
  name: PropName,
  d: Described,
  dead: ReadonlyMap<string, DeadProp>,
  found: Array<[PropName, string]>,
  missing: PropName[],
): void {
  const live = name.ns === DAV_NS && isLiveProp(name.local);
  const settable = live && isSettableLiveProp(name.local);
  const stored = (live && !settable) || isWin32Mtime(name)
    ? undefined
    : dead.get(propKey(name.ns, name.local));
  const value = stored !== undefined
    ? stored.xml
    : live
    ? liveValue(name.local, d)
    : isWin32Mtime(name)
    ? win32TimeValue(d.info)
    : null;
  if (value === null) missing.push(name);
  // A dead property comes back with the xml:lang it was set with (RFC 4918 §4.3).
  else found.push([stored?.lang === undefined ? name : { ...name, lang: stored.lang }, value]);
}
