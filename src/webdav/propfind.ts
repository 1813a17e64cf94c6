/**
 * `PROPFIND` (RFC 4918 §9.1): the properties of a resource (`Depth: 0`) or of a folder and its
 * members (`Depth: 1`), as a 207 Multi-Status.
 *
 * Decisions:
 * - `Depth: infinity` on a folder, and a missing `Depth` (which means infinity, §9.1) → 403 with the
 *   `propfind-finite-depth` precondition (§16): a whole-tree listing of a large share is an
 *   unbounded amount of work for one request. A bad value → 400.
 * - An empty body is `allprop` (§9.1). `allprop` lists the dead properties and the live ones
 *   (`live_props.ts`); `propname` their names; `prop` the named ones, with the unknown ones in a
 *   404 propstat. Windows' `Win32LastModifiedTime` is answered from the mtime when named
 *   (`win32_times.ts`). `allprop` with `DAV:include` also answers the included names that
 *   `allprop` leaves out (§9.1) — `Win32LastModifiedTime`, or a live property with no value here
 *   — as `prop` would: known ones in the 200 propstat, unknown ones in a 404 propstat.
 * - The answer streams: the folder's names are read at once, then described and written out in
 *   batches of {@link PROPFIND_BATCH}, so a `Depth: 1` of 10,000 files holds the names and one
 *   batch of answers in memory, never the whole document (4 MB for 10,000 files). Members are
 *   stat'ed synchronously (see `describeMember`): on a slow network file system that blocks the
 *   loop for the time of one batch's stats. Dead properties are read only when the request needs them, and
 *   only for members that have a record (one directory read finds which).
 * - Members are what the listing would show: no dotfiles without `--dotfiles`, none of the
 *   server's own names (temp files of uploads in progress, property records), nothing `--hide`
 *   covers, no symlinks the read side would not follow, no FIFOs or devices.
 * - A folder of STREAM_FROM_ENTRIES names or more holds them until its answer is sent, counted
 *   against the server-wide cap that large listings share (`holdingEntries`): 503 past it.
 * - Reads need credentials only under `--auth-all` (like GET).
 *
 * This module must not touch sockets.
 * @module
 */

import { sep as SEP } from "node:path";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { XML_CONTENT_TYPE } from "../app/multistatus.ts";
import { encodeSegment, holdingEntries, servableName, STREAM_FROM_ENTRIES } from "../files/mod.ts";
import { isReservedName } from "../app/reserved_names.ts";
import { conditionAnswer, type DavContext, plainAnswer } from "./dav_context.ts";
import { belowMount, hrefOf, resourcePath } from "./dav_path.ts";
import { type DeadProp, memberRecordName, readDeadProps, recordNames } from "./dead_props.ts";
import { type Described, isLiveProp, LIVE_PROPS, liveValue } from "./live_props.ts";
import { covers, type LockInfo } from "./lock_table.ts";
import { type PropName, renderResponse } from "./prop_render.ts";
import { readXmlBody } from "./request_xml.ts";
import { isWin32Mtime, win32TimeValue } from "./win32_times.ts";
import { validatorsOf } from "../uploads/mod.ts";
import { checkIf } from "./write_guard.ts";
import { findResource, type Hider, hiderBelow, type Resource, statVisible } from "./resource.ts";
import { childElements, DAV_NS, findChild, type XmlElement } from "./xml_tree.ts";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";

/** Members described (stat, properties) and written out at a time. */
export const PROPFIND_BATCH = 64;

/** What the client asked for. */
type PropfindQuery =
  | { kind: "allprop"; include: PropName[] }
  | { kind: "propname" }
  | { kind: "prop"; names: PropName[] };

const HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<D:multistatus xmlns:D="DAV:">\n';
const TAIL = "</D:multistatus>\n";
const encoder = new TextEncoder();

