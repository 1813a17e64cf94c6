/**
 * A cancellation ends the append in flight on its upload (draft-ietf-httpbis-resumable-upload,
 * "Upload Cancellation": the server SHOULD terminate in-flight requests first; tus 1.0.0
 * "Termination": a 204 means the upload is gone). Before, a DELETE during an append still
 * receiving its body waited 3 s and got 423, the append went on to publish the file, and the
 * retried DELETE (tus-js-client retries on 423) answered 204 while the file stayed. Now the
 * append is cut at once, keeps nothing and publishes nothing, and the DELETE answers 204 — with
 * one worker or two (the append may be in the other isolate). A DELETE of an upload that already
 * completed removes nothing and does not answer 204.
 */

import { assert, assertEquals } from "../support/assert.ts";
import type { AppServer } from "../support/app_server.ts";
import { RawClient } from "../support/server.ts";
import { b64, exchange, headOf, withTrickleServer } from "./resumable_fixture.ts";

/** The body clock: long, so that only the cancellation can end the append in time. */
const BODY_IDLE_MS = 30_000;
/** How soon the DELETE must have its answer (the lease wait alone is 3 s). */
const PROMPT_MS = 1500;
const LENGTH = 64 * 1024;
/** The active client's body: pieces of this many bytes, one every `PIECE_GAP_MS`. */
const PIECE_BYTES = 2048;
const PIECE_GAP_MS = 25;

type Protocol = "tus" | "draft";

function withServer(workers: number, fn: (srv: AppServer, root: string) => Promise<void>) {
  return withTrickleServer("wireserve-cancel-", workers, BODY_IDLE_MS, fn);
}

/** The fields that make a request speak `protocol`. */
function fields(protocol: Protocol): string {
  return protocol === "tus" ? "Tus-Resumable: 1.0.0\r\n" : "Upload-Draft-Interop-Version: 8\r\n";
}

async function createUpload(port: number, protocol: Protocol, name: string): Promise<string> {
  const creation = protocol === "tus"
    ? `POST /files/ HTTP/1.1\r\nHost: x\r\n${fields(protocol)}Upload-Length: ${LENGTH}\r\n` +
      `Upload-Metadata: filename ${b64(name)}\r\nConnection: close\r\n\r\n`
    : `POST /files/${name} HTTP/1.1\r\nHost: x\r\n${fields(protocol)}Upload-Complete: ?0\r\n` +
      `Upload-Length: ${LENGTH}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`;
  const location = (await exchange(port, creation)).at(-1)!.header("location");
  assert(location !== undefined, "no Location");
  return location;
}

/** The head of an append of the whole upload, which completes it. */
function appendHead(protocol: Protocol, location: string): string {
  const type = protocol === "tus"
    ? "Content-Type: application/offset+octet-stream\r\n"
    : "Content-Type: application/partial-upload\r\nUpload-Complete: ?1\r\n";
  return `PATCH ${location} HTTP/1.1\r\nHost: x\r\n${fields(protocol)}Upload-Offset: 0\r\n` +
    `${type}Content-Length: ${LENGTH}\r\nConnection: close\r\n\r\n`;
}

function deleteOf(protocol: Protocol, location: string): string {
  return `DELETE ${location} HTTP/1.1\r\nHost: x\r\n${fields(protocol)}Connection: close\r\n\r\n`;
}

/** The files of upload `location` left in the state folder. */
async function leftovers(root: string, location: string): Promise<string[]> {
  const id = location.split("/").at(-1)!;
  const out: string[] = [];
  for await (const entry of Deno.readDir(`${root}/.wireserve-uploads`)) {
    if (entry.name.startsWith(id)) out.push(entry.name);
  }
  return out;
}

async function published(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

for (const protocol of ["tus", "draft"] as const) {
  for (const workers of [1, 2]) {
    Deno.test(`resumable (${protocol}): a DELETE during an append still receiving its body ends it, answers 204 at once and nothing is published (${workers} worker${workers > 1 ? "s" : ""})`, async () => {
      await withServer(workers, async (srv, root) => {
        const location = await createUpload(srv.port, protocol, "cancelled.bin");
        const client = await RawClient.connect(srv.port);
        try {
          await client.send(appendHead(protocol, location));
          const data = new Uint8Array(LENGTH).fill(9);
          let cancel: Promise<{ status: number; tookMs: number }> | null = null;
          for (let at = 0, piece = 0; at < LENGTH; at += PIECE_BYTES, piece++) {
            // The client keeps sending, as the one in the probe did; once cut, its writes fail.
            const sent = await client.send(data.subarray(at, at + PIECE_BYTES)).then(
              () => true,
              () => false,
            );
            if (!sent) break;
            if (piece === 4) {
              const started = Date.now();
              cancel = exchange(srv.port, deleteOf(protocol, location)).then((answers) => ({
                status: answers.at(-1)!.status,
                tookMs: Date.now() - started,
              }));
            }
            await new Promise((r) => setTimeout(r, PIECE_GAP_MS));
          }
          const answer = await cancel!;
          assertEquals(answer.status, 204);
          assert(answer.tookMs < PROMPT_MS, `the DELETE took ${answer.tookMs} ms`);
          // The append's own exchange ended unanswered (its connection closed), or with a 4xx.
          const own = await client.readResponse().catch(() => null);
          assert(own === null || own.status >= 400, `the append answered ${own?.status}`);
          assertEquals(await published(`${root}/cancelled.bin`), false);
          assertEquals((await headOf(srv.port, location)).status, 404);
          assertEquals(await leftovers(root, location), []);
        } finally {
          client.close();
        }
      });
    });
  }

  Deno.test(`resumable (${protocol}): a DELETE of a completed upload does not answer 204, and its file stays`, async () => {
    await withServer(1, async (srv, root) => {
      const location = await createUpload(srv.port, protocol, "done.bin");
      const done = await exchange(srv.port, appendHead(protocol, location) + "d".repeat(LENGTH));
      assert(done.at(-1)!.status < 300, `the append answered ${done.at(-1)!.status}`);
      const answer = (await exchange(srv.port, deleteOf(protocol, location))).at(-1)!;
      assertEquals(answer.status, protocol === "tus" ? 409 : 400);
      if (protocol === "draft") assert(answer.text.includes("completed-upload"), answer.text);
      assertEquals((await Deno.stat(`${root}/done.bin`)).size, LENGTH);
      assertEquals((await headOf(srv.port, location)).status, 204);
    });
  });
}
