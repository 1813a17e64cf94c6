/**
 * `PROPPATCH` (RFC 4918 §9.2): sets and removes dead properties of an existing resource, in
 * document order, all or nothing.
 *
 * Decisions:
 * - Any namespace may hold a dead property, the empty one too; values are kept as markup with
 *   their namespaces (`xml_writer.ts`), so they come back as they were set (§4.3).
 * - Windows' `Win32LastModifiedTime` and ownCloud's `{DAV:}lastmodified` set the file's
 *   modification time instead of being stored (`mtime_properties.ts`); a value that is not a date, or a time the file system cannot hold (read
 *   back after setting it, and put back) → 409 and 424 for the rest. The other `Win32*`
 *   properties are ordinary dead properties.
 * - A protected live property (`live_props.ts`) cannot be changed: 403 with
 *   `cannot-modify-protected-property` (§16), and every other instruction of the request 424
 *   Failed Dependency (§9.2) — nothing is written. `DAV:displayname` is not protected (§15.2):
 *   it is stored as a dead property, which PROPFIND answers in place of the computed name, and
 *   removing it brings that back.
 * - Removing a property that does not exist is a success (§14.23).
 * - The new set is written with one atomic rename (`dead_props.ts`); past
 *   `MAX_DEAD_PROPS_BYTES` every instruction gets 507 and nothing is kept.
 * - A write: auth, `--read-only` (403), the write side's reach (`writable_resource.ts`: 403 for a
 *   resource or a folder on the way that really lies outside the root, though `--follow-symlinks`
 *   shows it), then locks and `If` (423 / 412) on the resource.
 * - A property named twice is answered once (the last value set is kept).
 *
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { MULTISTATUS_HEAD, MULTISTATUS_TAIL, XML_CONTENT_TYPE } from "../app/multistatus.ts";
import { StateFolderNotReal } from "../app/state_folder.ts";
import {
  existingValidators,
  failure,
  preconditionsFail,
  validatorsOf,
  writeRefusal,
} from "../uploads/mod.ts";
import { type DavContext, plainAnswer } from "./dav_context.ts";
import { belowMount, hrefOf, resourcePath } from "./dav_path.ts";
import { type DeadProp, DeadPropsTooLarge, updateDeadProps } from "./dead_props.ts";
import { isProtectedProp } from "./live_props.ts";
import { propElement, propKey, type PropName, renderPropstats } from "./prop_render.ts";
import { readXmlBody } from "./request_xml.ts";
import { guardWrite } from "./write_guard.ts";
import { findWritableResource } from "./writable_resource.ts";
import { isMtimeProperty, parseMtimeProperty } from "./mtime_properties.ts";
import { childElements, DAV_NS, findChild, textOf, type XmlElement } from "./xml_tree.ts";
import { serializeChildren, XML_NS } from "./xml_writer.ts";

/** One instruction of a PROPPATCH body: a property to set or to remove. */
export interface Instruction {
  op: "set" | "remove";
  name: PropName;
  /** For `set`: the value as markup. */
  xml: string;
  /** For `set`: the value's character data. */
  text: string;
  /** For `set`: the `xml:lang` in scope on the property element, if any (§4.3). */
  lang: string | undefined;
}

