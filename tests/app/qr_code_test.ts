/**
 * `GET /api/qr?text=…`: an SVG QR code, bounded text (414 past QR_MAX_TEXT_BYTES, 400 without
 * text), and the terminal drawing the banner prints.
 */

import { QR_MAX_TEXT_BYTES, qrHandler, qrTerminal } from "../../src/app/qr_code.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { buildRequest } from "../support/request_builder.ts";

const request = (method: string, target: string) => buildRequest({ method, target });

function header(res: { headers?: Array<[string, string]> }, name: string): string | undefined {
  return res.headers?.find(([n]) => n.toLowerCase() === name)?.[1];
}

Deno.test("qrHandler answers an SVG QR code of the text", async () => {
  const res = await qrHandler(request("GET", "/api/qr?text=http%3A%2F%2F192.168.1.20%3A8000%2F"));
  assertEquals(res.status, 200);
  assertEquals(header(res, "content-type"), "image/svg+xml");
  assertEquals(header(res, "content-security-policy"), "sandbox");
  const svg = String(res.body);
  assert(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), svg.slice(0, 80));
  assert(!svg.includes("<script"), "no script in the picture");
  // Version 2 (25 modules) for this URL at level M, plus the 4-module quiet zone on each side.
  assert(svg.includes('viewBox="0 0 33 33"'), svg.slice(0, 200));
});

Deno.test("qrHandler takes text at the cap and answers 414 one byte past it", async () => {
  const at = await qrHandler(request("GET", `/api/qr?text=${"a".repeat(QR_MAX_TEXT_BYTES)}`));
  assertEquals(at.status, 200);
  const past = await qrHandler(request("GET", `/api/qr?text=${"a".repeat(QR_MAX_TEXT_BYTES + 1)}`));
  assertEquals(past.status, 414);
});

Deno.test("qrHandler answers 400 without text or with a malformed query", async () => {
  assertEquals((await qrHandler(request("GET", "/api/qr"))).status, 400);
  assertEquals((await qrHandler(request("GET", "/api/qr?text="))).status, 400);
  assertEquals((await qrHandler(request("GET", "/api/qr?text=%zz"))).status, 400);
});

Deno.test("qrTerminal draws the code black on white, two modules per line", async () => {
  const lines = await qrTerminal("http://192.168.1.20:8000/");
  assert(lines.length >= 12 && lines.length <= 24, String(lines.length));
  assert(lines[0].startsWith("\x1b[47m\x1b[30m"), JSON.stringify(lines[0]));
});

Deno.test("qrTerminal leaves a quiet zone of four white modules around the code", async () => {
  const lines = await qrTerminal("http://192.168.1.20:8000/");
  // deno-lint-ignore no-control-regex -- ESC starts the colour codes
  const visible = lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ""));
  const width = visible[0].length;
  assert(visible.every((l) => l.length === width), JSON.stringify(visible));
  // Two modules per line: two blank lines and the drawing's own white edge make five on top.
  assertEquals(visible.slice(0, 2), [" ".repeat(width), " ".repeat(width)]);
  assertEquals(visible.slice(-2), [" ".repeat(width), " ".repeat(width)]);
  // Sideways one module per cell: three added and the drawing's own edge.
  const code = visible.slice(2, -2);
  assert(code.every((l) => l.startsWith("    ") && l.endsWith("    ")), JSON.stringify(code));
  assert(code.some((l) => l[4] !== " "), "the code starts right after the quiet zone");
});
