/**
 * Dead properties (RFC 4918 §4.1: set by clients with PROPPATCH, kept by the server as given) on
 * disk, beside the resources they describe, so every worker and a restarted server see them:
 *
 * ```
 * <folder>/.wireserve-dav/self        the properties of <folder> itself
 * <folder>/.wireserve-dav/p-<name>    the properties of the file <folder>/<name>
 * <folder>/.wireserve-dav/h-<sha256>  the same, for a name too long to prefix
 * ```
 *
 * Decisions:
 * - Beside, not in a central store: a folder carries its own properties and its members'
 *   inside it, so MOVE of a folder (one rename) and recursive DELETE take them along with no
 *   extra step, and a recursive COPY copies them as part of the tree. Only a file's own record,
 *   in its folder's `.wireserve-dav`, is moved, copied or removed with it by hand.
 * - `.wireserve-dav` is a reserved name (`src/app/reserved_names.ts`): never listed, served,
 *   written or copied as a resource through `/files/` or WebDAV, even with `--dotfiles`.
 * - One JSON file per resource, `{"props":[{"ns","name","xml","lang"?}]}`, replaced atomically (temp
 *   file + rename), so a PROPPATCH is all or nothing on disk too and a reader never sees half.
 * - Values are stored as self-contained markup (`xml_writer.ts`), so namespaces and mixed
 *   content come back as they were set.
 * - At most {@link MAX_DEAD_PROPS_BYTES} per resource (507 past it), so repeated PROPPATCHes
 *   cannot fill the disk through one file's metadata unnoticed.
 * - A record that cannot be read (corrupt, foreign) counts as no properties rather than failing
 *   every PROPFIND of the folder.
 * - refuse: a `.wireserve-dav` that is not a real folder (a symlink, leading out of the share or
 *   not; a file) is never written, read or removed through (`src/app/state_folder.ts`), looked at
 *   with lstat where it is used: a write there (PROPPATCH, the record a COPY or MOVE brings) throws
 *   `StateFolderNotReal`, which the handler lets through (a 500, and the path in the server's log);
 *   a read finds no properties there and a removal nothing to remove, since nothing in it is the
 *   server's. A record or lock file inside is read or opened only as a plain file
 *   (`state_files.ts`).
 *
 * This module must not know about HTTP.
 * @module
 */

import { createHash } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { DAV_PROPS_FOLDER } from "../app/reserved_names.ts";
import { makeStateFolder, stateFolderExists } from "../app/state_folder.ts";
import { TempFile } from "../uploads/mod.ts";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";
import { withRecordLock } from "./record_lock.ts";
import { plainFileInfo, readPlainFile } from "./state_files.ts";
import { isNcName } from "./xml_name.ts";

/** Largest stored record of one resource's dead properties, in bytes of JSON. */
export const MAX_DEAD_PROPS_BYTES = 1024 * 1024;
/** Names longer than this (UTF-8 bytes) are stored under their hash: `p-` + 255 bytes won't fit. */
const PREFIXED_NAME_MAX_BYTES = 240;
const SELF = "self";
const encoder = new TextEncoder();

/** One dead property: its expanded name and its value as markup. */
export interface DeadProp {
  ns: string;
  name: string;
  /** The value's content as self-contained XML (may be "" for an empty property). */
  xml: string;
  /** The `xml:lang` in scope on the property element when it was set (§4.3), if any. */
  lang?: string;
}

/** Thrown when a resource's properties would pass {@link MAX_DEAD_PROPS_BYTES}. */
export class DeadPropsTooLarge extends Error {}

/** Where the record of the resource at `fsPath` lives. */
export function recordPath(fsPath: string, isDir: boolean): string {
  if (isDir) return join(fsPath, DAV_PROPS_FOLDER, SELF);
  return join(dirname(fsPath), DAV_PROPS_FOLDER, memberRecordName(basename(fsPath)));
}

/** The record file name of the member `name` inside its folder's `.wireserve-dav`. */
export function memberRecordName(name: string): string {
  if (encoder.encode(name).length <= PREFIXED_NAME_MAX_BYTES) return `p-${name}`;
  return `h-${createHash("sha256").update(name).digest("hex")}`;
}

/** The dead properties of the resource at `fsPath` (none when there is no readable record). */
export async function readDeadProps(fsPath: string, isDir: boolean): Promise<DeadProp[]> {
  const path = recordPath(fsPath, isDir);
  let text: string | null;
  try {
    // refuse: read only from a real .wireserve-dav, and a plain file there (see the module doc)
    text = propsFolderUsable(dirname(path)) ? await readPlainFile(path) : null;
  } catch (err) {
    // Out of descriptors the record is still there: answering "no properties" would lose them.
    throwIfOutOfDescriptors(err);
    return [];
  }
  return text === null ? [] : parseRecord(text);
}

/**
 * The bytes of the record of the resource at `fsPath` (0 when it has none), by a synchronous
 * lstat: what reading its properties will hold, which a `PROPFIND Depth: 1` counts before it
 * reads them (`propfind_members.ts`).
 */
export function recordBytes(fsPath: string, isDir: boolean): number {
  const path = recordPath(fsPath, isDir);
  try {
    return propsFolderUsable(dirname(path)) ? plainFileInfo(path)?.size ?? 0 : 0;
  } catch {
    return 0; // no record (or none readable): nothing will be read
  }
}

