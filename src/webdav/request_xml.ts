/**
 * Reading the XML body of a WebDAV request (PROPFIND, PROPPATCH, LOCK): capped at
 * {@link MAX_DAV_BODY_BYTES}, decoded as UTF-8 and parsed (`xml_tree.ts`).
 *
 * Decisions:
 * - Past the cap → 413: before reading when the length is declared, else as soon as the body
 *   crosses it, with the connection closed so the rest is never drained. WebDAV bodies are small
 *   (a PROPPATCH of many properties is a few KiB); a megabyte leaves room for large values while
 *   keeping a parse, and the tree it builds, bounded.
 * - What is read is charged to the server's budget for bodies held whole (`RequestBody.hold`, 64
 *   MiB across every worker); past it → 503 with `Retry-After`, as `/anything`.
 * - An empty body is "no body" (`null`), which PROPFIND reads as allprop (RFC 4918 §9.1) and
 *   LOCK as a refresh (§9.10.2).
 * - The bytes must be UTF-8 (400 otherwise): RFC 4918 §8.2 requires servers to accept UTF-8, and
 *   guessing another charset would let two byte strings mean one name.
 * - A body with a `Content-Encoding` other than identity → 415 with `Accept-Encoding: identity`
 *   (RFC 9110 §8.4, §15.5.16), before reading it, as PUT: the coded bytes are no XML to parse.
 *
 * This module must not touch the disk.
 * @module
 */

import { ByteCollector } from "../http/byte_collector.ts";
import { HttpError } from "../http/errors.ts";
import { trimOws } from "../http/ows.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { textResponse } from "../app/router.ts";
import { parseXml, type XmlElement, XmlRefused } from "./xml_tree.ts";

/** Largest WebDAV request body accepted (PROPFIND, PROPPATCH, LOCK), in bytes. */
export const MAX_DAV_BODY_BYTES = 1024 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The parsed body (null when empty), or the response that refuses it. */
export type XmlBodyResult = { ok: true; root: XmlElement | null } | {
  ok: false;
  response: HttpResponse;
};

/** Reads and parses the body of `req`, at most `maxBytes` of it. */
export async function readXmlBody(
  req: HttpRequest,
  maxBytes: number = MAX_DAV_BODY_BYTES,
): Promise<XmlBodyResult> {
  const declared = req.body.length;
  if (declared !== null && declared > maxBytes) return refuse(tooLarge(maxBytes));
  if (declared === 0) return { ok: true, root: null };
  // OWS only (RFC 9110 §5.6.3): `identity\xA0` is a coding we do not know, so 415.
  const codingField = req.headers.list("content-encoding");
  const coding = codingField === undefined ? undefined : trimOws(codingField).toLowerCase();
  if (coding !== undefined && coding !== "" && coding !== "identity") {
    const res = textResponse(
      STATUS.UnsupportedMediaType,
      "Send the XML body without a Content-Encoding\n",
    );
    res.headers!.push(["Accept-Encoding", "identity"]);
    return refuse(res);
  }
  // One buffer however the body is cut (a piece kept per 1-byte chunk cost hundreds of bytes).
  const collected = new ByteCollector();
  for (;;) {
    const piece = await req.body.read();
    if (piece === null) break;
    if (collected.length + piece.length > maxBytes) return refuse(tooLarge(maxBytes));
    // Past the process-wide budget for bodies held whole: 503, try again (RFC 9110 §15.6.4).
    // Without it each stalled body held its megabyte outside any cap (4,096 connections: 4 GiB).
    if (req.body.hold !== undefined && !req.body.hold(piece.length)) {
      throw new HttpError("bodiesBusy");
    }
    collected.append(piece);
  }
  const bytes = collected.bytes();
  if (bytes.length === 0 || isAllWhitespace(bytes)) return { ok: true, root: null };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return refuse(textResponse(STATUS.BadRequest, "The XML body is not UTF-8\n"));
  }
  try {
    return { ok: true, root: parseXml(text) };
  } catch (err) {
    if (!(err instanceof XmlRefused)) throw err;
    return refuse(textResponse(STATUS.BadRequest, `${err.message}\n`));
  }
}

function tooLarge(maxBytes: number): HttpResponse {
  const res = textResponse(
    STATUS.ContentTooLarge,
    `XML body larger than the limit of ${maxBytes} bytes\n`,
  );
  res.close = true;
  return res;
}

function refuse(response: HttpResponse): XmlBodyResult {
  return { ok: false, response };
}

function isAllWhitespace(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  return true;
}
