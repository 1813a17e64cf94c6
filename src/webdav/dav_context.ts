/**
 * What every WebDAV handler shares: the config, the write side's context (root, auth guard,
 * the `changed` hook), the read side's served root (to hide what it would refuse), and the lock
 * service — plus the small answers they all give.
 *
 * This module must not touch sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import { textResponse } from "../app/router.ts";
import { XML_CONTENT_TYPE } from "../app/multistatus.ts";
import type { HttpResponse } from "../http/types.ts";
import type { HeldEntries, ServedRoot } from "../files/mod.ts";
import type { UploadContext } from "../uploads/mod.ts";
import type { LockService } from "./lock_service.ts";

/** Shared state of the WebDAV handlers for one config. */
export interface DavContext {
  config: AppConfig;
  /** The write side's context: root, auth guard, `changed` hook, storage error answers. */
  uploads: UploadContext;
  /** The read side's root: what it would refuse to serve, WebDAV does not show. */
  files: ServedRoot;
  locks: LockService;
  /** Fields other features add to `OPTIONS` on the share (resumable uploads' discovery). */
  optionsFields?: ReadonlyArray<[string, string]>;
  /** Where a large `PROPFIND Depth: 1` counts the entries it holds (shared with listings). */
  listed: HeldEntries;
}

/** A plain-text answer: `text` plus a newline. */
export function plainAnswer(status: number, text: string): HttpResponse {
  return textResponse(status, `${text}\n`);
}

/** An XML answer with `body` (a complete document). */
export function xmlAnswer(status: number, body: string, headers: Array<[string, string]> = []) {
  return {
    status,
    headers: [["Content-Type", XML_CONTENT_TYPE], ...headers] as Array<[string, string]>,
    body,
  };
}

/** A `DAV:error` body naming one precondition or postcondition (RFC 4918 §16). */
export function conditionAnswer(status: number, condition: string, inner = ""): HttpResponse {
  const body = '<?xml version="1.0" encoding="utf-8"?>\n' +
    `<D:error xmlns:D="DAV:">${
      inner === "" ? `<D:${condition}/>` : `<D:${condition}>${inner}</D:${condition}>`
    }</D:error>\n`;
  return xmlAnswer(status, body);
}
