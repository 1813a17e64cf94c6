/**
 * `LOCK` and `UNLOCK` (RFC 4918 §9.10, §9.11): write locks, exclusive or shared, depth 0 or
 * infinity, with timeouts and refresh, held in the lock service (`lock_service.ts`).
 *
 * Decisions:
 * - `Timeout` (§10.7): the first `Second-N` or `Infinite` of the list; none →
 *   {@link DEFAULT_LOCK_TIMEOUT_SECONDS}; anything longer, `Infinite` included, is cut to
 *   {@link MAX_LOCK_TIMEOUT_SECONDS} — a client that vanished must not hold a file forever. The
 *   answer says what was granted.
 * - A LOCK without a body is a refresh (§9.10.2): the `If` header is evaluated as for any other
 *   request (§10.4.1: malformed → 400, false → 412), and the lock renewed is one whose token a
 *   list that holds names and that covers the request URI (none → 412
 *   `lock-token-matches-request-uri`); its timeout restarts. A token named only in a false list,
 *   or tagged with another resource it does not cover, renews nothing.
 * - Locking an unmapped URL creates an empty file there (§7.3, §9.10.4) → 201, under the write
 *   rules of a PUT: name rules, the folder must exist (409), the folder's locks (423). A name
 *   held by what the read side never shows (a FIFO, socket or device, a link it does not follow)
 *   is neither a resource nor free: 404, as for GET, and no lock is taken. The lock is taken
 *   before the file is made, and only the request holding it makes the file: a refused LOCK
 *   leaves nothing behind, and a file another request made meanwhile is locked as it is (200).
 * - A conflicting lock → 423 with `no-conflicting-lock` (§16), or 207 when it is on a member of
 *   the collection a depth-infinity LOCK asks for (`lock_conflict.ts`).
 * - A lock is on the resource, not on the URL it was asked through (§6.1): it keeps the real
 *   spelling of its root too (`real_resource.ts`), so a lock through a symlink inside the share
 *   conflicts with one on the file or folder behind it (one exclusive lock at most), protects
 *   that resource under every URL, and UNLOCK or a refresh may name it under any of them.
 * - A lock the table's caps refuse (`lock_table.ts`: locks held, shared locks on one resource,
 *   the owners' bytes together) → 503: §9.10.6 names no status for a server out of room for
 *   locks (507 is about storing a representation, and clients show it as a full disk), and each
 *   cap frees up as locks are released or expire, so "try again later" is what it means.
 * - The `DAV:owner` is kept with the lock and sent back in every `lockdiscovery`, so its markup
 *   is bounded ({@link MAX_LOCK_OWNER_BYTES}; past it 400, nothing locked): without a bound,
 *   `MAX_LOCKS` locks with a 1 MiB owner each would hold 10 GB.
 * - `UNLOCK` needs a `Lock-Token` naming a lock that covers the resource → 204; otherwise 409
 *   with `lock-token-matches-request-uri` (§9.11.1), and 400 when the field is malformed.
 * - Both are writes: auth, then `--read-only` (403).
 *
 * This module must not touch sockets.
 * @module
 */

import { dirname } from "node:path";
import { trimOws } from "../http/ows.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { parseDigits } from "../app/parse_number.ts";
import {
  existingValidators,
  failure,
  preconditionsFail,
  resolveWriteTarget,
  validatorsOf,
  writeRefusal,
} from "../uploads/mod.ts";
import { conditionAnswer, type DavContext, plainAnswer, xmlAnswer } from "./dav_context.ts";
import { belowMount, resourcePath } from "./dav_path.ts";
import { activeLock } from "./live_props.ts";
import { lockConflictAnswer } from "./lock_conflict.ts";
import type { LockDepth, LockInfo, LockScope } from "./lock_table.ts";
import { rootsOf, spellingsOf } from "./lock_paths.ts";
import { RealResources } from "./real_resource.ts";
import { readXmlBody } from "./request_xml.ts";
import { findResource, resolveRead, statVisible } from "./resource.ts";
import { changedResources, checkIf, guardWrite } from "./write_guard.ts";
import { DAV_NS, findChild, type XmlElement } from "./xml_tree.ts";
import { serializeChildren } from "./xml_writer.ts";

