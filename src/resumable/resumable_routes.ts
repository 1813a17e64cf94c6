/**
 * The resumable-upload route lines. Creation claims the requests on `/files/` that ask for it —
 * `Tus-Resumable` (tus) or a valid `Upload-Complete` (the IETF draft) — and leaves every other
 * `POST`/`PUT` to `src/uploads/` unchanged. Upload resources of both protocols live at
 * `/api/uploads/<id>`; a request there with `Tus-Resumable` is answered as tus, any other as the
 * draft, and a `POST` with `X-HTTP-Method-Override` as the method it names
 * (`method_override.ts`). `OPTIONS` on `/files/…` advertises both (tus discovery; the draft's
 * `Accept-Patch`): WebDAV answers it, with `resumableOptionsFields` appended by the app's route
 * table.
 *
 * Under `--cors`, every answer here names the fields of both protocols in
 * `Access-Control-Expose-Headers` (a second field line beside the app's list, which a browser
 * joins to it, Fetch §3.2.6 "extract header list values"): a cross-origin script cannot read
 * `Upload-Offset` otherwise, and tus-js-client in a browser then fails every upload with
 * "invalid or missing offset value".
 *
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import type { AppConfig } from "../app/app_config.ts";
import { onDemand } from "../app/on_demand.ts";
import type { Route } from "../app/router.ts";
import { UPLOAD_MOUNT, type UploadHooks } from "../uploads/mod.ts";
import { draftDiscoveryFields, isDraftCreation } from "./draft_fields.ts";
import { hasMethodOverride } from "./method_override.ts";
import {
  RESOURCE_METHODS,
  type ResumableContext,
  resumableContext,
  UPLOADS_MOUNT,
} from "./resumable_context.ts";
import { isTusRequest, tusDiscoveryFields } from "./tus_discovery.ts";
import type { UsageLedger } from "./usage_ledger.ts";

/**
 * The response fields of both protocols a cross-origin script needs to read (`Location` is in
 * the app's own list): the same names tusd exposes.
 */
export const RESUMABLE_EXPOSED_HEADERS = [
  "Upload-Offset",
  "Upload-Length",
  "Upload-Defer-Length",
  "Upload-Metadata",
  "Upload-Expires",
  "Upload-Complete",
  "Upload-Limit",
  "Upload-Draft-Interop-Version",
  "Tus-Resumable",
  "Tus-Version",
  "Tus-Extension",
  "Tus-Max-Size",
  "Tus-Checksum-Algorithm",
].join(", ");

/** The methods of an upload resource that read it, and those that change it. */
const READS = RESOURCE_METHODS.filter((m) => m !== "PATCH" && m !== "DELETE");
const CHANGES = RESOURCE_METHODS.filter((m) => m === "PATCH" || m === "DELETE");

/**
 * The route lines for resumable uploads under `config`; `usage` is the server-wide ledger of the
 * caps (the shared service `UPLOAD_USAGE_SERVICE`), this isolate's own without it.
 */
export function resumableRoutes(
  config: AppConfig,
  hooks: UploadHooks = {},
  usage?: UsageLedger,
): Route[] {
  const ctx = resumableContext(config, hooks, Date.now, usage);
  const expose = exposer(config);
  // The two protocols' flows are loaded by the first resumable request (on_demand.ts): a worker
  // that never sees one never holds them.
  const flows = onDemand(async () => {
    const [tus, draft] = await Promise.all([
      import("./tus_protocol.ts"),
      import("./draft_protocol.ts"),
    ]);
    return { tus: tus.tusHandler, draft: draft.draftHandler };
  });
  const answer = async (req: HttpRequest) => {
    const { tus, draft } = await flows();
    return expose(req, await (isTusRequest(req) ? tus(ctx, req) : draft(ctx, req)));
  };
  const resource = (req: HttpRequest) =>
    req.method === "OPTIONS" ? Promise.resolve(expose(req, discovery(ctx))) : answer(req);
  return [
    {
      methods: ["POST", "PUT"],
      path: `${UPLOAD_MOUNT}*`,
      when: (req) => isTusRequest(req) || isDraftCreation(req),
      handler: answer,
    },
    // --read-only: PATCH and DELETE are routed only to be refused (403), so not offered in Allow.
    ...[READS, CHANGES].map((methods) => ({
      methods,
      path: `${UPLOADS_MOUNT}*`,
      handler: resource,
      unlisted: methods === CHANGES && config.readOnly,
    })),
    // A POST standing for PATCH, DELETE, HEAD or GET; a plain POST stays a 405 listing the
    // real methods — tus's own (with Tus-Resumable, which tus puts on every answer) for a tus
    // request.
    {
      methods: ["POST"],
      path: `${UPLOADS_MOUNT}*`,
      when: (req) => hasMethodOverride(req) || isTusRequest(req),
      unlisted: true,
      handler: resource,
    },
  ];
}

/** The tus discovery fields `OPTIONS` keeps under `--read-only`: the protocol's versions. */
const READ_ONLY_TUS_FIELDS = new Set(["Tus-Resumable", "Tus-Version"]);

/**
 * What `OPTIONS /files/…` adds for resumable uploads: tus discovery and the draft's fields. The
 * answer itself is WebDAV's (it owns OPTIONS on the share), with these fields appended. Under
 * `--read-only` every creation is refused: the extensions and the draft's `Accept-Patch` and
 * `Upload-Limit` (offered to "a resource that can create uploads") are left out, and so are
 * tus's `Tus-Max-Size` and `Tus-Checksum-Algorithm`, which describe uploads there can be none of:
 * a client does not take the share for one it can upload to.
 */
export function resumableOptionsFields(config: AppConfig): Array<[string, string]> {
  const tus = tusDiscoveryFields(config);
  if (config.readOnly) return tus.filter(([name]) => READ_ONLY_TUS_FIELDS.has(name));
  return [...tus, ...draftDiscoveryFields(config)];
}

/** `OPTIONS`: tus discovery and the draft's fields (its `Allow` is the router's, from the lines). */
function discovery(ctx: ResumableContext): HttpResponse {
  return { status: STATUS.NoContent, headers: resumableOptionsFields(ctx.config) };
}

/** Adds the exposed fields to answers to cross-origin requests under `--cors`. */
function exposer(config: AppConfig): (req: HttpRequest, res: HttpResponse) => HttpResponse {
  if (!config.cors) return (_req, res) => res;
  return (req, res) => {
    if (req.headers.get("origin") === undefined) return res;
    const exposed: [string, string] = ["Access-Control-Expose-Headers", RESUMABLE_EXPOSED_HEADERS];
    return { ...res, headers: [...(res.headers ?? []), exposed] };
  };
}
