/**
 * What the rest of the server needs to know of tus without loading its flow (`tus_protocol.ts`,
 * imported on demand by `resumable_routes.ts`): which requests speak it, and what `OPTIONS`
 * advertises.
 *
 * This module must not touch sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import type { HttpRequest } from "../http/types.ts";

/** The protocol version we speak. */
export const TUS_VERSION = "1.0.0";
/** The extensions we implement (`Tus-Extension`). */
export const TUS_EXTENSIONS =
  "creation,creation-with-upload,creation-defer-length,termination,expiration,checksum";

/** The tus checksum algorithms we verify, by their tus names (`Tus-Checksum-Algorithm`). */
export const TUS_CHECKSUM_ALGORITHMS = {
  sha1: "sha1",
  sha256: "sha256",
  sha512: "sha512",
  md5: "md5",
} as const;

/** Whether `req` speaks tus (every tus request but OPTIONS carries `Tus-Resumable`). */
export function isTusRequest(req: HttpRequest): boolean {
  return req.headers.get("tus-resumable") !== undefined;
}

/** The discovery fields of an `OPTIONS` answer. */
export function tusDiscoveryFields(config: AppConfig): Array<[string, string]> {
  return [
    ["Tus-Resumable", TUS_VERSION],
    ["Tus-Version", TUS_VERSION],
    ["Tus-Extension", TUS_EXTENSIONS],
    ["Tus-Max-Size", String(config.maxUploadBytes)],
    ["Tus-Checksum-Algorithm", Object.keys(TUS_CHECKSUM_ALGORITHMS).join(",")],
  ];
}
