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
 *
 * This module must not know about HTTP.
 * @module
 */

import { createHash } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { DAV_PROPS_FOLDER } from "../app/reserved_names.ts";
import { TempFile } from "../uploads/mod.ts";
import { throwIfOutOfDescriptors } from "../app/out_of_descriptors.ts";
import { withRecordLock } from "./record_lock.ts";
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
  let text: string;
  try {
    text = await Deno.readTextFile(recordPath(fsPath, isDir));
  } catch (err) {
    // Out of descriptors the record is still there: answering "no properties" would lose them.
    throwIfOutOfDescriptors(err);
    return [];
  }
  return parseRecord(text);
}

/**
 * The bytes of the record of the resource at `fsPath` (0 when it has none), by a synchronous
 * stat: what reading its properties will hold, which a `PROPFIND Depth: 1` counts before it
 * reads them (`propfind_members.ts`).
 */
export function recordBytes(fsPath: string, isDir: boolean): number {
  try {
    return Deno.statSync(recordPath(fsPath, isDir)).size;
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
    await removeFile(path);
    return;
  }
  const bytes = encoder.encode(JSON.stringify({ props }));
  if (bytes.length > MAX_DEAD_PROPS_BYTES) throw new DeadPropsTooLarge();
  const folder = dirname(path);
  await Deno.mkdir(folder, { recursive: true });
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
  await Deno.mkdir(folder, { recursive: true });
  await withRecordLock(folder, async () => {
    await writeDeadProps(fsPath, isDir, change(await readDeadProps(fsPath, isDir)));
  });
}

/** Removes a file's record (a folder's goes with the folder). */
export async function removeDeadProps(fsPath: string, isDir: boolean): Promise<void> {
  if (!isDir) await removeFile(recordPath(fsPath, false));
}

/**
 * Moves a file's record to follow the file from `from` to `to`, replacing any record at `to`
 * (a folder's record moved with the folder).
 */
export async function moveDeadProps(from: string, to: string, isDir: boolean): Promise<void> {
  if (isDir) return;
  const source = recordPath(from, false);
  const target = recordPath(to, false);
  try {
    await Deno.rename(source, target);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    if (await exists(source)) {
      // The target folder has no .wireserve-dav yet.
      await Deno.mkdir(dirname(target), { recursive: true });
      await Deno.rename(source, target);
    } else {
      await removeFile(target); // no properties to carry: the destination keeps none either
    }
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
  try {
    for await (const e of Deno.readDir(join(folder, DAV_PROPS_FOLDER))) names.add(e.name);
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

async function removeFile(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}
