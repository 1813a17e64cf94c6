/**
 * The lock check every change under `/files/` passes — WebDAV's own (PROPPATCH, COPY, MOVE,
 * LOCK) and, through the uploads' write-guard hook, PUT, POST, DELETE and MKCOL:
 *
 * 1. An `If` header (RFC 4918 §10.4) is parsed (400 when malformed) and evaluated against the
 *    resources it names — their current ETag and the locks covering them; false → 412.
 * 2. Every lock on what the request changes must be matched by a token the header submitted
 *    (§7.5, §6.4); otherwise → 423 with the `lock-token-submitted` precondition naming the lock's
 *    root (§16).
 *
 * Step 1 alone is `checkIf`, which the reads use too (`read_guard.ts`, PROPFIND): the header is a
 * precondition of any method (§10.4.1); only the lock check is the changes' own.
 *
 * What a request changes (the caller says): a new name changes its folder's membership, so the
 * folder's locks count (§7.4: a depth-0 lock on a collection protects its member list); a
 * removal changes the folder and everything below the removed name (§9.6.1).
 *
 * One resource has a URL per symlink on the way to it: each changed resource is checked under its
 * URL and under its real spelling (`real_resource.ts`), so a link inside the share does not
 * bypass a lock on the file or folder it leads to, and the `If` header's state tokens are those
 * of the locks on either spelling (resolved only when the header is sent).
 *
 * This module must not touch sockets.
 * @module
 */

import { join } from "node:path";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { escapeXmlText } from "../app/multistatus.ts";
import { codingEtagsOf, validatorsOf, type WriteGuard } from "../uploads/mod.ts";
import { conditionAnswer, type DavContext, plainAnswer } from "./dav_context.ts";
import { hrefOf, parentPath, resourcePath, urlBelowMount } from "./dav_path.ts";
import { evaluateIf, type IfResourceState, parseIfHeader, taggedResources } from "./if_header.ts";
import type { LockedResource } from "./lock_table.ts";
import { RealResources } from "./real_resource.ts";
import { resolveRead, statVisible } from "./resource.ts";

/** What a guarded request is about. */
export interface GuardRequest {
  /** The request's own resource (untagged `If` lists apply to it). */
  segments: readonly string[];
  /** Its current ETag, or null when it does not exist. */
  etag: string | null;
  /** What the request changes. */
  resources: LockedResource[];
}

/** The outcome: null to go ahead, or the refusal; `tokens` are the lock tokens submitted. */
export interface GuardOutcome {
  refusal: HttpResponse | null;
  tokens: string[];
  /** Of `tokens`, those in the `If` lists that hold (`checkIf` only; see `if_header.ts`). */
  held?: string[];
}

/** Checks the `If` header and the locks for a change; see the module doc. */
export async function guardWrite(
  ctx: DavContext,
  req: HttpRequest,
  g: GuardRequest,
): Promise<GuardOutcome> {
  const reals = new RealResources(ctx);
  const checked = await checkIf(ctx, req, g.segments, g.etag, reals);
  if (checked.refusal !== null) return checked;
  const tokens = checked.tokens;
  const check = await ctx.locks.check({ resources: await reals.with(g.resources), tokens });
  if (check.ok) return { refusal: null, tokens };
  return { refusal: await lockedAnswer(ctx, check.root), tokens };
}

/**
 * Evaluates the request's `If` header (RFC 4918 §10.4) for a request on `segments`, whose
 * current ETag is `etag` (null when it does not exist): 400 when it does not parse, 412 when it
 * is false, else no refusal and the lock tokens it submits (none without the header). Any
 * method's: the header is a precondition on reads as on writes (§10.4.1). A resource's locks are
 * those on its URL and on its real spelling (`reals` resolves them, one made when not given).
 */
