/**
 * A server killed (SIGKILL) in the middle of a checksummed append — tus `Upload-Checksum`, the
 * draft's `Content-Digest` — comes back with none of that append's bytes: they were never
 * verified (tus checksum extension: bytes that fail verification must be discarded;
 * docs/resumable.md: "unless the PATCH carried a checksum: unverified bytes are dropped").
 * Before, the restarted server counted them (HEAD → `Upload-Offset: 1048576` and more for a body
 * it never checked). An append without a checksum keeps what reached the disk, as before.
 */

import { createHash } from "node:crypto";
import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";
import { spawnWireserve, type WireserveProcess } from "../support/wireserve_process.ts";

const LENGTH = 3_000_000;
/** What the client sends before the crash, and what must have reached the disk by then. */
const SENT = 2_000_000;
const ON_DISK = 1_000_000;
const OCTETS = "application/offset+octet-stream";

const BODY = new Uint8Array(LENGTH).map((_, i) => (i * 7 + 3) % 251);
const SHA256 = createHash("sha256").update(BODY).digest("base64");

type Kind = "tus checksum" | "draft Content-Digest" | "tus without checksum";

function start(root: string, workers: string): WireserveProcess {
  return spawnWireserve([root, "--port", "0", "--log", "off", "--workers", workers]);
}

async function send(port: number, head: string, body: Uint8Array = new Uint8Array(0)) {
  const client = await RawClient.connect(port);
  try {
    await client.send(head);
    if (body.length > 0) await client.send(body);
    for (;;) {
      const res = await client.readResponse();
      if (res === null || res.status >= 200) return res!;
    }
  } finally {
    client.close();
  }
}

/** Creates the upload; its location. */
async function create(port: number, kind: Kind): Promise<string> {
  const res = kind === "draft Content-Digest"
    ? await send(
      port,
      "PUT /files/big.bin HTTP/1.1\r\nHost: x\r\nUpload-Complete: ?0\r\n" +
        `Upload-Length: ${LENGTH}\r\nUpload-Draft-Interop-Version: 8\r\nContent-Length: 0\r\n` +
        "Connection: close\r\n\r\n",
    )
    : await send(
      port,
      "POST /files/ HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n" +
        `Upload-Length: ${LENGTH}\r\nUpload-Metadata: filename ${btoa("big.bin")}\r\n` +
        "Content-Length: 0\r\nConnection: close\r\n\r\n",
    );
  assertEquals(res.status, 201);
  return res.header("location")!;
}

/** The head of the append of the whole body at offset 0. */
function appendHead(kind: Kind, location: string): string {
  const fields = kind === "draft Content-Digest"
    ? "Upload-Complete: ?1\r\nContent-Type: application/partial-upload\r\n" +
      `Content-Digest: sha-256=:${SHA256}:\r\n`
    : `Tus-Resumable: 1.0.0\r\nContent-Type: ${OCTETS}\r\n` +
      (kind === "tus checksum" ? `Upload-Checksum: sha256 ${SHA256}\r\n` : "");
  return `PATCH ${location} HTTP/1.1\r\nHost: x\r\nUpload-Offset: 0\r\n${fields}` +
    `Content-Length: ${LENGTH}\r\nConnection: close\r\n\r\n`;
}

async function offsetOf(port: number, kind: Kind, location: string): Promise<number> {
  const tus = kind === "draft Content-Digest" ? "" : "Tus-Resumable: 1.0.0\r\n";
  const client = await RawClient.connect(port);
  try {
    await client.send(`HEAD ${location} HTTP/1.1\r\nHost: x\r\n${tus}Connection: close\r\n\r\n`);
    const text = await client.readAll();
    assert(text.startsWith("HTTP/1.1 204"), text);
    return Number(/\r\nupload-offset: (\d+)/i.exec(text)![1]);
  } finally {
    client.close();
  }
}

const KINDS = ["tus checksum", "draft Content-Digest", "tus without checksum"] as const;
for (const [kind, workers] of KINDS.flatMap((k) => [[k, "1"], [k, "2"]] as const)) {
  const outcome = kind.includes("without")
    ? "what reached the disk stays"
    : "the unverified bytes are gone";
  Deno.test(`resumable: after kill -9 mid-append (${kind}, --workers ${workers}), ${outcome}`, async () => {
    const root = await Deno.makeTempDir({ prefix: "wireserve-resumable-crash-" });
    const part = (location: string) =>
      `${root}/.wireserve-uploads/${location.slice(location.lastIndexOf("/") + 1)}.part`;
    try {
      const first = start(root, workers);
      let location = "";
      let written = 0;
      try {
        const port = await first.port();
        location = await create(port, kind);
        const client = await RawClient.connect(port);
        try {
          await client.send(appendHead(kind, location));
          await client.send(BODY.subarray(0, SENT));
          // The server is writing the body: kill it once a good part of it is on disk.
          const deadline = Date.now() + 20_000;
          while ((written = (await Deno.stat(part(location))).size) < ON_DISK) {
            assert(Date.now() < deadline, `only ${written} bytes written`);
            await new Promise((r) => setTimeout(r, 10));
          }
          // Killed while the connection is open: no failed read ever tells the append.
          first.child.kill("SIGKILL");
          await first.child.status;
        } finally {
          client.close();
        }
      } finally {
        try {
          first.child.kill("SIGKILL");
        } catch {
          // already killed
        }
        await first.exit();
      }
      written = (await Deno.stat(part(location))).size;
      assert(written >= ON_DISK, `the crash left ${written} bytes`);

      const second = start(root, workers);
      try {
        const port = await second.port();
        const offset = await offsetOf(port, kind, location);
        if (kind === "tus without checksum") {
          assertEquals(offset, written); // an interrupted append keeps what arrived
          return;
        }
        assertEquals(offset, 0, "unverified bytes counted after the restart");
        assertEquals((await Deno.stat(part(location))).size, 0);
        // The client sends it again, whole, and the upload completes.
        const done = await send(port, appendHead(kind, location), BODY);
        assertEquals(done.status, kind === "tus checksum" ? 204 : 201);
        const stored = await Deno.readFile(`${root}/big.bin`);
        assertEquals(createHash("sha256").update(stored).digest("base64"), SHA256);
      } finally {
        second.child.kill("SIGTERM");
        await second.exit();
      }
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  });
}
