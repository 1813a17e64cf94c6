/**
 * Test support for the write routes: the real app over an empty temp root (with a sentinel
 * folder outside it), raw-TCP request builders, and a walk that lists every file left behind —
 * including hidden temp files, which must never survive an upload.
 * @module
 */

import { type AppServer, startApp } from "../support/app_server.ts";
import { createHash } from "node:crypto";
import { type AppConfig, appConfig } from "../../src/app/app_config.ts";
import type { Limits } from "../../src/http/limits.ts";
import { RawClient, type RawResponse } from "../support/server.ts";

/** A running app over a fresh root. */
export interface UploadServer {
  srv: AppServer;
  port: number;
  /** The shared folder. */
  root: string;
  /** A folder beside the root that writes must never reach. */
  outside: string;
  url(path: string): string;
  close(): Promise<void>;
}

/** Starts the real app over an empty temp root with `overrides` (and shrunk engine `limits`). */
export async function startUploadServer(
  overrides: Partial<AppConfig> = {},
  limits: Partial<Limits> = {},
): Promise<UploadServer> {
  const base = await Deno.makeTempDir({ prefix: "wireserve-upload-" });
  const root = `${base}/root`;
  const outside = `${base}/outside`;
  await Deno.mkdir(root);
  await Deno.mkdir(outside);
  await Deno.writeTextFile(`${outside}/sentinel.txt`, "outside");
  const srv = await startApp(appConfig({ directory: root, ...overrides }), limits);
  return {
    srv,
    port: srv.port,
    root,
    outside,
    url: (path) => `http://127.0.0.1:${srv.port}${path}`,
    async close() {
      await srv.close();
      await Deno.remove(base, { recursive: true });
    },
  };
}

/** Runs `fn` against a fresh server and checks the server logged no errors. */
export async function withUploadServer(
  overrides: Partial<AppConfig>,
  fn: (s: UploadServer) => Promise<void>,
  limits: Partial<Limits> = {},
): Promise<void> {
  const s = await startUploadServer(overrides, limits);
  try {
    await fn(s);
  } finally {
    await s.close();
  }
  if (s.srv.errors.length > 0) throw new Error(`server errors: ${s.srv.errors.join("; ")}`);
}

/** Every file below `dir` (relative paths, sorted), hidden ones included. */
export async function filesBelow(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const rel = prefix + e.name;
    if (e.isDirectory) out.push(...await filesBelow(`${dir}/${e.name}`, `${rel}/`));
    else out.push(rel);
  }
  return out.sort();
}

/**
 * Waits until the files below `dir` are exactly `want` (a handler cleans up after the client
 * has gone, so give it a moment), then returns what is there.
 */
export async function settledFiles(dir: string, want: string[], timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  let got = await filesBelow(dir);
  while (JSON.stringify(got) !== JSON.stringify(want) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    got = await filesBelow(dir);
  }
  return got;
}

/** A request head (latin1 string) with `fields` and Host. */
export function head(method: string, path: string, fields: Array<[string, string]> = []): string {
  return `${method} ${path} HTTP/1.1\r\nHost: t\r\n` +
    fields.map(([n, v]) => `${n}: ${v}\r\n`).join("") + "\r\n";
}

/** Sends `head` then `body` on a new connection; returns the response and the client. */
export async function send(
  port: number,
  requestHead: string,
  body: Uint8Array | string = "",
): Promise<{ res: RawResponse | null; client: RawClient }> {
  const client = await RawClient.connect(port);
  await client.send(requestHead);
  if (body.length > 0) await client.send(body);
  const res = await client.readResponse(10_000);
  return { res, client };
}

/** One request, answered and closed. */
export async function request(
  port: number,
  method: string,
  path: string,
  fields: Array<[string, string]> = [],
  body: Uint8Array | string = "",
): Promise<RawResponse> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const withLength: Array<[string, string]> =
    fields.some(([n]) => /^(content-length|transfer-encoding)$/i.test(n))
      ? fields
      : [...fields, ["Content-Length", String(bytes.length)]];
  const { res, client } = await send(port, head(method, path, withLength), bytes);
  client.close();
  if (res === null) throw new Error(`no response to ${method} ${path}`);
  return res;
}

/** `size` bytes of a repeatable pseudo-random pattern (binary, every byte value). */
export function pattern(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Base64 SHA-256 of `data`, as a digest field carries it. */
export function sha256b64(data: Uint8Array): string {
  return new Uint8Array(createHash("sha256").update(data).digest()).toBase64();
}

/** A chunked encoding of `data` in pieces of `size`. */
export function chunked(data: Uint8Array, size: number): Uint8Array {
  const enc = new TextEncoder();
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += size) {
    const piece = data.subarray(at, at + size);
    pieces.push(enc.encode(`${piece.length.toString(16)}\r\n`), piece, enc.encode("\r\n"));
  }
  pieces.push(enc.encode("0\r\n\r\n"));
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** What curl printed: every response head (100s included) and the final body. */
export interface CurlRun {
  heads: string[];
  status: number;
  body: string;
  code: number;
}

/** Runs curl against loopback, bounded in time, collecting every response head it saw. */
export async function curlRun(args: string[]): Promise<CurlRun> {
  const out = await new Deno.Command("curl", {
    args: ["-s", "-S", "--max-time", "30", "-D", "/dev/stderr", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const heads = new TextDecoder().decode(out.stderr).split("\r\n\r\n").filter((b) =>
    b.startsWith("HTTP/")
  );
  const last = heads[heads.length - 1] ?? "";
  return {
    heads,
    status: Number(last.split(" ")[1] ?? 0),
    body: new TextDecoder().decode(out.stdout),
    code: out.code,
  };
}

/** The value of `name` in a response head block, or undefined. */
export function headField(block: string, name: string): string | undefined {
  const line = block.split("\r\n").find((l) =>
    l.toLowerCase().startsWith(`${name.toLowerCase()}:`)
  );
  return line?.slice(line.indexOf(":") + 1).trim();
}