/** Replaces the dead properties of the resource at `fsPath` with `props` (atomically). */
export async function writeDeadProps(
  fsPath: string,
  isDir: boolean,
  props: readonly DeadProp[],
): Promise<void> {
  const path = recordPath(fsPath, isDir);
  if (props.length === 0) {
    await removeRecord(path);
    return;
  }
  const bytes = encoder.encode(JSON.stringify({ props }));
  if (bytes.length > MAX_DEAD_PROPS_BYTES) throw new DeadPropsTooLarge();
  const folder = dirname(path);
  // refuse: never write through a .wireserve-dav that is not a real folder (StateFolderNotReal)
  await makeStateFolder(folder);
  // createNew, then a rename that replaces whatever holds the name (a link as a link)
  const temp = await TempFile.create(folder, basename(path));
  try {
    await temp.write(bytes);
    await temp.commit(path, false);
  } finally {
    await temp.discard();
  }
}

/**
 * Replaces the dead properties of the resource at `fsPath` with what `change` makes of the
 * current ones, holding the records' lock (`record_lock.ts`) from the read to the rename, so
 * concurrent updates from any worker or process are applied one after the other, none lost.
 */
export async function updateDeadProps(
  fsPath: string,
  isDir: boolean,
  change: (props: DeadProp[]) => DeadProp[],
): Promise<void> {
  const folder = dirname(recordPath(fsPath, isDir));
  // refuse: a .wireserve-dav that is not a real folder is neither locked in nor written through
  await makeStateFolder(folder);
  await withRecordLock(folder, async () => {
    await writeDeadProps(fsPath, isDir, change(await readDeadProps(fsPath, isDir)));
  });
}

/** Removes a file's record (a folder's goes with the folder). */
export async function removeDeadProps(fsPath: string, isDir: boolean): Promise<void> {
  if (!isDir) await removeRecord(recordPath(fsPath, false));
}

/**
 * Throws `StateFolderNotReal` when the file at `from` has a record that the `.wireserve-dav` of
 * `to` could not take (it is not a real folder): asked before a COPY or MOVE of a file, so the
 * file does not go while its properties cannot follow.
 */
export function checkRecordTarget(from: string, to: string, isDir: boolean): void {
  if (isDir || !hasRecord(from)) return; // a folder's record travels inside it
  stateFolderExists(dirname(recordPath(to, false)));
}

/**
 * Moves a file's record to follow the file from `from` to `to`, replacing any record at `to`
 * (a folder's record moved with the folder).
 */
export async function moveDeadProps(from: string, to: string, isDir: boolean): Promise<void> {
  if (isDir) return;
  const source = recordPath(from, false);
  const target = recordPath(to, false);
  if (!hasRecord(from)) {
    await removeRecord(target); // no properties to carry: the destination keeps none either
    return;
  }
  // refuse: a record moves only into a real .wireserve-dav (made here when the folder has none)
  await makeStateFolder(dirname(target));
  try {
    await Deno.rename(source, target);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    await removeRecord(target); // the record went meanwhile: nothing to carry
  }
}

/** Copies the record of `from` (a file, or a folder's own) to `to`, replacing any there. */
export async function copyDeadProps(from: string, to: string, isDir: boolean): Promise<void> {
  const props = await readDeadProps(from, isDir);
  await writeDeadProps(to, isDir, props);
}

/** The record names present in `folder`'s `.wireserve-dav` (to skip lookups of absent ones). */
export async function recordNames(folder: string): Promise<Set<string>> {
  const names = new Set<string>();
  const props = join(folder, DAV_PROPS_FOLDER);
  try {
    // refuse: a .wireserve-dav that is not a real folder is not listed (see the module doc)
    if (!propsFolderUsable(props)) return names;
    for await (const e of Deno.readDir(props)) names.add(e.name);
  } catch (err) {
    throwIfOutOfDescriptors(err);
    // no records in this folder
  }
  return names;
}

function parseRecord(text: string): DeadProp[] {
  try {
    const parsed = JSON.parse(text) as { props?: unknown };
    if (!Array.isArray(parsed.props)) return [];
    // A record is ours, but a name that is not an XML name would break every 207 it appears in;
    // exactly the names a request body may hold pass (`xml_name.ts`), so none set is lost here.
    return parsed.props.filter((p): p is DeadProp =>
      typeof p?.ns === "string" && typeof p?.name === "string" && isNcName(p.name) &&
      typeof p?.xml === "string" && (p.lang === undefined || typeof p.lang === "string")
    );
  } catch {
    return [];
  }
}

/**
 * Whether the `.wireserve-dav` folder `folder` is a real folder: false when nothing is there or
 * something else is (nothing in it is the server's to read or remove), or it cannot be looked at.
 */
function propsFolderUsable(folder: string): boolean {
  try {
    return stateFolderExists(folder);
  } catch (err) {
    throwIfOutOfDescriptors(err);
    return false;
  }
}

/** Whether the file at `fsPath` has a record: a plain file in a real `.wireserve-dav`. */
function hasRecord(fsPath: string): boolean {
  const path = recordPath(fsPath, false);
  try {
    return propsFolderUsable(dirname(path)) && plainFileInfo(path) !== null;
  } catch {
    return false; // not a plain file: not the server's record
  }
}

/** Removes the record at `path`, if it is in a real `.wireserve-dav` (unlink: a link as a link). */
async function removeRecord(path: string): Promise<void> {
  if (!propsFolderUsable(dirname(path))) return; // refuse: never remove through a link
  try {
    await Deno.remove(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}