/** Timeout granted when the client asks for none. */
export const DEFAULT_LOCK_TIMEOUT_SECONDS = 3600;
/** Longest timeout granted (`Infinite` included): one day. */
export const MAX_LOCK_TIMEOUT_SECONDS = 86_400;
/**
 * Most UTF-8 bytes of a lock's `DAV:owner` markup, as stored. Clients send a name or a URL
 * (Windows and Office a user name, macOS and davfs2 a URL, under 200 bytes).
 */
export const MAX_LOCK_OWNER_BYTES = 4096;

/** The text of the 503 for each cap of the lock table. */
const LOCK_REFUSALS = {
  full: "Too many locks are held; try again later",
  crowded: "Too many shared locks are held on this resource; try again later",
  owners: "The locks held use up the room for lock owners; try again later",
} as const;

/** Answers a LOCK. */
export async function lock(ctx: DavContext, req: HttpRequest): Promise<HttpResponse> {
  const refusal = writeRefusal(ctx.uploads, req);
  if (refusal !== null) return refusal;
  // OWS only (RFC 9110 §5.6.3): `0\xA0` is no Depth, so 400.
  const depthField = req.headers.list("depth");
  const depth = depthField === undefined ? "infinity" : trimOws(depthField).toLowerCase();
  if (depth !== "0" && depth !== "infinity") {
    return plainAnswer(STATUS.BadRequest, "Depth must be 0 or infinity");
  }
  const timeoutSeconds = grantedTimeout(req.headers.list("timeout"));
  const body = await readXmlBody(req);
  if (!body.ok) return body.response;
  if (body.root === null) return refresh(ctx, req, timeoutSeconds);
  const info = parseLockInfo(body.root);
  if (info === null) return plainAnswer(STATUS.BadRequest, "Not a DAV:lockinfo for a write lock");
  if (new TextEncoder().encode(info.owner).length > MAX_LOCK_OWNER_BYTES) {
    return plainAnswer(
      STATUS.BadRequest,
      `Cannot lock: the DAV:owner is longer than ${MAX_LOCK_OWNER_BYTES} bytes`,
    );
  }

  const raw = belowMount(req.path);
  let segments: string[];
  let isDir = false;
  /** Where the empty file goes when the URL is unmapped; null when the resource exists. */
  let newFile: string | null = null;
  const found = await findResource(ctx, raw);
  if ("status" in found) {
    if (found.status !== STATUS.NotFound) return found;
    const place = await placeForNewFile(ctx, req, raw);
    if ("status" in place) return place;
    segments = place.segments;
    newFile = place.fsPath;
  } else {
    segments = found.segments;
    isDir = found.isDir;
    if (preconditionsFail(req.method, req.headers, existingValidators(found.info))) {
      return plainAnswer(STATUS.PreconditionFailed, "Precondition failed"); // RFC 9110 §13.1
    }
    const guard = await guardWrite(ctx, req, {
      segments,
      etag: validatorsOf(found.info).etag,
      resources: [], // the lock table decides conflicts; the If header must still hold
    });
    if (guard.refusal !== null) return guard.refusal;
  }
  // The lock comes first and the file after, and only its owner makes the file: a refused LOCK
  // has no side effect (RFC 4918 §9.10), so of concurrent LOCKs on one unmapped URL the losers
  // never touch the disk and cannot take away the file the winner locked.
  const root = resourcePath(segments);
  const result = await ctx.locks.lock({
    root,
    realRoot: await new RealResources(ctx).of(segments),
    depth: depth as LockDepth,
    scope: info.scope,
    owner: info.owner,
    timeoutSeconds,
  });
  if (!result.ok) {
    if (result.reason === "conflict") {
      return await lockConflictAnswer(ctx, segments, isDir, result.root);
    }
    return plainAnswer(STATUS.ServiceUnavailable, LOCK_REFUSALS[result.reason]);
  }
  if (newFile === null) return lockAnswer(STATUS.OK, result.lock, true, isDir);
  const made = await createEmpty(ctx, newFile);
  if ("status" in made) {
    // Nothing was locked into existence: the lock on the unmapped URL goes too.
    await ctx.locks.unlock({ token: result.lock.token, path: root });
    return made;
  }
  // §9.10.4: 201 only when this LOCK made the resource; one made meanwhile (a PUT or MKCOL that
  // passed its lock check before this lock was taken) is locked as it is, 200.
  return lockAnswer(
    made.created ? STATUS.Created : STATUS.OK,
    result.lock,
    true,
    made.isDir,
  );
}

