/**
 * A stalled append gives way to a newer request for its upload (draft-ietf-httpbis-resumable-
 * upload, "Concurrency": the server SHOULD terminate the earlier request). A phone that changes
 * networks leaves its PATCH open and silent; before, every HEAD, PATCH or DELETE on that upload
 * waited 3 s for the lease and got 423 until the body clock ended the stalled request (30 s), and
 * tus-js-client gave up after its retries (~24 s). Now the newcomer has the lease at once and
 * the true offset, with one worker or two (the holder may be in the other isolate). Only a
 * stalled append gives way: one still receiving its body keeps the upload, or two clients that
 * each resume (HEAD, then PATCH with a checksum) would cut each other forever.
 */

import { Buffer } from "node:buffer";
import * as tus from "tus-js-client";
import { assert, assertEquals } from "../support/assert.ts";
import type { AppServer } from "../support/app_server.ts";
import { RawClient } from "../support/server.ts";
import { b64, exchange, headOf, withTrickleServer } from "./resumable_fixture.ts";

/** The body clock: long, so that only the newcomer can end the stalled request in time. */
const BODY_IDLE_MS = 30_000;
/** How soon the newcomer must have its answer (the lease wait alone is 3 s). */
const PROMPT_MS = 1500;
const LENGTH = 100_000;
const SENT = 40_000;

/** The options, with `protocol`, which tus-js-client 4's typings leave out. */
type Options = tus.UploadOptions & { protocol?: "tus-v1" | "ietf-draft-05" };

function withServer(workers: number, fn: (srv: AppServer, root: string) => Promise<void>) {
  return withTrickleServer("wireserve-superseded-", workers, BODY_IDLE_MS, fn);
}

async function createUpload(port: number, name: string): Promise<string> {
  const answers = await exchange(
    port,
    `POST /files/ HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Length: ${LENGTH}\r\n` +
      `Upload-Metadata: filename ${b64(name)}\r\nConnection: close\r\n\r\n`,
  );
  const location = answers.at(-1)!.header("location");
  assert(location !== undefined, "no Location");
  return location;
}

/** Sends a tus PATCH head and the first SENT bytes, then goes silent (connection kept open). */
async function stalledPatch(port: number, root: string, location: string): Promise<Deno.Conn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const head = `PATCH ${location} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n` +
    `Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n` +
    `Content-Length: ${LENGTH}\r\n\r\n`;
  await conn.write(new TextEncoder().encode(head));
  const data = new Uint8Array(SENT).fill(7);
  for (let at = 0; at < SENT;) at += await conn.write(data.subarray(at));
  // Until the server has written them: bytes still in flight when it gives the request up are
  // the client's to send again, and this test wants an exact offset.
  const part = `${root}/.wireserve-uploads/${location.split("/").at(-1)}.part`;
  for (let i = 0; i < 200 && (await Deno.stat(part)).size < SENT; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  return conn;
}

/** An active client's body: sent in pieces of this many bytes, one every `PIECE_GAP_MS`. */
const PIECE_BYTES = 8192;
const PIECE_GAP_MS = 25;

/** The tus checksum field of `data` (sha1, the algorithm tus clients send). */
async function checksumOf(data: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", data));
  return `sha1 ${btoa(String.fromCharCode(...digest))}`;
}

/** Whether the server closed `conn` within `ms`. */
async function closedWithin(conn: Deno.Conn, ms: number): Promise<boolean> {
  const buf = new Uint8Array(4096);
  const timer = new Promise<"open">((r) => setTimeout(() => r("open"), ms));
  for (;;) {
    const got = await Promise.race([conn.read(buf).catch(() => null), timer]);
    if (got === "open") return false;
    if (got === null) return true;
  }
}