export async function checkIf(
  ctx: DavContext,
  req: HttpRequest,
  segments: readonly string[],
  etag: string | null,
  reals: RealResources = new RealResources(ctx),
): Promise<GuardOutcome> {
  const value = req.headers.list("if");
  if (value === undefined) return { refusal: null, tokens: [] };
  const lists = parseIfHeader(value);
  if (lists === null) {
    return { refusal: plainAnswer(STATUS.BadRequest, "Malformed If header"), tokens: [] };
  }
  const requestPath = resourcePath(segments);
  const states = new Map<string | null, IfResourceState>();
  states.set(null, { etag: null, lockTokens: [] });
  states.set(requestPath, {
    etag,
    codingEtags: etag === null ? [] : codingEtagsOf(etag),
    lockTokens: (await ctx.locks.covering(requestPath, await reals.of(segments)))
      .map((l) => l.token),
  });
  const tagPaths = new Map<string, string | null>();
  for (const tag of taggedResources(lists)) {
    const path = await tagState(ctx, req, tag, states, reals);
    tagPaths.set(tag, path);
  }
  const outcome = evaluateIf(
    lists,
    requestPath,
    (tag) => tagPaths.get(tag) ?? null,
    (path) => states.get(path) ?? states.get(null)!,
  );
  if (!outcome.ok) {
    return { refusal: plainAnswer(STATUS.PreconditionFailed, "Precondition failed"), tokens: [] };
  }
  return { refusal: null, tokens: outcome.tokens, held: outcome.held };
}

/** The 423 for a change that did not submit the token of the lock rooted at `root`. */
export async function lockedAnswer(ctx: DavContext, root: string): Promise<HttpResponse> {
  const segments = root === "/" ? [] : root.slice(1).split("/");
  // A folder's href ends in "/", as in PROPFIND and lockroot: the disk says which the root is.
  const isDir = await Deno.stat(join(ctx.uploads.root, ...segments))
    .then((st) => st.isDirectory, () => false);
  const href = `<D:href>${escapeXmlText(hrefOf(segments, isDir))}</D:href>`;
  return conditionAnswer(STATUS.Locked, "lock-token-submitted", href);
}

/** The resources a change of `kind` at `segments` touches (see the module doc). */
export function changedResources(
  kind: "create" | "replace" | "remove",
  segments: readonly string[],
): LockedResource[] {
  const path = resourcePath(segments);
  const parent = parentPath(segments);
  const out: LockedResource[] = [{ path, depth: kind === "remove" ? "infinity" : "0" }];
  if (kind !== "replace" && parent !== null) out.push({ path: parent, depth: "0" });
  return out;
}

/** The uploads' write guard: PUT, POST, DELETE and MKCOL pass the same lock check. */
export function uploadWriteGuard(ctx: DavContext): WriteGuard {
  return async (req, intent) => {
    const etag = intent.existing === null ? null : validatorsOf(intent.existing).etag;
    const resources = changedResources(intent.kind, intent.segments);
    return (await guardWrite(ctx, req, { segments: intent.segments, etag, resources })).refusal;
  };
}

/**
 * Whether a request holds a lock on the resource at `segments`: a lock covers it and the
 * request's `If` header, true as a whole, submits that lock's token.
 */
export function lockHeldBy(ctx: DavContext) {
  return async (req: HttpRequest, segments: readonly string[]): Promise<boolean> => {
    const reals = new RealResources(ctx);
    const covering = await ctx.locks.covering(resourcePath(segments), await reals.of(segments));
    if (covering.length === 0) return false;
    const info = await statVisible(ctx, join(ctx.uploads.root, ...segments));
    const etag = info === null ? null : validatorsOf(info).etag;
    const { refusal, tokens } = await checkIf(ctx, req, segments, etag, reals);
    return refusal === null && covering.some((lock) => tokens.includes(lock.token));
  };
}

/** Looks up the resource a tag names, records its state, and returns its path (or null). */
async function tagState(
  ctx: DavContext,
  req: HttpRequest,
  tag: string,
  states: Map<string | null, IfResourceState>,
  reals: RealResources,
): Promise<string | null> {
  const url = urlBelowMount(tag, req.host);
  if (!url.ok) return null; // another server's resource: no state of ours matches it
  const path = resolveRead(ctx, url.raw);
  if ("status" in path) return null;
  const key = resourcePath(path.segments);
  if (!states.has(key)) {
    const info = await statVisible(ctx, path.fsPath);
    const etag = info === null ? null : validatorsOf(info).etag;
    states.set(key, {
      etag,
      codingEtags: etag === null ? [] : codingEtagsOf(etag),
      lockTokens: (await ctx.locks.covering(key, await reals.of(path.segments)))
        .map((l) => l.token),
    });
  }
  return key;
}
