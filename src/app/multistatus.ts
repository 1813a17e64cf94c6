/**
 * The `207 Multi-Status` answer (RFC 4918 §13) for a request that changed several resources and
 * failed on some: one `DAV:response` per failed member with its status. Shared by the features
 * that change trees of files — a recursive DELETE (uploads) and COPY/MOVE (WebDAV) — so both
 * answer partial failures the same way. The document's head and tail are here too, for the
 * WebDAV answers that build their own 207 (PROPFIND, PROPPATCH).
 *
 * This module must not touch the disk.
 * @module
 */

import { STATUS, STATUS_TEXT } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";

/** The media type of every WebDAV XML body (RFC 4918 §8.2 prefers application/xml). */
export const XML_CONTENT_TYPE = "application/xml; charset=utf-8";

/**
 * How every 207 document starts (RFC 4918 §13): the XML declaration and the `DAV:multistatus`
 * root with the `D` prefix every element of ours uses. One spelling for PROPFIND, PROPPATCH and
 * the partial failures of DELETE, COPY and MOVE, so no answer drifts from the others.
 */
export const MULTISTATUS_HEAD =
  '<?xml version="1.0" encoding="utf-8"?>\n<D:multistatus xmlns:D="DAV:">\n';

/** How every 207 document ends: the root closed ({@link MULTISTATUS_HEAD}). */
export const MULTISTATUS_TAIL = "</D:multistatus>\n";

/** One member that failed: its URL path (percent-encoded) and the status it got. */
export interface MemberStatus {
  href: string;
  status: number;
}

/** The status line a `DAV:status` element carries (§14.28). */
export function statusLine(status: number): string {
  return `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ""}`.trimEnd();
}

/** `s` escaped for XML text (hrefs are percent-encoded already; this keeps them safe anyway). */
export function escapeXmlText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A 207 listing `members` with their statuses. */
export function multiStatus(members: readonly MemberStatus[]): HttpResponse {
  let body = MULTISTATUS_HEAD;
  for (const m of members) {
    body += `<D:response><D:href>${escapeXmlText(m.href)}</D:href><D:status>${
      statusLine(m.status)
    }</D:status></D:response>\n`;
  }
  body += MULTISTATUS_TAIL;
  return { status: STATUS.MultiStatus, headers: [["Content-Type", XML_CONTENT_TYPE]], body };
}