/** Answers a PROPPATCH. */
export async function proppatch(ctx: DavContext, req: HttpRequest): Promise<HttpResponse> {
  const refusal = writeRefusal(ctx.uploads, req);
  if (refusal !== null) return refusal;
  const found = await findWritableResource(ctx, belowMount(req.path));
  if ("status" in found) return found;
  if (preconditionsFail(req.method, req.headers, existingValidators(found.info))) {
    return plainAnswer(STATUS.PreconditionFailed, "Precondition failed"); // RFC 9110 §13.1
  }
  const guard = await guardWrite(ctx, req, {
    segments: found.segments,
    etag: validatorsOf(found.info).etag,
    resources: [{ path: resourcePath(found.segments), depth: "0" }],
  });
  if (guard.refusal !== null) return guard.refusal;
  const body = await readXmlBody(req);
  if (!body.ok) return body.response;
  const instructions = body.root === null ? null : parseUpdate(body.root);
  if (instructions === null) return plainAnswer(STATUS.BadRequest, "Not a DAV:propertyupdate body");

  const href = hrefOf(found.segments, found.isDir);
  const isProtected = (i: Instruction) => i.name.ns === DAV_NS && isProtectedProp(i.name.local);
  if (instructions.some(isProtected)) {
    return answer(
      href,
      instructions.map((
        i,
      ) => [isProtected(i) ? STATUS.Forbidden : STATUS.FailedDependency, i.name]),
    );
  }
  const conflictOn = (i: Instruction) =>
    answer(
      href,
      instructions.map((j) => [j === i ? STATUS.Conflict : STATUS.FailedDependency, j.name]),
    );
  // The last time set wins, as the last value of any property does.
  let mtimeMs: number | null = null;
  let mtimeSet: Instruction | null = null;
  for (const i of instructions) {
    if (i.op !== "set" || !isMtimeProperty(i.name)) continue;
    mtimeMs = parseMtimeProperty(i.name, i.text);
    mtimeSet = i;
    if (mtimeMs === null) return conflictOn(i);
  }
  try {
    if (mtimeMs !== null && mtimeSet !== null) {
      // The time first: only the file system knows which times it can hold (ext4: 1901 to 2446,
      // FAT: 1980 to 2107), so a time it did not keep is put back and refused like any value
      // that cannot be used (409, nothing stored) — never a 200 for a time that is not the one
      // GET and PROPFIND then show.
      const kept = await setMtime(found.fsPath, found.info, mtimeMs);
      ctx.uploads.changed(found.fsPath); // the ETag changed with it (and Last-Modified if kept)
      if (!kept) return conflictOn(mtimeSet);
    }
    try {
      // Read, change and write under the records' lock: concurrent PROPPATCHes lose nothing.
      await updateDeadProps(found.fsPath, found.isDir, (props) => applyTo(props, instructions));
      // A folder's record lives inside it, and writing the record moved the folder's time.
      if (mtimeMs !== null && found.isDir) {
        await Deno.utime(found.fsPath, found.info.atime ?? new Date(), new Date(mtimeMs));
      }
    } catch (err) {
      // all or nothing: the time goes back with the properties
      if (mtimeMs !== null) await putTimeBack(found.fsPath, found.info).catch(() => {});
      throw err;
    }
  } catch (err) {
    if (err instanceof DeadPropsTooLarge) {
      return answer(href, instructions.map((i) => [STATUS.InsufficientStorage, i.name]));
    }
    // refuse: a .wireserve-dav that is not a real folder (or a lock file that is a link) is the
    // server's fault to report — a 500, its path in the server's log — and nothing was written
    if (err instanceof StateFolderNotReal) throw err;
    return failure(err);
  }
  return answer(href, instructions.map((i) => [STATUS.OK, i.name]));
}

const MS_PER_SECOND = 1000;

/**
 * Sets the modification time of `fsPath` (whose stat was `info`) to `mtimeMs`, and whether the
 * file system kept it to the second; a time it did not keep is put back to `info`'s.
 */
async function setMtime(fsPath: string, info: Deno.FileInfo, mtimeMs: number): Promise<boolean> {
  await Deno.utime(fsPath, info.atime ?? new Date(), new Date(mtimeMs));
  const stored = (await Deno.stat(fsPath)).mtime?.getTime() ?? null;
  const wholeSeconds = (ms: number) => Math.floor(ms / MS_PER_SECOND);
  if (stored !== null && wholeSeconds(stored) === wholeSeconds(mtimeMs)) return true;
  await putTimeBack(fsPath, info);
  return false;
}