/** Answers an UNLOCK. */
export async function unlock(ctx: DavContext, req: HttpRequest): Promise<HttpResponse> {
  const refusal = writeRefusal(ctx.uploads, req);
  if (refusal !== null) return refusal;
  const lockToken = req.headers.get("lock-token");
  const field = lockToken === undefined ? undefined : trimOws(lockToken); // `<t>\xA0` is malformed
  if (field === undefined || !field.startsWith("<") || !field.endsWith(">") || field.length < 3) {
    return plainAnswer(STATUS.BadRequest, "Lock-Token must be <token>");
  }
  const path = resolveRead(ctx, belowMount(req.path));
  if ("status" in path) return path;
  const done = await ctx.locks.unlock({
    token: field.slice(1, -1),
    path: resourcePath(path.segments),
    real: await new RealResources(ctx).of(path.segments),
  });
  if (!done) return conditionAnswer(STATUS.Conflict, "lock-token-matches-request-uri");
  return { status: STATUS.NoContent };
}

/** A LOCK without a body: restart the timeout of the lock the `If` header submits. */
async function refresh(
  ctx: DavContext,
  req: HttpRequest,
  timeoutSeconds: number,
): Promise<HttpResponse> {
  if (!req.headers.has("if")) {
    return plainAnswer(STATUS.BadRequest, "A lock refresh names its lock in the If header");
  }
  const path = resolveRead(ctx, belowMount(req.path));
  if ("status" in path) return path;
  const info = await statVisible(ctx, path.fsPath);
  const etag = info === null ? null : validatorsOf(info).etag;
  // §10.4.1: the header is a precondition here as on every method — a false one refreshes nothing.
  const reals = new RealResources(ctx);
  const checked = await checkIf(ctx, req, path.segments, etag, reals);
  if (checked.refusal !== null) return checked.refusal;
  const requestPath = resourcePath(path.segments);
  const real = await reals.of(path.segments);
  const spellings = spellingsOf(requestPath, real);
  for (const token of checked.held ?? []) {
    const lock = await ctx.locks.refresh({ token, path: requestPath, real, timeoutSeconds });
    if (lock === null) continue;
    // A lock rooted above the request covers it, so its root is a collection (§6.1).
    const atRequest = rootsOf(lock).some((root) => spellings.includes(root));
    const rootIsDir = !atRequest || info?.isDirectory === true;
    return lockAnswer(STATUS.OK, lock, false, rootIsDir);
  }
  return conditionAnswer(STATUS.PreconditionFailed, "lock-token-matches-request-uri");
}

/**
 * The write checks of a LOCK on an unmapped URL, as for a PUT there (name rules, the folder's
 * locks, preconditions): where its empty file would go, or the refusal. Nothing is made yet.
 */
