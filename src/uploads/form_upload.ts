/**
 * `POST /files/<dir>/` with `multipart/form-data`: every file part is streamed into its own temp
 * file in that folder while the body arrives (`multipart_stream.ts`, pumped with overlapping
 * reads and writes), and only when the whole body has arrived, ended with its closing boundary
 * and passed its digest are they all renamed into place. Plain form fields are ignored.
 *
 * Decisions:
 * - All or nothing: a body that breaks off, is malformed, or names a refused file stores nothing
 *   — the same promise as a single upload, and what a user who sees an error expects. Names are
 *   checked when a part starts and again, all of them, once the whole body is there (another
 *   client may have taken one meanwhile); only then are the files moved, and a move that fails
 *   undoes the ones before it (`form_place.ts`).
 * - A part's filename is reduced to its base name (`C:\x\a.txt`, `../a.txt` → `a.txt`) and must
 *   then pass the write name rules (400 otherwise); two files of the same name in one form → 400,
 *   since one would silently replace the other; a part without a filename (a text field), or with
 *   an empty one (a file input left empty), is skipped. A part whose file name cannot be read (a
 *   `filename*` not in UTF-8, and no `filename`) refuses the form (400): it is a file all the
 *   same (RFC 7578 §4.2), and skipping it stored the form without it.
 * - Existing names are replaced unless `--no-overwrite` (409 before the body continues).
 * - A form without any file part (only fields, or a file input left empty) is 400 and changes
 *   nothing — no folder is left behind for it.
 * - The answer is JSON listing what was stored (201); a plain HTML form submission — `Accept`
 *   ranking text/html above JSON and no `Sec-Fetch-Mode` other than `navigate`, i.e. not
 *   `fetch()` (`browser_form.ts`) — gets `303 See Other` back to the folder listing, so the
 *   browser shows the folder with the new files and a reload does not post again.
 * - `Content-Digest` / `Repr-Digest` cover the whole multipart body (that is the content).
 *
 * This module must not touch sockets.
 * @module
 */

import { join } from "node:path";
import { HttpError } from "../http/errors.ts";
import { STATUS } from "../http/status.ts";
import { closingUnread } from "../http/drain_body.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { BodyDigests, expectedDigests } from "../app/digest.ts";
import { encodeSegment } from "../files/mod.ts";
import { formDataType, parsePartHead } from "./multipart_part_head.ts";
import { MultipartError, type MultipartEvent, MultipartStreamParser } from "./multipart_stream.ts";
import { isReservedName } from "../app/reserved_names.ts";
import { TempFile } from "./temp_file.ts";
import { createTempInFolder, type MadeFolders } from "./temp_in_folder.ts";
import { placeAll } from "./form_place.ts";
import { folderStillChecked } from "./checked_folder.ts";
import { isBrowserForm } from "./browser_form.ts";
import { baseName, uploadNameProblem } from "./upload_name.ts";
import { pumpBody } from "./upload_pump.ts";
import { jsonResponse } from "../app/json_response.ts";
import {
  pathBelowMount,
  plain,
  tooLarge,
  type UploadContext,
  uploadFailure,
  writeRefusal,
} from "./upload_context.ts";
import { preconditionsFail } from "./write_conditions.ts";
import {
  existingValidators,
  hiddenBehindLink,
  prepareFolder,
  realSegments,
  resolveWriteTarget,
  type WriteTarget,
} from "./write_target.ts";

/** The refusal of a file part whose `filename*` is malformed or not UTF-8, with no `filename`. */
export const UNREADABLE_FILENAME =
  "Refused name: cannot be read (a filename* not in UTF-8, and no filename)";

/** One file of the form, written to its temp file. */
interface StoredPart {
  name: string;
  temp: TempFile;
  size: number;
}

/** A refusal decided while parsing, answered with `status`. */
class FormRefusal extends Error {
  /** `response`: a whole answer to send as it is (the write guard's), instead of the text. */
  constructor(readonly status: number, message: string, readonly response?: HttpResponse) {
    super(message);
  }
}

