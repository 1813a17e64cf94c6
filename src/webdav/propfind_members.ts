/**
 * The 207 document of a `PROPFIND` (RFC 4918 §9.1, §13), as a stream: one resource's response,
 * or a folder's own and then its members' (`Depth: 1`), described and written out in batches of
 * at most {@link PROPFIND_BATCH} members and about {@link PROPFIND_BATCH_BYTES}.
 *
 * Decisions:
 * - Batches: the folder's names are read at once (`readEntries`), then described and written
 *   out a batch at a time, so a `Depth: 1` of 10,000 files holds the names and one batch of
 *   answers in memory, never the whole document (4 MB for 10,000 files).
 * - A batch is bounded in bytes too: it closes before the member that would carry it past
 *   {@link PROPFIND_BATCH_BYTES} (a member alone may pass it), counting for each member what its
 *   answer will hold before it is made — its dead properties' record, sized by a stat before it
 *   is read (records of 1 MiB on 64 members made a 64 MiB batch, and ten clients that did not
 *   read took the process from 118 MB to 2.1 GB), the locks listed in it (a depth-infinity lock
 *   on the folder is in every member's `lockdiscovery`: 16 shared locks of 4 KiB owners make
 *   each answer ~70 KB), and the names the query asks for ({@link memberAnswerBytes}).
 * - Members are stat'ed synchronously (see `describeMember`): on a slow network file system that
 *   blocks the loop for the time of one batch's stats. Dead properties are read only when the
 *   request needs them, and only for members that have a record (one directory read of the
 *   folder's records finds which; the caller does it).
 * - Members are what the listing would show: no dotfiles without `--dotfiles`, none of the
 *   server's own names (temp files of uploads in progress, property records), no names a URL
 *   cannot ask for, nothing `--hide` covers, no symlinks the read side would not follow, no FIFOs
 *   or devices.
 *
 * This module must not know about HTTP requests or touch sockets: what the client asked for is
 * the caller's (`propfind.ts`), which properties answer it `propfind_query.ts`'s.
 * @module
 */

import { sep as SEP } from "node:path";
import { STATUS } from "../http/status.ts";
import { encodeSegment, servableName, throwIfNotEnterable } from "../files/mod.ts";
import { isReservedName } from "../app/reserved_names.ts";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";
import { MULTISTATUS_HEAD, MULTISTATUS_TAIL } from "../app/multistatus.ts";
import type { DavContext } from "./dav_context.ts";
import { hrefOf, resourcePath } from "./dav_path.ts";
import { type DeadProp, memberRecordName, readDeadProps, recordBytes } from "./dead_props.ts";
import type { Described } from "./live_props.ts";
import { covers, type LockInfo } from "./lock_table.ts";
import { describeOne, type PropfindQuery } from "./propfind_query.ts";
import { type Hider, hiderBelow, type Resource, statVisible } from "./resource.ts";

/** Members described (stat, properties) and written out at a time. */
export const PROPFIND_BATCH = 64;
/** The bytes a batch of members' answers stays under, unless one member passes it alone. */
export const PROPFIND_BATCH_BYTES = 256 * 1024;
/** A member's answer without locks, at most (an allprop of a file with a long name). */
const MEMBER_ANSWER_BYTES = 1024;
/** An `activelock` besides its owner and its root (the tags, token and timeout). */
const ACTIVE_LOCK_BYTES = 400;
/** A property element besides its names, at most (the tags, `xmlns`, an `xml:lang`). */
const PROPERTY_TAG_BYTES = 48;

const encoder = new TextEncoder();

/** What the members' answers need, computed once per request. */
export interface MembersOptions {
  /** Whether the query needs dead properties. */
  needsDead: boolean;
  /** The locks covering the folder or anything in it (none when the query needs no locks). */
  locks: readonly LockInfo[];
  /** The folder's entries (`readEntries`). */
  entries: readonly Deno.DirEntry[];
  /** The record names in the folder's `.wireserve-dav` (`recordNames`). */
  records: Set<string>;
}

/** The document of one response, `text`. */
export async function* singleResponse(text: string): AsyncGenerator<Uint8Array> {
  yield encoder.encode(MULTISTATUS_HEAD + text + MULTISTATUS_TAIL);
}

/** The document of the folder's own response `first`, then its members', batch by batch. */
export async function* propfindMembers(
  ctx: DavContext,
  folder: Resource,
  query: PropfindQuery,
  first: string,
  opts: MembersOptions,
): AsyncGenerator<Uint8Array> {
  yield encoder.encode(MULTISTATUS_HEAD + first);
  const hidden = await hiderBelow(ctx, folder.segments, folder.fsPath);
  const { needsDead, locks, records } = opts;
  const member = {
    needsDead,
    locks,
    records,
    hidden,
    folderHref: hrefOf(folder.segments, true),
    lockable: !ctx.config.readOnly,
  };
  const perMember = memberAnswerBytes(locks, resourcePath(folder.segments), query);
  // Answers of the members taken so far (describing a member starts reading its records), and
  // what they will hold.
  let batch: Array<string | Promise<string>> = [];
  let batchBytes = 0;
  const flush = async (): Promise<Uint8Array> => {
    const texts = batch;
    batch = [];
    batchBytes = 0;
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
    const bytes = perMember + (needsDead ? recordsBytes(folder, e, records) : 0);
    if (
      batch.length === PROPFIND_BATCH ||
      (batch.length > 0 && batchBytes + bytes > PROPFIND_BATCH_BYTES)
    ) {
      yield await flush();
    }
    batch.push(describeMember(ctx, folder, e, query, member));
    batchBytes += bytes;
  }
  if (batch.length > 0) yield await flush();
  yield encoder.encode(MULTISTATUS_TAIL);
}