/** Answers a PROPFIND. */
export async function propfind(ctx: DavContext, req: HttpRequest): Promise<HttpResponse> {
  const denied = ctx.uploads.guard(req, "read");
  if (denied !== null) return denied;
  const depth = req.headers.list("depth")?.trim().toLowerCase() ?? "infinity";
  if (depth !== "0" && depth !== "1" && depth !== "infinity") {
    return plainAnswer(STATUS.BadRequest, "Depth must be 0, 1 or infinity");
  }
  const body = await readXmlBody(req);
  if (!body.ok) return body.response;
  const query = body.root === null ? ALLPROP : parseQuery(body.root);
  if (query === null) return plainAnswer(STATUS.BadRequest, "Not a DAV:propfind body");
  const found = await findResource(ctx, belowMount(req.path));
  if ("status" in found) return found;
  // §10.4.1: If is a precondition of any method; checked once the resource is known to exist.
  if (req.headers.has("if")) {
    const checked = await checkIf(ctx, req, found.segments, validatorsOf(found.info).etag);
    if (checked.refusal !== null) return checked.refusal;
  }
  // A file has no members: infinity is Depth 0 there (clients stat a file without a Depth).
  if (depth === "infinity" && found.isDir) {
    return conditionAnswer(STATUS.Forbidden, "propfind-finite-depth");
  }
  const [covering, within] = await Promise.all([
    ctx.locks.covering(resourcePath(found.segments)),
    depth === "1" && found.isDir ? ctx.locks.within(resourcePath(found.segments)) : [],
  ]);
  const needsDead = query.kind !== "prop" || query.names.some((n) => !isLive(n));
  const needsLocks = query.kind !== "prop" || query.names.some((n) => isLive(n));
  const self: Described = {
    segments: found.segments,
    isDir: found.isDir,
    info: found.info,
    locks: covering,
    nowMs: Date.now(),
  };
  const first = describeOne(
    self,
    needsDead ? await readDeadProps(found.fsPath, found.isDir) : [],
    query,
  );
  if (depth !== "1" || !found.isDir) return multistatus(single(first));
  const records = needsDead ? await recordNames(found.fsPath) : new Set<string>();
  // The folder is read before the 207 goes out: once the head is sent a failure can only cut the
  // document short, and out of descriptors must be a 503, not an empty folder. From here to the
  // cap below nothing is awaited: a request refused at the cap drops its entries at once, so
  // a thousand concurrent PROPFINDs of a large folder never hold a thousand copies of it (they
  // did, while each awaited its property records: an attack probe took one worker to 2.7 GB).
  const entries = readEntries(found.fsPath);
  const opts = {
    needsDead,
    locks: needsLocks ? [...covering, ...within] : [],
    entries,
    records,
  };
  const answer = () => multistatus(members(ctx, found, query, first, opts));
  // A large folder's names stay in memory until the client has read the answer: they count
  // against the server-wide cap that large listings share (503 past it).
  return entries.length < STREAM_FROM_ENTRIES
    ? answer()
    : holdingEntries(ctx.listed, entries.length, answer);
}

/** A 207 whose document is `stream`. */
function multistatus(stream: AsyncIterable<Uint8Array>): HttpResponse {
  return {
    status: STATUS.MultiStatus,
    headers: [["Content-Type", XML_CONTENT_TYPE]],
    body: { kind: "stream", stream },
  };
}

const ALLPROP: PropfindQuery = { kind: "allprop", include: [] };