/** Stores every file of a multipart form posted to a folder. */
export async function formUpload(ctx: UploadContext, req: HttpRequest): Promise<HttpResponse> {
  const refusal = writeRefusal(ctx, req);
  if (refusal !== null) return refusal;
  const formType = formDataType(req.headers.get("content-type"));
  if (formType.kind === "other") {
    return plain(STATUS.UnsupportedMediaType, "Posting to a folder takes multipart/form-data");
  }
  // The type is right and its boundary parameter is not: a malformed request (RFC 9110
  // §15.5.1), not an unsupported type, whose body cannot be split without its boundary.
  if (formType.kind === "badBoundary") {
    return plain(STATUS.BadRequest, "The multipart/form-data boundary is missing or malformed");
  }
  const boundary = formType.boundary;
  const max = ctx.config.maxUploadBytes;
  if (req.body.length !== null && req.body.length > max) return tooLarge(max);
  const resolved = await resolveWriteTarget(ctx, pathBelowMount(req), true, true);
  if (!resolved.ok) return resolved.response;
  const target = resolved.target;
  if (target.existing !== null && !target.existing.isDirectory) {
    return plain(STATUS.Conflict, "The path names a file, not a folder");
  }
  // The request's target is the folder (RFC 9110 §13.1): its conditions, not its files'.
  const current = target.existing === null ? null : existingValidators(target.existing);
  if (preconditionsFail(req.method, req.headers, current)) {
    return plain(STATUS.PreconditionFailed, "Precondition failed");
  }
  const digests = expectedDigests(req.headers);
  if (!digests.ok) return plain(STATUS.BadRequest, "Malformed Content-Digest or Repr-Digest");

  const folder = await prepareFolder(ctx, target.fsPath);
  if (!folder.ok) return folder.response;
  const realFolder = await realSegments(ctx, target.fsPath);
  // A part's name is private when the folder's URL path or its real path joined with it is.
  const hiddenName = (name: string) =>
    ctx.hidden.hides([...target.segments, name], false) ||
    (realFolder !== null && ctx.hidden.hides([...realFolder, name], false));
  const form = new FormWriter(ctx, req, target, hiddenName, folder);
  let published = false;
  try {
    const hashes = digests.expected.length > 0 ? new BodyDigests(digests.expected, null) : null;
    const parser = new MultipartStreamParser(boundary);
    await pumpBody(req.body, max, (piece) => {
      hashes?.update(piece);
      return form.apply(parser.push(piece));
    });
    parser.finish();
    if (hashes !== null && hashes.finish() !== null) {
      return plain(STATUS.BadRequest, "The body does not match its Content-Digest or Repr-Digest");
    }
    // refuse: a form without a file changes nothing, and must not leave the folder it named
    // behind either (the finally below removes what prepareFolder made)
    if (form.parts.length === 0) {
      return plain(STATUS.BadRequest, "The form holds no file: pick at least one");
    }
    const conflict = await form.publish();
    if (conflict !== null) return plain(STATUS.Conflict, conflict);
    published = true;
    return answer(req, target.url, form.parts);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    let res: HttpResponse | null;
    if (err instanceof FormRefusal) res = err.response ?? plain(err.status, err.message);
    else if (err instanceof MultipartError) res = plain(STATUS.BadRequest, err.message);
    else res = uploadFailure(err);
    if (res === null) throw err;
    return closingUnread(res, req); // the rest of a refused body is not worth reading
  } finally {
    if (!published) {
      await form.discard();
      await folder.undo();
    }
  }
}

/** Applies parser events: opens, fills and closes one temp file per file part. */
class FormWriter {
  readonly parts: StoredPart[] = [];
  #ctx: UploadContext;
  #req: HttpRequest;
  #folder: string;
  #segments: readonly string[];
  #current: StoredPart | null = null;
  #names = new Set<string>();
  #hidden: (name: string) => boolean;
  #made: MadeFolders;

  constructor(
    ctx: UploadContext,
    req: HttpRequest,
    target: WriteTarget,
    hidden: (name: string) => boolean,
    made: MadeFolders,
  ) {
    this.#made = made;
    this.#ctx = ctx;
    this.#req = req;
    this.#folder = target.fsPath;
    this.#segments = target.segments;
    this.#hidden = hidden;
  }

  /** Handles the events of one pushed piece, in order. */
  async apply(events: MultipartEvent[]): Promise<void> {
    for (const event of events) {
      if (event.kind === "data") {
        if (this.#current !== null) {
          await this.#current.temp.write(event.bytes);
          this.#current.size += event.bytes.length;
        }
      } else if (event.kind === "part") {
        this.#current = await this.#open(event.head);
      } else {
        this.#current?.temp.close();
        this.#current = null;
      }
    }
  }

