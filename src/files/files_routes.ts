/**
 * The serving-files feature's route lines: `GET`/`HEAD /files/<path>` (a file or a listing, with
 * `Repr-Digest` when asked and the headers that keep uploaded pages from running as the UI),
 * `POST /files/<dir>/?zip` (a selection too long for a URL, as a form) and `/files` (308 to
 * `/files/`).
 *
 * This module must not touch sockets.
 * @module
 */

import type { AppConfig } from "../app/app_config.ts";
import type { SharedCount } from "../http/shared_count.ts";
import type { Route } from "../app/router.ts";
import { FILES_BARE, FILES_MOUNT, filesHandler, zipFormHandler } from "./files_handler.ts";
import type { HeldEntries } from "./listing_response.ts";
import { withReprDigest } from "./repr_digest.ts";
import type { ServedRoot } from "./served_root.ts";
import { withUntrustedContentHeaders } from "./untrusted_content.ts";
import { isZipPost } from "./zip_form.ts";

/**
 * The read routes of the shared folder, served through `root` (see `sharedFolderRoot`), with the
 * server-wide counts of archives being made and of entries held by streamed listings.
 */
export function filesRoutes(
  config: AppConfig,
  root: ServedRoot,
  zipsRunning: SharedCount,
  listed: HeldEntries,
): Route[] {
  const files = filesHandler(config, root, zipsRunning, listed);
  // Want-Repr-Digest → Repr-Digest on downloads (RFC 9530), around the file handler.
  const digestOpts = { root: root.root, mount: FILES_MOUNT, dotfiles: config.dotfiles };
  // Uploaded HTML/SVG must not run as the UI's origin: nosniff everywhere, sandbox active types.
  const served = withUntrustedContentHeaders(withReprDigest(digestOpts, files));
  const zipForm = withUntrustedContentHeaders(zipFormHandler(config, root, zipsRunning, listed));
  return [
    { methods: ["GET"], path: `${FILES_MOUNT}*`, handler: served }, // /files/<path>: file or listing
    // POST /files/<dir>/?zip: the names in a form body. Before the upload routes, which would
    // take any POST there: a request asking for an archive is never an upload.
    { methods: ["POST"], path: `${FILES_MOUNT}*`, handler: zipForm, when: isZipPost },
    { methods: ["GET"], path: FILES_BARE, handler: withUntrustedContentHeaders(files) }, // /files → 308 /files/
  ];
}