/** The PROPFIND body's request, or null when it is not one. */
function parseQuery(root: XmlElement): PropfindQuery | null {
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

/** The property names listed as the children of `el` (`DAV:prop`, `DAV:include`). */
function namesIn(el: XmlElement): PropName[] {
  return childElements(el).map((e) => ({ ns: e.ns, local: e.local }));
}

function isLive(n: PropName): boolean {
  return n.ns === DAV_NS && isLiveProp(n.local);
}

async function* single(text: string): AsyncGenerator<Uint8Array> {
  yield encoder.encode(HEAD + text + TAIL);
}

/** The folder's own answer, then its members', batch by batch. */
async function* members(
  ctx: DavContext,
  folder: Resource,
  query: PropfindQuery,
  first: string,
  opts: {
    needsDead: boolean;
    locks: readonly LockInfo[];
    entries: readonly Deno.DirEntry[];
    records: Set<string>;
  },
): AsyncGenerator<Uint8Array> {
  yield encoder.encode(HEAD + first);
  const hidden = await hiderBelow(ctx, folder.segments, folder.fsPath);
  const { needsDead, locks, records } = opts;
  const member = { needsDead, locks, records, hidden, folderHref: hrefOf(folder.segments, true) };
  let batch: Deno.DirEntry[] = [];
  const flush = async (): Promise<Uint8Array> => {
    const texts = batch.map((e) => describeMember(ctx, folder, e, query, member));
    batch = [];
    // Most members answer synchronously; only symlinks and property records are awaited.
    const all = texts.some((t) => typeof t !== "string") ? await Promise.all(texts) : texts;
    return encoder.encode((all as string[]).join(""));
  };
  for (const e of opts.entries) {
    // hidden: the server's own names always, dotfiles unless --dotfiles (as in listings)
    if (isReservedName(e.name) || (!ctx.config.dotfiles && e.name.startsWith("."))) continue;
    // hidden: a name no URL can ask for (a newline, a backslash, bytes not UTF-8): its href
    // could only answer 400, and a syncing client fails on it (as in listings)
    if (!servableName(e.name)) continue;
    batch.push(e);
    if (batch.length === PROPFIND_BATCH) yield await flush();
  }
  if (batch.length > 0) yield await flush();
  yield encoder.encode(TAIL);
}

/**
 * The folder's entries, read in one call: the async iterator costs an op per entry (measured:
 * 7% of a 10,000-entry answer), and the names alone are small next to the answer they make.
 * None when the folder went away or became unreadable; throws when out of descriptors.
 */
function readEntries(fsPath: string): Deno.DirEntry[] {
  try {
    return [...Deno.readDirSync(fsPath)];
  } catch (err) {
    throwIfOutOfDescriptors(err);
    return [];
  }
}

/** Member options computed once per listing. */
interface MemberOptions {
  needsDead: boolean;
  locks: readonly LockInfo[];
  records: Set<string>;
  /** `--hide`: a private member is not listed (its name alone would tell what it hides). */
  hidden: Hider;
  folderHref: string;
}

const NO_LOCKS: readonly LockInfo[] = [];

function describeMember(
  ctx: DavContext,
  folder: Resource,
  e: Deno.DirEntry,
  query: PropfindQuery,
  opts: MemberOptions,
): string | Promise<string> {
  const fsPath = folder.fsPath + SEP + e.name; // a listed name holds no separator
  if (e.isSymlink) {
    // the same rules as the read side
    return statVisible(ctx, fsPath).then((info) => describeStat(folder, e, query, opts, info));
  }
  let info: Deno.FileInfo | null;
  try {
    // Synchronous on purpose: a stat of a freshly listed entry is a few microseconds, while an
    // async one costs a thread-pool hop each — 5× slower over a 10,000-entry folder (measured:
    // 17 ms against 80 ms). A batch blocks the loop for well under a millisecond.
    info = Deno.statSync(fsPath);
  } catch {
    info = null;
  }
  return describeStat(folder, e, query, opts, info);
}

function describeStat(
  folder: Resource,
  e: Deno.DirEntry,
  query: PropfindQuery,
  opts: MemberOptions,
  info: Deno.FileInfo | null,
): string | Promise<string> {
  if (info === null || (!info.isFile && !info.isDirectory)) return "";
  if (opts.hidden([e.name], info.isDirectory)) return "";
  const segments = [...folder.segments, e.name];
  let locks = NO_LOCKS;
  if (opts.locks.length > 0) {
    const path = resourcePath(segments);
    locks = opts.locks.filter((l) => covers(l, path));
  }
  const d: Described = { segments, isDir: info.isDirectory, info, locks, nowMs: Date.now() };
  const href = opts.folderHref + encodeSegment(e.name) + (d.isDir ? "/" : "");
  if (opts.needsDead && (d.isDir || opts.records.has(memberRecordName(e.name)))) {
    const fsPath = folder.fsPath + SEP + e.name;
    return readDeadProps(fsPath, d.isDir).then((dead) => describeOne(d, dead, query, href));
  }
  return describeOne(d, NO_DEAD, query, href);
}

const NO_DEAD: readonly DeadProp[] = [];

/** One `DAV:response` for the resource `d` with dead properties `dead`. */
function describeOne(
  d: Described,
  dead: readonly DeadProp[],
  query: PropfindQuery,
  href: string = hrefOf(d.segments, d.isDir),
): string {
  const found: Array<[PropName, string]> = [];
  const missing: PropName[] = [];
  if (query.kind === "prop") {
    for (const name of query.names) lookUp(name, d, dead, found, missing);
    return renderResponse(href, found, missing);
  }
  const names = query.kind === "propname";
  for (const local of LIVE_PROPS) {
    const value = liveValue(local, d);
    if (value !== null) found.push([{ ns: DAV_NS, local }, names ? "" : value]);
  }
  for (const p of dead) {
    const name: PropName = p.lang === undefined || names
      ? { ns: p.ns, local: p.name }
      : { ns: p.ns, local: p.name, lang: p.lang };
    found.push([name, names ? "" : p.xml]);
  }
  if (query.kind === "allprop") {
    // Only what allprop left out: a name answers once, however often it is named.
    for (const name of query.include) {
      const seen = (n: PropName) => n.ns === name.ns && n.local === name.local;
      if (found.some(([n]) => seen(n)) || missing.some(seen)) continue;
      lookUp(name, d, dead, found, missing);
    }
  }
  return renderResponse(href, found, missing);
}

/** Adds the property `name` of `d` to `found` with its value, or to `missing`. */
function lookUp(
  name: PropName,
  d: Described,
  dead: readonly DeadProp[],
  found: Array<[PropName, string]>,
  missing: PropName[],
): void {
  const live = name.ns === DAV_NS && isLiveProp(name.local);
  const stored = live || isWin32Mtime(name)
    ? undefined
    : dead.find((p) => p.ns === name.ns && p.name === name.local);
  const value = live
    ? liveValue(name.local, d)
    : isWin32Mtime(name)
    ? win32TimeValue(d.info)
    : stored?.xml ?? null;
  if (value === null) missing.push(name);
  // A dead property comes back with the xml:lang it was set with (RFC 4918 §4.3).
  else found.push([stored?.lang === undefined ? name : { ...name, lang: stored.lang }, value]);
}
