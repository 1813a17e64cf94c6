/**
 * Which file a creation request names. A file URL (`POST /files/docs/a.bin`) names itself. A
 * folder URL (`POST /files/docs/`, the tus creation URL) takes the name from the request: tus
 * `Upload-Metadata` `filename` — or `relativePath`, which Uppy sends for folder uploads
 * (`photos/2024/a.jpg`) and which may name sub-folders — or, for the IETF draft, the
 * `Content-Disposition` `filename` (the draft recommends `inline; filename=…`).
 *
 * Security reasoning: every segment of a name from the request must pass the write name rules
 * (`uploadNameProblem`) on its own, before it is joined to the folder: a `..` or `a/../..` in
 * `relativePath` would otherwise be resolved away by the path resolver and land the file outside
 * the folder the client posted to (still inside the root, but not where it asked).
 *
 * This module must not touch the disk.
 * @module
 */

import type { FieldSource } from "../app/conditional.ts";
import { percentDecode } from "../app/percent_decode.ts";
import { isReservedName } from "../app/reserved_names.ts";
import { encodeSegment } from "../files/mod.ts";
import { uploadNameProblem } from "../uploads/mod.ts";
import { metadataText, type TusMetadata } from "./tus_metadata.ts";

/** Most folder levels a `relativePath` may add. */
export const MAX_RELATIVE_SEGMENTS = 32;

/** The raw path below `/files/` of the file to write, or why the request names none. */
export type CreationTarget = { ok: true; rawPath: string } | { ok: false; reason: string };

/** Where a creation to `rawUrlPath` (below the mount) with `meta` / `fields` writes. */
export function creationTarget(
  rawUrlPath: string,
  meta: TusMetadata | null,
  fields: FieldSource,
  dotfiles: boolean,
): CreationTarget {
  if (rawUrlPath !== "" && !rawUrlPath.endsWith("/")) return { ok: true, rawPath: rawUrlPath };
  const relative = meta === null ? null : relativePath(metadataText(meta, "relativePath"));
  const name = relative ?? (meta === null ? null : nonEmpty(metadataText(meta, "filename"))) ??
    dispositionFilename(fields.list("content-disposition"));
  if (name === null) {
    return { ok: false, reason: "A folder URL needs a file name (Upload-Metadata filename)" };
  }
  const segments = relative !== null ? name.split("/") : [name];
  if (segments.length > MAX_RELATIVE_SEGMENTS) return { ok: false, reason: "Path too deep" };
  for (const segment of segments) {
    // "reserved" first: it says more than "dotfile name" (as a PUT's path is told)
    const problem = isReservedName(segment) ? "reserved" : uploadNameProblem(segment, { dotfiles });
    if (problem !== null) return { ok: false, reason: `Refused name: ${problem}` };
  }
  return { ok: true, rawPath: rawUrlPath + segments.map(encodeSegment).join("/") };
}

/**
 * Uppy sends the string "null" for a file without a relative path. Only there: a `filename` of
 * "null" is a file named so. Uppy 3 sends a dropped folder's paths with one leading "/"
 * (`/photos/a.jpg`), relative to the drop all the same: that one slash goes, and every segment
 * left is still held to the name rules (a second slash is an empty name, refused).
 */
function relativePath(value: string | null): string | null {
  if (value === "null") return null;
  return nonEmpty(value?.startsWith("/") ? value.slice(1) : value);
}

function nonEmpty(value: string | null): string | null {
  return value === null || value === "" ? null : value;
}

/**
 * The filename of a `Content-Disposition` value (RFC 6266 §4.3): `filename*=UTF-8''…` preferred,
 * else `filename="…"` or a token. Null when there is none or it cannot be decoded. White space
 * around the parameters is OWS (SP, HTAB; RFC 9110 §5.6.3) only: a NBSP is part of a value.
 */
export function dispositionFilename(value: string | undefined): string | null {
  if (value === undefined) return null;
  const star = /;[ \t]*filename\*[ \t]*=[ \t]*utf-8'[^']*'([^; \t]+)/i.exec(value);
  if (star !== null) return percentDecode(star[1]);
  const quoted = /;[ \t]*filename[ \t]*=[ \t]*"((?:[^"\\]|\\.)*)"/i.exec(value);
  if (quoted !== null) return quoted[1].replace(/\\(.)/g, "$1");
  const token = /;[ \t]*filename[ \t]*=[ \t]*([^; \t"]+)/i.exec(value);
  return token === null ? null : token[1];
}