for (const workers of [1, 2]) {
  Deno.test(`resumable: a HEAD takes over an upload whose PATCH stalled, at once, with the offset written (${workers} worker${workers > 1 ? "s" : ""})`, async () => {
    await withServer(workers, async (srv, root) => {
      const location = await createUpload(srv.port, "stalled.bin");
      const conn = await stalledPatch(srv.port, root, location);
      try {
        const started = Date.now();
        const head = await headOf(srv.port, location);
        const took = Date.now() - started;
        assertEquals(head.status, 204);
        assertEquals(head.header("upload-offset"), String(SENT));
        assert(took < PROMPT_MS, `the HEAD took ${took} ms`);
        assert(await closedWithin(conn, 1000), "the stalled PATCH's connection stays open");
        // The client resumes from the offset it was given and finishes.
        const rest = exchange(
          srv.port,
          `PATCH ${location} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n` +
            `Upload-Offset: ${SENT}\r\nContent-Type: application/offset+octet-stream\r\n` +
            `Content-Length: ${LENGTH - SENT}\r\nConnection: close\r\n\r\n` +
            "r".repeat(LENGTH - SENT),
        );
        assertEquals((await rest).at(-1)!.status, 204);
        const stored = await Deno.readFile(`${root}/stalled.bin`);
        assertEquals(stored.length, LENGTH);
        assertEquals(stored[SENT - 1], 7);
      } finally {
        conn.close();
      }
    });
  });
}

for (const protocol of ["tus-v1", "ietf-draft-05"] as const) {
  Deno.test(`tus-js-client (${protocol}): resuming an upload whose PATCH stalled succeeds with its default retries`, async () => {
    await withServer(1, async (srv, root) => {
      const location = await createUpload(srv.port, "stale.bin");
      const conn = await stalledPatch(srv.port, root, location);
      try {
        const data = Buffer.alloc(LENGTH, 7);
        const started = Date.now();
        await new Promise<void>((resolve, reject) => {
          const options: Options = {
            endpoint: `http://127.0.0.1:${srv.port}/files/`,
            uploadUrl: `http://127.0.0.1:${srv.port}${location}`,
            protocol,
            metadata: { filename: "stale.bin" },
            storeFingerprintForResuming: false,
            onError: reject,
            onSuccess: () => resolve(),
          };
          new tus.Upload(data, options).start(); // default retryDelays: 0, 1, 3, 5 s
        });
        const took = Date.now() - started;
        assert(took < PROMPT_MS, `the upload took ${took} ms`);
        assertEquals(await Deno.readFile(`${root}/stale.bin`), new Uint8Array(data));
      } finally {
        conn.close();
      }
    });
  });
}

for (const workers of [1, 2]) {
  Deno.test(`resumable: a PATCH still receiving its body keeps the upload when a HEAD comes, and the HEAD answers after it (${workers} worker${workers > 1 ? "s" : ""})`, async () => {
    await withServer(workers, async (srv, root) => {
      const location = await createUpload(srv.port, "active.bin");
      const data = new Uint8Array(LENGTH).map((_, i) => i % 251);
      const client = await RawClient.connect(srv.port);
      try {
        // With a checksum, as in the fight of two resuming clients: a cut would keep nothing.
        await client.send(
          `PATCH ${location} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n` +
            `Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n` +
            `Content-Length: ${LENGTH}\r\nUpload-Checksum: ${await checksumOf(data)}\r\n` +
            `Connection: close\r\n\r\n`,
        );
        let head: ReturnType<typeof headOf> | null = null;
        for (let at = 0, piece = 0; at < LENGTH; at += PIECE_BYTES, piece++) {
          await client.send(data.subarray(at, at + PIECE_BYTES));
          // A second client resumes meanwhile: its HEAD asks for the lease.
          if (piece === 2) head = headOf(srv.port, location);
          await new Promise((r) => setTimeout(r, PIECE_GAP_MS));
        }
        assertEquals((await client.readResponse())?.status, 204, "the active PATCH was cut");
        const answer = await head!;
        assertEquals(answer.status, 204);
        assertEquals(answer.header("upload-offset"), String(LENGTH));
        assertEquals(await Deno.readFile(`${root}/active.bin`), data);
      } finally {
        client.close();
      }
    });
  });
}
