/**
 * `GET /api/info`: the server's mode, limits and version as a small JSON document, so the web UI
 * shows only the controls the server will accept (no upload form on a read-only server, no delete
 * button without `--allow-delete`).
 *
 * This module must not touch sockets or the disk.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import type { AppConfig } from "./app_config.ts";
import { jsonResponse } from "./json_response.ts";

/** The route of the info endpoint. */
export const INFO_PATH = "/api/info";

/** The product name the UI shows. */
export const SERVER_NAME = "wireserve";

/** What `GET /api/info` answers. */
export interface ServerInfo {
  /** Always "wireserve". */
  name: typeof SERVER_NAME;
  /** The server's version. */
  version: string;
  /** Every write is refused (403). */
  readOnly: boolean;
  /** Writes that would replace an existing file are refused (409). */
  noOverwrite: boolean;
  /** `DELETE /files/...` is allowed. */
  allowDelete: boolean;
  /** Creating folders (`MKCOL /files/...`) is allowed. */
  allowMkdir: boolean;
  /** Largest accepted upload in bytes. */
  maxUploadBytes: number;
  /** Whether writes, and reads, need credentials (Basic or Bearer). */
  authRequired: { writes: boolean; reads: boolean };
  /** Dotfiles are listed and served. */
  dotfiles: boolean;
}

/** The info document for `config`. */
export function serverInfo(config: AppConfig): ServerInfo {
  const anyCredential = config.auth !== null || config.token !== null;
  return {
    name: SERVER_NAME,
    version: config.version,
    readOnly: config.readOnly,
    noOverwrite: config.noOverwrite,
    allowDelete: config.allowDelete && !config.readOnly,
    allowMkdir: config.allowMkdir && !config.readOnly,
    maxUploadBytes: config.maxUploadBytes,
    authRequired: { writes: anyCredential, reads: anyCredential && config.authAll },
    dotfiles: config.dotfiles,
  };
}

/**
 * The handler for `GET /api/info`, built once per config (the document never changes while the
 * server runs).
 *
 * Security: the document holds booleans, a size and the version — never the credentials, the
 * shared folder's path or any file name — so it is open to whoever may read: everyone by
 * default, only signed-in clients under `--auth-all` (the app-wide guard in auth.ts runs before
 * every route, this one included). `no-store` so a browser never shows the mode of a server
 * that has since restarted with other flags.
 */
export function infoHandler(config: AppConfig): () => HttpResponse {
  const info = serverInfo(config);
  return () => jsonResponse(STATUS.OK, info, [["Cache-Control", "no-store"]]);
}
