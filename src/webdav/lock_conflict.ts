/**
 * The answer to a LOCK that an existing lock refuses (RFC 4918 §9.10.3, §16):
 *
 * - the conflicting lock covers the Request-URI itself → 423 with `no-conflicting-lock`;
 * - it is rooted on a member below a `Depth: infinity` LOCK's collection → 207 Multi-Status:
 *   the lock "MUST fail with a 207" naming the member that could not be locked, 423 with
 *   `no-conflicting-lock` holding the conflicting lock's root, and the Request-URI, which failed
 *   only because of it, 424 Failed Dependency (§9.10.3; the example of §9.10.10). Clients such as
 *   cadaver and the Windows redirector show which member holds the folder up.
 *
 * This module must not touch sockets.
 * @module
 */

import { join } from "node:path";
import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import {
  escapeXmlText,
  MULTISTATUS_HEAD,
  MULTISTATUS_TAIL,
  statusLine,
  XML_CONTENT_TYPE,
} from "../app/multistatus.ts";
import { conditionAnswer, type DavContext } from "./dav_context.ts";
import { hrefOf, resourcePath } from "./dav_path.ts";
import { isBelow } from "./lock_table.ts";

/** The refusal of a LOCK on `segments` (a folder if `isDir`) that the lock at `root` blocks. */
export async function lockConflictAnswer(
  ctx: DavContext,
  segments: readonly string[],
  isDir: boolean,
  root: string,
): Promise<HttpResponse> {
  if (!isBelow(root, resourcePath(segments))) {
    return conditionAnswer(STATUS.Locked, "no-conflicting-lock");
  }
  const member = root.slice(1).split("/");
  // The member's href ends in "/" when it is a folder, as in PROPFIND and lockroot.
  const memberIsDir = await Deno.stat(join(ctx.uploads.root, ...member))
    .then((st) => st.isDirectory, () => false);
  const memberHref = escapeXmlText(hrefOf(member, memberIsDir));
  const body = MULTISTATUS_HEAD +
    `<D:response><D:href>${memberHref}</D:href>` +
    `<D:status>${statusLine(STATUS.Locked)}</D:status>` +
    `<D:error><D:no-conflicting-lock><D:href>${memberHref}</D:href></D:no-conflicting-lock>` +
    "</D:error></D:response>\n" +
    `<D:response><D:href>${escapeXmlText(hrefOf(segments, isDir))}</D:href>` +
    `<D:status>${statusLine(STATUS.FailedDependency)}</D:status></D:response>\n` +
    MULTISTATUS_TAIL;
  return { status: STATUS.MultiStatus, headers: [["Content-Type", XML_CONTENT_TYPE]], body };
}
