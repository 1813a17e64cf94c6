/**
 * The resumable-upload route lines. Creation claims the requests on `/files/` that ask for it —
 * `Tus-Resumable` (tus) or a valid `Upload-Complete` (the IETF draft) — and leaves every other
 * `POST`/`PUT` to `src/uploads/` unchanged. Upload resources of both protocols live at
 * `/api/uploads/<id>`; a request there with `Tus-Resumable` is answered as tus, any other as the
 * draft. `OPTIONS` on `/files/…` advertises both (tus discovery; the draft's `Accept-Patch`):
 * WebDAV answers it, with `resumableOptionsFields` appended by the app's route table.
 *
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import type { AppConfig } from "../app/app_config.ts";
import type { Route } from "../app/router.ts";
import { UPLOAD_MOUNT, type UploadHooks } from "../uploads/mod.ts";
import { draftDiscoveryFields, draftHandler, isDraftCreation } from "./draft_protocol.ts";
import { type ResumableContext, resumableContext, UPLOADS_MOUNT } from "./resumable_context.ts";
import { isTusRequest, tusDiscoveryFields, tusHandler } from "./tus_protocol.ts";

/** The methods of an upload resource. */
const RESOURCE_METHODS = ["HEAD", "PATCH", "DELETE", "OPTIONS"];

/** The route lines for resumable uploads under `config`. */
export function resumableRoutes(config: AppConfig, hooks: UploadHooks = {}): Route[] {
  const ctx = resumableContext(config, hooks);
  const answer = (req: HttpRequest) =>
    isTusRequest(req) ? tusHandler(ctx, req) : draftHandler(ctx, req);
  return [
    {
      methods: ["POST", "PUT"],
      path: `${UPLOAD_MOUNT}*`,
      when: (req) => isTusRequest(req) || isDraftCreation(req),
      handler: answer,
    },
    {
      methods: RESOURCE_METHODS,
      path: `${UPLOADS_MOUNT}*`,
      handler: (req) =>
        req.method === "OPTIONS" ? discovery(ctx, RESOURCE_METHODS.join(", ")) : answer(req),
    },
  ];
}

/**
 * What `OPTIONS /files/…` adds for resumable uploads: tus discovery and the draft's fields. The
 * answer itself is WebDAV's (it owns OPTIONS on the share), with these fields appended.
 */
export function resumableOptionsFields(config: AppConfig): Array<[string, string]> {
  return [...tusDiscoveryFields(config), ...draftDiscoveryFields(config)];
}

/** `OPTIONS`: what the resource allows, tus discovery and the draft's fields. */
function discovery(ctx: ResumableContext, allow: string): HttpResponse {
  return {
    status: STATUS.NoContent,
    headers: [["Allow", allow], ...resumableOptionsFields(ctx.config)],
  };
}