async function placeForNewFile(
  ctx: DavContext,
  req: HttpRequest,
  raw: string,
): Promise<{ segments: string[]; fsPath: string } | HttpResponse> {
  const resolved = await resolveWriteTarget(ctx.uploads, raw);
  if (!resolved.ok) return resolved.response;
  const target = resolved.target;
  if (target.trailingSlash || target.segments.length === 0) {
    return plainAnswer(STATUS.Conflict, "Only a file can be locked into existence");
  }
  // Nothing is there yet: an If-Match cannot hold (RFC 9110 §13.1.1).
  if (preconditionsFail(req.method, req.headers, null)) {
    return plainAnswer(STATUS.PreconditionFailed, "Precondition failed");
  }
  const guard = await guardWrite(ctx, req, {
    segments: target.segments,
    etag: null,
    resources: changedResources("create", target.segments),
  });
  if (guard.refusal !== null) return guard.refusal;
  return { segments: target.segments, fsPath: target.fsPath };
}

/**
 * Makes the empty file of a granted LOCK on an unmapped URL: whether this request made it (else
 * another made a file or folder there meanwhile) and whether what is there is a folder, or the
 * refusal.
 */
async function createEmpty(
  ctx: DavContext,
  fsPath: string,
): Promise<{ created: boolean; isDir: boolean } | HttpResponse> {
  try {
    const file = await Deno.open(fsPath, { write: true, createNew: true });
    file.close();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      return plainAnswer(STATUS.Conflict, "The parent folder does not exist");
    }
    if (!(err instanceof Deno.errors.AlreadyExists)) return failure(err);
    // The name is held by something findResource did not show: a FIFO, socket or device, or a
    // link the read side does not follow. GET, PROPFIND, COPY and MOVE answer 404 for it, and so
    // does LOCK: it never locks (nor calls created) a name it would not serve. A file or folder
    // another request made meanwhile is visible, and is locked as it is.
    const info = await statVisible(ctx, fsPath);
    if (info === null) return plainAnswer(STATUS.NotFound, "Not found");
    return { created: false, isDir: info.isDirectory };
  }
  ctx.uploads.changed(fsPath);
  ctx.uploads.changed(dirname(fsPath));
  return { created: true, isDir: false };
}

/** What a `DAV:lockinfo` asks for, or null when it is not a write lock request. */
function parseLockInfo(root: XmlElement): { scope: LockScope; owner: string } | null {
  if (root.ns !== DAV_NS || root.local !== "lockinfo") return null;
  const scope = findChild(root, DAV_NS, "lockscope");
  const type = findChild(root, DAV_NS, "locktype");
  if (scope === null || type === null || findChild(type, DAV_NS, "write") === null) return null;
  const exclusive = findChild(scope, DAV_NS, "exclusive") !== null;
  if (!exclusive && findChild(scope, DAV_NS, "shared") === null) return null;
  const owner = findChild(root, DAV_NS, "owner");
  return {
    scope: exclusive ? "exclusive" : "shared",
    owner: owner ? serializeChildren(owner) : "",
  };
}

/** The timeout to grant for a `Timeout` field value (see the module doc). */
export function grantedTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LOCK_TIMEOUT_SECONDS;
  for (const item of value.split(",")) {
    const t = trimOws(item); // `Second-60\xA0` is no timeout we know: the default applies
    if (t.toLowerCase() === "infinite") return MAX_LOCK_TIMEOUT_SECONDS;
    if (t.toLowerCase().startsWith("second-")) {
      const n = parseDigits(t.slice("second-".length));
      if (n !== null) return Math.min(Math.max(n, 1), MAX_LOCK_TIMEOUT_SECONDS);
    }
  }
  return DEFAULT_LOCK_TIMEOUT_SECONDS;
}

function lockAnswer(
  status: number,
  lock: LockInfo,
  withToken: boolean,
  rootIsDir: boolean,
): HttpResponse {
  const body = '<?xml version="1.0" encoding="utf-8"?>\n' +
    `<D:prop xmlns:D="DAV:"><D:lockdiscovery>${activeLock(lock, Date.now(), rootIsDir)}` +
    "</D:lockdiscovery></D:prop>\n";
  return xmlAnswer(status, body, withToken ? [["Lock-Token", `<${lock.token}>`]] : []);
}