  /**
   * Checks every name again (the body took time), then moves every temp file into place, all or
   * nothing; returns a conflict message when a name got taken, a `FormRefusal` when a check
   * fails. Nothing of the form is left in place unless it returns null.
   */
  async publish(): Promise<string | null> {
    for (const part of this.parts) await this.#checkName(part.name);
    // refuse: the folder may have been swapped (for a link out of the root) after the temp files
    // were made, and the temp files moved along into the new place; publish only into the folder
    // checked (`checked_folder.ts`)
    const swapped = await folderStillChecked(this.#ctx, this.#folder, this.#made.checked);
    if (swapped !== null) throw new FormRefusal(swapped.status, "", swapped);
    try {
      const taken = await placeAll(this.#folder, this.parts, this.#ctx.config.noOverwrite);
      return taken === null ? null : "A file of the form was created by someone else meanwhile";
    } finally {
      // placed or undone: either way a reader may have seen a file of the form come or go
      for (const part of this.parts) this.#ctx.changed(join(this.#folder, part.name));
      this.#ctx.changed(this.#folder);
    }
  }

  /** Removes every temp file not published. */
  async discard(): Promise<void> {
    for (const part of this.parts) await part.temp.discard();
  }

  async #open(head: Uint8Array): Promise<StoredPart | null> {
    const parsed = parsePartHead(head);
    if (parsed === null) throw new FormRefusal(STATUS.BadRequest, "Malformed part header");
    // refuse: a file whose name cannot be read is a file all the same (RFC 7578 §4.2); skipped,
    // the form would be stored without it and the client told it all went in
    if (parsed.filenameUnreadable) {
      throw new FormRefusal(STATUS.BadRequest, UNREADABLE_FILENAME);
    }
    if (parsed.filename === null || parsed.filename === "") return null;
    const name = baseName(parsed.filename);
    // "reserved" first: it says more than "dotfile name" (as resolveWriteTarget orders them)
    const problem = (isReservedName(name) ? "reserved" : null) ??
      uploadNameProblem(name, { dotfiles: this.#ctx.config.dotfiles });
    if (problem !== null) throw new FormRefusal(STATUS.BadRequest, `Refused name: ${problem}`);
    // refuse: a private name is not writable; 404 as for any other request to it
    if (this.#hidden(name)) throw new FormRefusal(STATUS.NotFound, "Not found");
    if (this.#names.has(name)) {
      throw new FormRefusal(STATUS.BadRequest, "Two files in the form have the same name");
    }
    this.#names.add(name);
    await this.#checkName(name);
    const temp = await createTempInFolder(this.#ctx, this.#folder, name, this.#made);
    if (!(temp instanceof TempFile)) throw new FormRefusal(temp.status, "", temp);
    const part = { name, temp, size: 0 };
    this.parts.push(part);
    return part;
  }

  /** The checks of a part's name against the disk, the flags and the write guard. */
  async #checkName(name: string): Promise<void> {
    // refuse: a part named like a link to a private file or folder would replace that link, a
    // change to a private path (PUT refuses it the same way, in resolveWriteTarget); 404 before
    // anything else is said about the name, as a read of it answers
    if (await hiddenBehindLink(this.#ctx, join(this.#folder, name))) {
      throw new FormRefusal(STATUS.NotFound, "Not found");
    }
    const existing = await statOrNull(join(this.#folder, name));
    if (existing?.isDirectory) {
      throw new FormRefusal(STATUS.Conflict, "A folder exists with the name of a file");
    }
    if (existing !== null && this.#ctx.config.noOverwrite) {
      throw new FormRefusal(STATUS.Conflict, "A file of the form exists (--no-overwrite)");
    }
    const guarded = await this.#ctx.writeGuard(this.#req, {
      kind: existing === null ? "create" : "replace",
      segments: [...this.#segments, name],
      fsPath: join(this.#folder, name),
      existing,
    });
    if (guarded !== null) throw new FormRefusal(guarded.status, "", guarded);
  }
}

/** JSON listing of the stored files, or a 303 to the folder for a browser form. */
function answer(req: HttpRequest, folderUrl: string, parts: readonly StoredPart[]): HttpResponse {
  const url = folderUrl.endsWith("/") ? folderUrl : `${folderUrl}/`;
  if (isBrowserForm(req)) {
    return {
      status: STATUS.SeeOther,
      headers: [["Location", url], ["Content-Type", "text/plain; charset=utf-8"]],
      body: "Stored; see the folder\n",
    };
  }
  const stored = parts.map((p) => ({
    name: p.name,
    url: url + encodeSegment(p.name),
    size: p.size,
  }));
  const status = STATUS.Created;
  const extra: Array<[string, string]> = stored.length === 1 ? [["Location", stored[0].url]] : [];
  return jsonResponse(status, { stored }, extra);
}

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}
