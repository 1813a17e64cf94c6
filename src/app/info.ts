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
import type { AppHooks } from "./app_hooks.ts";
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
  /** Largest accepted upload in bytes; null on a read-only server (it takes no upload). */
  maxUploadBytes: number | null;
  /** Whether writes, and reads, need credentials (Basic or Bearer). */
  authRequired: { writes: boolean; reads: boolean };
  /** Dotfiles are listed and served. */
  dotfiles: boolean;
  /**
   * The http(s) URLs another machine on the LAN can open (the page shows them with a QR code);
   * empty when the server is bound to loopback only.
   */
  lanUrls: string[];
}

/** The info document for `config`. */
export function serverInfo(config: AppConfig, lanUrls: readonly string[] = []): ServerInfo {
  const anyCredential = config.auth !== null || config.token !== null;
  return {
    name: SERVER_NAME,
    version: config.version,
    readOnly: config.readOnly,
    noOverwrite: config.noOverwrite,
    allowDelete: config.allowDelete && !config.readOnly,
    allowMkdir: config.allowMkdir && !config.readOnly,
    maxUploadBytes: config.readOnly ? null : config.maxUploadBytes,
    authRequired: { writes: anyCredential, reads: anyCredential && config.authAll },
    dotfiles: config.dotfiles,
    lanUrls: [...lanUrls],
  };
}

/**
 * The handler for `GET /api/info`, built once per config (the document never changes while the
 * server runs).
 *
 * Security: the document holds booleans, a size, the version and the addresses the server is
 * bound to (what a visitor already reached it by, or its LAN neighbours can) — never the credentials, the
 * shared folder's path or any file name — so it is open to whoever may read: everyone by
 * default, only signed-in clients under `--auth-all` (the app-wide guard in auth.ts runs before
 * every route, this one included). `no-store` so a browser never shows the mode of a server
 * that has since restarted with other flags.
 */
export function infoHandler(
  config: AppConfig,
  hooks?: Pick<AppHooks, "lanUrls">,
): () => HttpResponse {
  const info = serverInfo(config);
  // The LAN URLs are known only once the server listens: read at each request.
  return () =>
    jsonResponse(STATUS.OK, { ...info, lanUrls: [...(hooks?.lanUrls?.() ?? [])] }, [
      ["Cache-Control", "no-store"],
    ]);
}
