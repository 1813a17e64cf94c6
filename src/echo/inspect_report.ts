/**
 * What `/inspect` shows about a request, and its two renderings: plain text for people (bytes
 * escaped so that every byte is visible and the text is unambiguous) and JSON for programs (the
 * same escaped text, plus base64 wherever bytes must survive exactly).
 *
 * This module must not touch sockets; it reads an `HttpRequest` whose body was captured.
 * @module
 */

import type { HttpRequest } from "../http/types.ts";
import type { CapturedBody } from "./body_capture.ts";
import {
  displayText,
  escapeBytes,
  isVisibleCodePoint,
  toBase64,
  utf8OrNull,
} from "../app/byte_text.ts";

const LF = 0x0a;
const CR = 0x0d;

/** The notation line both renderings explain themselves with. */
export const NOTATION = "Bytes are shown as sent: printable ASCII and well-formed UTF-8 as is, " +
  "but for invisible, space-like and control characters; CR, LF, TAB and backslash as " +
  "\\r \\n \\t \\\\; every other byte as \\xHH.";

/**
 * The report's escaping: stricter than the default, since its point is to show which bytes came.
 * A no-break space must not pass for a space, nor a zero-width space for nothing
 * (`isVisibleCodePoint`). The `headers` lists stay `displayText`, the parsed values as text.
 */
function escapeShown(bytes: Uint8Array, breakAfterLf = false): string {
  return escapeBytes(bytes, breakAfterLf, isVisibleCodePoint);
}

/** The raw head split into lines, each without its line ending. */
function headLines(rawHead: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < rawHead.length; i++) {
    if (rawHead[i] !== LF) continue;
    const end = i > start && rawHead[i - 1] === CR ? i - 1 : i;
    lines.push(rawHead.subarray(start, end));
    start = i + 1;
  }
  if (start < rawHead.length) lines.push(rawHead.subarray(start));
  // The empty line that ends the head is not a field line.
  if (lines.length > 0 && lines[lines.length - 1].length === 0) lines.pop();
  return lines;
}

/** How the body was framed (RFC 9112 §6.3). */
function framing(req: HttpRequest): "chunked" | "content-length" | "none" {
  if (req.body.chunked) return "chunked";
  return req.body.length !== null && req.body.length > 0 ? "content-length" : "none";
}

/** The report as a JSON-ready object (every string is valid Unicode, bytes also in base64). */
export function inspectJson(
  req: HttpRequest,
  body: CapturedBody,
  maxCaptureBytes: number,
): Record<string, unknown> {
  const lines = headLines(req.rawHead);
  const chunks = req.body.chunks;
  const trailers = req.body.trailers;
  const rawTrailers = req.body.rawTrailers ?? null;
  return {
    notation: NOTATION,
    request_line: lines.length > 0 ? escapeShown(lines[0]) : "",
    method: displayText(req.method),
    target: displayText(req.target),
    version: req.rawVersion,
    leading_empty_lines: req.leadingEmptyLines ?? 0,
    head: {
      bytes: req.rawHead.length,
      text: escapeShown(req.rawHead),
      base64: toBase64(req.rawHead),
    },
    header_lines: lines.slice(1).map((l) => escapeShown(l)),
    headers: req.headers.entries().map(([n, v]) => [displayText(n), displayText(v)]),
    body: {
      framing: framing(req),
      content_length: req.body.length,
      received_bytes: body.total,
      captured_bytes: body.bytes.length,
      capture_limit_bytes: maxCaptureBytes,
      truncated: body.truncated,
      text: utf8OrNull(body.bytes),
      escaped: escapeShown(body.bytes),
      base64: toBase64(body.bytes),
      chunks: chunks === null
        ? null
        : chunks.map((c) => ({ size: c.size, line: escapeLatin1(c.line) })),
      chunk_count: req.body.chunked ? req.body.chunkCount : null,
      trailers: trailers === null
        ? null
        : trailers.entries().map(([n, v]) => [displayText(n), displayText(v)]),
      trailer_section: rawTrailers === null ? null : {
        bytes: rawTrailers.length,
        text: escapeShown(rawTrailers),
        base64: toBase64(rawTrailers),
      },
    },
    connection: connectionFacts(req),
  };
}