/** Puts back the times `fsPath` had when its stat was `info`. */
async function putTimeBack(fsPath: string, info: Deno.FileInfo): Promise<void> {
  if (info.mtime === null) return;
  await Deno.utime(fsPath, info.atime ?? new Date(), info.mtime);
}

/**
 * `props` with the instructions applied in document order: a property set again keeps its place,
 * a new one goes last. One map by expanded name, so each instruction is one lookup: a scan of
 * the stored properties per instruction made 20,000 of them in one body take 2.7 s of the worker.
 */
export function applyTo(
  props: readonly DeadProp[],
  instructions: readonly Instruction[],
): DeadProp[] {
  const byName = new Map<string, DeadProp>();
  for (const p of props) {
    const key = propKey(p.ns, p.name);
    if (!byName.has(key)) byName.set(key, p);
  }
  for (const i of instructions) {
    const key = propKey(i.name.ns, i.name.local);
    // The time is the file's own: never kept as a copy (one stored before is dropped).
    if (i.op === "remove" || isMtimeProperty(i.name)) {
      byName.delete(key);
      continue;
    }
    const prop: DeadProp = { ns: i.name.ns, name: i.name.local, xml: i.xml };
    if (i.lang !== undefined) prop.lang = i.lang;
    byName.set(key, prop);
  }
  return [...byName.values()];
}

/** The instructions of a `DAV:propertyupdate`, or null when the body is not one. */
function parseUpdate(root: XmlElement): Instruction[] | null {
  if (root.ns !== DAV_NS || root.local !== "propertyupdate") return null;
  const out: Instruction[] = [];
  for (const child of childElements(root)) {
    if (child.ns !== DAV_NS || (child.local !== "set" && child.local !== "remove")) continue;
    const prop = findChild(child, DAV_NS, "prop");
    if (prop === null) return null;
    // §4.3: the property keeps the xml:lang in scope on its element, maybe an ancestor's.
    const inherited = langOf(prop) ?? langOf(child) ?? langOf(root);
    for (const p of childElements(prop)) {
      const set = child.local === "set";
      out.push({
        op: child.local,
        name: { ns: p.ns, local: p.local },
        xml: set ? serializeChildren(p) : "",
        text: set ? textOf(p) : "",
        lang: set ? langOf(p) ?? inherited : undefined,
      });
    }
  }
  return out.length === 0 ? null : out;
}

/** The `xml:lang` attribute of `el` itself, if it has one. */
function langOf(el: XmlElement): string | undefined {
  return el.attributes.find((a) => a.ns === XML_NS && a.local === "lang")?.value;
}

/**
 * A 207 with one propstat per status, in the order the statuses first appear. A property the body
 * names twice is listed once (RFC 4918 §9.2: the answer reports each property), with the status
 * that says why, where one instruction on it failed and another only depended on that.
 */
function answer(href: string, results: Array<[number, PropName]>): HttpResponse {
  const byName = new Map<string, [number, PropName]>();
  for (const [status, name] of results) {
    const key = propKey(name.ns, name.local);
    const seen = byName.get(key);
    if (seen === undefined || seen[0] === STATUS.FailedDependency) byName.set(key, [status, name]);
  }
  const groups = new Map<number, string>();
  for (const [status, name] of byName.values()) {
    groups.set(status, (groups.get(status) ?? "") + propElement(name, ""));
  }
  // §16: a protected property's 403 names the precondition it failed.
  const propstats = [...groups].map(([status, props]) =>
    status === STATUS.Forbidden
      ? [status, props, "cannot-modify-protected-property"] as const
      : [status, props] as const
  );
  const body = MULTISTATUS_HEAD + renderPropstats(href, propstats) + MULTISTATUS_TAIL;
  return { status: STATUS.MultiStatus, headers: [["Content-Type", XML_CONTENT_TYPE]], body };
}
