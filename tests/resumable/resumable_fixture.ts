/**
 * Test support for resumable uploads: the upload fixture's real app over a temp root, plus small
 * helpers for tus requests with fetch.
 * @module
 */

import { createHash } from "node:crypto";
import { RawClient, type RawResponse } from "../support/server.ts";
import type { UploadRecord } from "../../src/resumable/upload_record.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { assertEquals } from "../support/assert.ts";
import { type AppServer, startApp } from "../support/app_server.ts";

export { filesBelow, withUploadServer } from "../integration/upload_fixture.ts";
export { exists } from "../support/paths.ts";

/** A tus request with `Tus-Resumable: 1.0.0` and `headers`. */
export function tusFetch(
  url: string,
  method: string,
  headers: Record<string, string> = {},
  body?: BodyInit,
): Promise<Response> {
  return fetch(url, { method, headers: { "Tus-Resumable": "1.0.0", ...headers }, body });
}

/** Base64 of UTF-8 text (for Upload-Metadata). */
export function b64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

/** Sends `request` on a new connection; every answer up to the final one. */
export async function exchange(port: number, request: string | Uint8Array): Promise<RawResponse[]> {
  const client = await RawClient.connect(port);
  try {
    await client.send(request);
    const out: RawResponse[] = [];
    for (;;) {
      const res = await client.readResponse();
      if (res === null) break;
      out.push(res);
      if (res.status >= 200) break;
    }
    return out;
  } finally {
    client.close();
  }
}

/** A HEAD answer (read whole: a parser would wait for the body its Content-Length announces). */
export async function headOf(port: number, path: string) {
  const client = await RawClient.connect(port);
  try {
    await client.send(`HEAD ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const lines = (await client.readAll()).split("\r\n");
    const fields = new Map(
      lines.slice(1).filter((l) => l.includes(":")).map((l) => {
        const at = l.indexOf(":");
        return [l.slice(0, at).toLowerCase(), l.slice(at + 1).trim()] as [string, string];
      }),
    );
    return { status: Number(lines[0].split(" ")[1]), header: (n: string) => fields.get(n) };
  } finally {
    client.close();
  }
}

/** A new upload's record as a POST creates it: `length` bytes (null: not known yet). */
export function newRecord(id: string, length: number | null, createdMs = Date.now()): UploadRecord {
  return {
    id,
    path: `${id}.bin`,
    method: "POST",
    length,
    createdMs,
    metadata: null,
    conditions: [],
    reprDigest: null,
    wantReprDigest: null,
    completedMs: null,
    url: null,
    unverifiedFrom: null,
  };
}

/**
 * Runs `fn` against a server of `workers` isolates on a fresh share whose body clock is
 * `bodyIdleTimeoutMs` (long: the tests trickle bodies), then checks the server logged no error.
 */
export async function withTrickleServer(
  prefix: string,
  workers: number,
  bodyIdleTimeoutMs: number,
  fn: (srv: AppServer, root: string) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix });
  const srv = await startApp(appConfig({ directory: root }), { bodyIdleTimeoutMs }, workers);
  try {
    await fn(srv, root);
  } finally {
    await srv.close();
    await Deno.remove(root, { recursive: true });
  }
  assertEquals(srv.errors, []);
}

/** A request's bytes with `fields`, its Content-Length and `Connection: close`, then `body`. */
export function rawRequest(
  method: string,
  path: string,
  fields: Record<string, string>,
  body = "",
): string {
  const head = Object.entries({ ...fields, "Content-Length": String(body.length) })
    .map(([k, v]) => `${k}: ${v}\r\n`).join("");
  return `${method} ${path} HTTP/1.1\r\nHost: x\r\n${head}Connection: close\r\n\r\n${body}`;
}

/** The base64 sha-256 of `text` (as tus `Upload-Checksum` and digest fields carry it). */
export function sha256Base64(text: string): string {
  return createHash("sha256").update(text).digest("base64");
}

/**
 * A tus upload to `/files/<name>` created over raw TCP, of `length` bytes or of deferred length
 * (null); its location.
 */
export async function tusCreateRaw(
  port: number,
  name: string,
  length: number | null,
): Promise<string> {
  const [created] = await exchange(
    port,
    rawRequest("POST", "/files/", {
      "Tus-Resumable": "1.0.0",
      ...(length === null ? { "Upload-Defer-Length": "1" } : { "Upload-Length": String(length) }),
      "Upload-Metadata": `filename ${b64(name)}`,
    }),
  );
  assertEquals(created.status, 201);
  return created.header("location")!;
}
