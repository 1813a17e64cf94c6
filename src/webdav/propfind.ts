/**
 * `PROPFIND` (RFC 4918 §9.1): the properties of a resource (`Depth: 0`) or of a folder and its
 * members (`Depth: 1`), as a 207 Multi-Status. This file decides what the request may ask and
 * what it costs; what each resource answers is `propfind_query.ts`'s, the streamed document and
 * which members it lists `propfind_members.ts`'s.
 *
 * Decisions:
 * - `Depth: infinity` on a folder, and a missing `Depth` (which means infinity, §9.1) → 403 with the
 *   `propfind-finite-depth` precondition (§16): a whole-tree listing of a large share is an
 *   unbounded amount of work for one request. A bad value → 400.
 * - An empty body is `allprop` (§9.1); a body that is not a `DAV:propfind` → 400.
 * - The `If` header is a precondition here too (§10.4.1), checked once the resource is known to
 *   exist (`write_guard.ts`'s `checkIf`); a lock never refuses a read.
 * - The answer streams (`propfind_members.ts`); the folder is read before the 207 goes out, so
 *   running out of descriptors is a 503, and a folder the server may not read a 403 (Apache's
 *   answer too), never an empty folder: a sync client would delete its copies of the members.
 * - A folder of STREAM_FROM_ENTRIES names or more holds them until its answer is sent, counted
 *   against the server-wide cap that large listings share (`holdingEntries`): 503 past it.
 * - Reads need credentials only under `--auth-all` (like GET).
 *
 * This module must not touch sockets.
 * @module
 */

import { trimOws } from "../http/ows.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { XML_CONTENT_TYPE } from "../app/multistatus.ts";
import { holdingEntries, STREAM_FROM_ENTRIES } from "../files/mod.ts";
import { conditionAnswer, type DavContext, plainAnswer } from "./dav_context.ts";
import { belowMount, hrefOf, resourcePath } from "./dav_path.ts";
import { readDeadProps, recordNames } from "./dead_props.ts";
import type { Described } from "./live_props.ts";
import { propfindMembers, readEntries, singleResponse } from "./propfind_members.ts";
import {
  ALLPROP,
  describeOne,
  MAX_PROPFIND_NAMES,
  namedCount,
  needsDeadProps,
  needsLocks,
  parsePropfindQuery,
} from "./propfind_query.ts";
import { readXmlBody } from "./request_xml.ts";
import { validatorsOf } from "../uploads/mod.ts";
import { checkIf } from "./write_guard.ts";
import { findResource } from "./resource.ts";

/** Answers a PROPFIND. */
export async function propfind(ctx: DavContext, req: HttpRequest): Promise<HttpResponse> {
  const denied = ctx.uploads.guard(req, "read");
  if (denied !== null) return denied;
  // OWS only (RFC 9110 §5.6.3): `1\xA0` is no Depth, so 400.
  const depthField = req.headers.list("depth");
  const depth = depthField === undefined ? "infinity" : trimOws(depthField).toLowerCase();
  if (depth !== "0" && depth !== "1" && depth !== "infinity") {
    return plainAnswer(STATUS.BadRequest, "Depth must be 0, 1 or infinity");
  }
  const body = await readXmlBody(req);
  if (!body.ok) return body.response;
  const query = body.root === null ? ALLPROP : parsePropfindQuery(body.root);
  if (query === null) return plainAnswer(STATUS.BadRequest, "Not a DAV:propfind body");
  if (namedCount(query) > MAX_PROPFIND_NAMES) {
    return plainAnswer(
      STATUS.BadRequest,
      `Cannot answer a PROPFIND naming more than ${MAX_PROPFIND_NAMES} properties`,
    );
  }
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
  const [covering, onMembers] = await Promise.all([
    ctx.locks.covering(resourcePath(found.segments)),
    depth === "1" && found.isDir ? ctx.locks.onMembers(resourcePath(found.segments)) : [],
  ]);
  const needsDead = needsDeadProps(query);
  const self: Described = {
    segments: found.segments,
    isDir: found.isDir,
    info: found.info,
    locks: covering,
    nowMs: Date.now(),
    lockable: !ctx.config.readOnly,
  };
  const first = describeOne(
    self,
    needsDead ? await readDeadProps(found.fsPath, found.isDir) : [],
    query,
    hrefOf(found.segments, found.isDir),
  );
  // §5.2: a collection's URL ends in "/"; asked without it, the answer says which URL it is.
  const fields: Array<[string, string]> = found.isDir && !req.path.endsWith("/")
    ? [["Content-Location", hrefOf(found.segments, true)]]
    : [];
  if (depth !== "1" || !found.isDir) return multistatus(singleResponse(first), fields);
  const records = needsDead ? await recordNames(found.fsPath) : new Set<string>();
  // The folder is read before the 207 goes out: once the head is sent a failure can only cut the
  // document short, and out of descriptors must be a 503, not an empty folder. From here to the
  // cap below nothing is awaited: a request refused at the cap drops its entries at once, so
  // a thousand concurrent PROPFINDs of a large folder never hold a thousand copies of it (they
  // did, while each awaited its property records: an attack probe took one worker to 2.7 GB).
  const entries = readEntries(found.fsPath);
  // refuse: a folder the server may not read is not answered as an empty one (a sync client
  // would delete its copies of what it holds): the request fails as the read did
  if (typeof entries === "number") return plainAnswer(entries, FOLDER_READ_FAILURES[entries]);
  const opts = {
    needsDead,
    locks: needsLocks(query) ? [...covering, ...onMembers] : [],
    entries,
    records,
  };
  const answer = () => multistatus(propfindMembers(ctx, found, query, first, opts), fields);
  // A large folder's names stay in memory until the client has read the answer: they count
  // against the server-wide cap that large listings share (503 past it).
  return entries.length < STREAM_FROM_ENTRIES
    ? answer()
    : holdingEntries(ctx.listed, entries.length, answer);
}

/** The text of each status `readEntries` may answer instead of the members. */
const FOLDER_READ_FAILURES: Readonly<Record<number, string>> = {
  [STATUS.Forbidden]: "The server may not read this folder",
  [STATUS.NotFound]: "Not found",
  [STATUS.InternalServerError]: "Cannot read this folder",
};

/** A 207 whose document is `stream`, with `fields` besides its type. */
function multistatus(
  stream: AsyncIterable<Uint8Array>,
  fields: Array<[string, string]>,
): HttpResponse {
  return {
    status: STATUS.MultiStatus,
    headers: [["Content-Type", XML_CONTENT_TYPE], ...fields],
    body: { kind: "stream", stream },
  };
}
