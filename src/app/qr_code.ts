/**
 * QR codes of the share's URLs, made with the npm `qrcode` package (a maintained encoder; a QR
 * encoder is Reed–Solomon and mask scoring, nothing to write by hand): `GET /api/qr?text=<url>`
 * answers an SVG the page shows beside the LAN URL, and the terminal banner draws the same code
 * in text so a phone can open the share.
 *
 * Bounds: the text is at most QR_MAX_TEXT_BYTES of UTF-8 (414 past it), so one request costs a
 * small, fixed amount of work and the code stays scannable from a screen.
 *
 * This module must not touch sockets or the disk.
 * @module
 */

// @ts-types="@types/qrcode"
import type QRCodeModule from "qrcode";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { firstValue, parseQuery } from "./query_params.ts";
import { textResponse } from "./router.ts";

/** The route of the QR endpoint. */
export const QR_PATH = "/api/qr";
/** Longest `text` a QR code is made for, in UTF-8 bytes (a URL is far shorter). */
export const QR_MAX_TEXT_BYTES = 512;
/** How long a browser may keep a code: the same text always gives the same picture. */
const QR_CACHE_SECONDS = 86_400;
/** Modules of white around the code: the quiet zone scanners need (ISO/IEC 18004 asks for 4). */
const QR_MARGIN_MODULES = 4;

const encoder = new TextEncoder();

/**
 * `qrcode`, loaded on first use: the library and what it pulls in cost each worker about 2.4 MiB
 * of memory (measured), and most servers never draw a code after the banner (which the main
 * thread draws).
 */
let library: Promise<typeof QRCodeModule> | null = null;

function qrLibrary(): Promise<typeof QRCodeModule> {
  // @ts-types="@types/qrcode"
  return library ??= import("qrcode").then((m) => m.default);
}

/** The QR code of `text` as an SVG document. */
export async function qrSvg(text: string): Promise<string> {
  return (await qrLibrary()).toString(text, {
    type: "svg",
    margin: QR_MARGIN_MODULES,
    errorCorrectionLevel: "M",
  });
}

/**
 * The QR code of `text` drawn for a terminal: two modules per character cell, with the colours
 * set explicitly (black on white) so it scans on dark terminals too.
 */
export async function qrTerminal(text: string): Promise<string[]> {
  const drawn = await (await qrLibrary()).toString(text, { type: "terminal", small: true });
  return withQuietZone(drawn.split("\n").filter((line) => line !== ""));
}

/** The colours every line of the library's small terminal drawing starts with, and its end. */
const LINE_START = "\x1b[47m\x1b[30m";
const LINE_END = "\x1b[0m";
// deno-lint-ignore no-control-regex -- ESC starts the colour codes the drawing holds
const ANSI = /\x1b\[[0-9;]*m/g;
/** White modules the library's small drawing leaves around the code (it has no margin option). */
const DRAWN_MARGIN_MODULES = 1;
/** Lines of white added above and below: each holds two modules. */
const QUIET_LINES = Math.ceil((QR_MARGIN_MODULES - DRAWN_MARGIN_MODULES) / 2);

/**
 * `lines` (the library's small drawing) with the quiet zone QR_MARGIN_MODULES asks for: the
 * library draws one module of white around the code, and ISO/IEC 18004 wants four, without which
 * a phone struggles on a dark terminal. White cells (spaces on the white background) are added on
 * each side, and white lines above and below.
 */
function withQuietZone(drawn: string[]): string[] {
  const side = " ".repeat(QR_MARGIN_MODULES - DRAWN_MARGIN_MODULES);
  // A line of colour codes alone draws nothing; a last line of upper halves alone is the white
  // edge over the terminal's own background (the size is odd), whose dark lower half would cut
  // the quiet zone: it becomes a white line like those added.
  const lines = drawn.filter((line) => line.replace(ANSI, "") !== "");
  const last = lines.at(-1)?.replace(ANSI, "");
  if (last !== undefined && /^[▀ ]+$/.test(last)) lines[lines.length - 1] = " ".repeat(last.length);
  const body = lines.map((line) => {
    const start = line.startsWith(LINE_START) ? LINE_START.length : 0;
    const end = line.endsWith(LINE_END) ? line.length - LINE_END.length : line.length;
    return LINE_START + side + line.slice(start, end) + side + LINE_END;
  });
  const width = body.length === 0 ? 0 : body[0].replace(ANSI, "").length;
  const blank = LINE_START + " ".repeat(width) + LINE_END;
  const pad = Array.from({ length: QUIET_LINES }, () => blank);
  return [...pad, ...body, ...pad];
}

/** `GET /api/qr?text=<text>`: the code as `image/svg+xml`; 400 without text, 414 past the cap. */
export async function qrHandler(req: HttpRequest): Promise<HttpResponse> {
  const query = parseQuery(req.query);
  if (query === null) return textResponse(STATUS.BadRequest, "Malformed query\n");
  const text = firstValue(query, "text");
  if (text === undefined || text === "") {
    return textResponse(STATUS.BadRequest, "Missing ?text=<what to encode>\n");
  }
  if (encoder.encode(text).length > QR_MAX_TEXT_BYTES) {
    return textResponse(STATUS.URITooLong, `The text is longer than ${QR_MAX_TEXT_BYTES} bytes\n`);
  }
  const svg = await qrSvg(text);
  return {
    status: STATUS.OK,
    headers: [
      ["Content-Type", "image/svg+xml"],
      ["Cache-Control", `max-age=${QR_CACHE_SECONDS}`],
      ["X-Content-Type-Options", "nosniff"],
      // The picture holds only paths, but an SVG is a document: opened on its own it runs nothing.
      ["Content-Security-Policy", "sandbox"],
    ],
    body: svg,
  };
}