/**
 * What a member's answer holds besides its dead properties, at most: its live properties, the
 * locks covering the folder with depth infinity, listed in every member's answer (those rooted
 * at one member are listed once, and the table bounds them all: `lock_table.ts`), and a property
 * element per name the query asks for (1,000 names of 1 KB would make each answer a megabyte).
 * Counted in UTF-16 units, close enough for a bound.
 */
export function memberAnswerBytes(
  locks: readonly LockInfo[],
  folderPath: string,
  query: PropfindQuery,
): number {
  let bytes = MEMBER_ANSWER_BYTES;
  for (const lock of locks) {
    if (lock.depth !== "infinity" || !covers(lock, folderPath)) continue;
    bytes += ACTIVE_LOCK_BYTES + lock.owner.length + lock.root.length;
  }
  const named = query.kind === "prop" ? query.names : query.kind === "allprop" ? query.include : [];
  // `<local xmlns="ns">` … `</local>`: the local name twice, the namespace once.
  for (const name of named) bytes += PROPERTY_TAG_BYTES + name.ns.length + 2 * name.local.length;
  return bytes;
}

/**
 * The bytes of the records describing the member `e` will read: a file's own, a folder's own
 * (which lives inside it), and for a symlink either one, as where it leads is not known yet (the
 * stat looks through it; the size only sizes the batch and is never sent).
 */
function recordsBytes(folder: Resource, e: Deno.DirEntry, records: Set<string>): number {
  const fsPath = folder.fsPath + SEP + e.name;
  let bytes = 0;
  if (!e.isDirectory && records.has(memberRecordName(e.name))) bytes += recordBytes(fsPath, false);
  if (e.isDirectory || e.isSymlink) bytes += recordBytes(fsPath, true);
  return bytes;
}

/**
 * The folder's entries, read in one call: the async iterator costs an op per entry (measured:
 * 7% of a 10,000-entry answer), and the names alone are small next to the answer they make.
 * When the folder cannot be read, the status that says why instead: 403 when the server may not
 * read it, 404 when it went away (or is no folder any more), 500 for anything else; throws when
 * out of descriptors (503).
 *
 * refuse: never an empty list for a folder that could not be read. A sync client (rclone sync,
 * bisync) takes an empty folder for one whose files were deleted, and deletes its own copies;
 * Apache (mod_dav_fs) answers 403 for such a folder too, or cuts the 207 short.
 */
export function readEntries(fsPath: string): Deno.DirEntry[] | number {
  try {
    const entries = [...Deno.readDirSync(fsPath)];
    // Names that can be read in a folder that may not be entered: every member's stat would fail
    if (entries.length > 0) throwIfNotEnterable(fsPath, entries[0].name);
    return entries;
  } catch (err) {
    throwIfOutOfDescriptors(err);
    if (err instanceof Deno.errors.PermissionDenied) return STATUS.Forbidden;
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
      return STATUS.NotFound;
    }
    return STATUS.InternalServerError;
  }
}

/** What describing a member needs, computed once per listing. */
interface DescribeOptions {
  needsDead: boolean;
  locks: readonly LockInfo[];
  records: Set<string>;
  /** `--hide`: a private member is not listed (its name alone would tell what it hides). */
  hidden: Hider;
  folderHref: string;
  /** Whether the server offers locks (see `Described`). */
  lockable: boolean;
}

const NO_LOCKS: readonly LockInfo[] = [];

function describeMember(
  ctx: DavContext,
  folder: Resource,
  e: Deno.DirEntry,
  query: PropfindQuery,
  opts: DescribeOptions,
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
  opts: DescribeOptions,
  info: Deno.FileInfo | null,
): string | Promise<string> {
  // hidden: FIFOs, devices and what is gone or unreadable are no resource (as in listings)
  if (info === null || (!info.isFile && !info.isDirectory)) return "";
  if (opts.hidden([e.name], info.isDirectory)) return "";
  const segments = [...folder.segments, e.name];
  let locks = NO_LOCKS;
  if (opts.locks.length > 0) {
    const path = resourcePath(segments);
    locks = opts.locks.filter((l) => covers(l, path));
  }
  const d: Described = {
    segments,
    isDir: info.isDirectory,
    info,
    locks,
    nowMs: Date.now(),
    lockable: opts.lockable,
  };
  const href = opts.folderHref + encodeSegment(e.name) + (d.isDir ? "/" : "");
  if (opts.needsDead && (d.isDir || opts.records.has(memberRecordName(e.name)))) {
    const fsPath = folder.fsPath + SEP + e.name;
    return readDeadProps(fsPath, d.isDir).then((dead) => describeOne(d, dead, query, href));
  }
  return describeOne(d, NO_DEAD, query, href);
}

const NO_DEAD: readonly DeadProp[] = [];