function connectionFacts(req: HttpRequest): Record<string, unknown> {
  const c = req.connection;
  return {
    id: c.id,
    request_index: c.requestIndex,
    pipelined: c.pipelined,
    remote_address: c.remoteAddress,
    remote_port: c.remotePort,
    tls: c.tls,
    expect_continue: req.expectContinue,
    continue_sent: req.continueSent,
  };
}

/** A latin1 string (one char per byte, as the engine keeps chunk lines) escaped like bytes. */
function escapeLatin1(s: string): string {
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return escapeShown(bytes);
}

const yesNo = (b: boolean) => (b ? "yes" : "no");

/** The report as text for a terminal: the head line by line, the body, the connection. */
export function inspectText(req: HttpRequest, body: CapturedBody, maxCaptureBytes: number): string {
  const out: string[] = [];
  out.push("wireserve /inspect: the request exactly as it arrived");
  out.push(NOTATION, "");
  const leading = req.leadingEmptyLines ?? 0;
  if (leading > 0) {
    // Not part of the head: RFC 9112 §2.2 lets a server ignore them, and wireserve does.
    out.push(`== Empty lines before the request line (${leading}, ignored) ==`);
    for (let i = 0; i < leading; i++) out.push("\\r\\n");
  }
  out.push(`== Head (${req.rawHead.length} bytes) ==`);
  out.push(escapeShown(req.rawHead, true));

  out.push(`== Body (${framing(req)}) ==`);
  if (req.body.length !== null && req.body.chunked === false) {
    out.push(`Content-Length: ${req.body.length}`);
  }
  const chunks = req.body.chunks;
  if (chunks !== null) {
    out.push(`chunk-size lines (${req.body.chunkCount} received, ${chunks.length} recorded):`);
    for (const c of chunks) out.push(`  ${escapeLatin1(c.line)}\\r\\n  (${c.size} bytes)`);
    const trailers = req.body.trailers;
    const raw = req.body.rawTrailers ?? null;
    if (raw !== null) {
      // As sent, like the head: the field lines with their spacing, then the body's final CRLF.
      out.push(`trailer section (${trailers?.size ?? 0} fields, ${raw.length} bytes):`);
      for (const line of escapeShown(raw, true).split("\n").slice(0, -1)) out.push(`  ${line}`);
    } else {
      out.push(`trailer fields (${trailers?.size ?? 0}):`);
      for (const [n, v] of trailers?.entries() ?? []) {
        out.push(`  ${escapeLatin1(n)}: ${escapeLatin1(v)}`);
      }
    }
  }
  out.push(
    `received ${body.total} bytes, showing ${body.bytes.length}` +
      (body.truncated ? ` (truncated at the capture limit of ${maxCaptureBytes} bytes)` : ""),
  );
  if (body.bytes.length > 0) {
    out.push("-- body bytes --");
    out.push(escapeShown(body.bytes, true));
    out.push("-- end of body bytes --");
  }
  out.push("");

  const c = req.connection;
  out.push("== Connection ==");
  out.push(`connection #${c.id}, request #${c.requestIndex} on it`);
  out.push(`pipelined behind the previous request: ${yesNo(c.pipelined)}`);
  out.push(
    `Expect: 100-continue: ${yesNo(req.expectContinue)}` +
      (req.expectContinue ? `, 100 Continue sent: ${yesNo(req.continueSent)}` : ""),
  );
  out.push(`remote address: ${c.remoteAddress} port ${c.remotePort}`);
  out.push(`TLS: ${yesNo(c.tls)}`);
  return out.join("\n") + "\n";
}
