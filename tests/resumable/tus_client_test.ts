/**
 * tus-js-client (the reference tus client, from npm, its Node HTTP stack) against the real app:
 * a 64 MiB upload aborted at about 40% and resumed from the offset the server reports, ending
 * byte-identical, with nothing under the final name before the last byte; termination; expiry.
 */

import { createHash } from "node:crypto";
import { Buffer } from "node:buffer";
import * as tus from "tus-js-client";
import { assert, assertEquals } from "../support/assert.ts";
import { filesBelow, withUploadServer } from "../integration/upload_fixture.ts";
import { startDroppingProxy } from "../support/dropping_proxy.ts";
import { exists } from "../support/paths.ts";

const MIB = 1024 * 1024;
const SIZE = 64 * MIB;
const ABORT_FRACTION = 0.4;

function randomBytes(n: number): Buffer {
  const out = Buffer.alloc(n);
  const block = crypto.getRandomValues(new Uint8Array(64 * 1024));
  for (let at = 0; at < n; at += block.length) {
    out.set(block.subarray(0, Math.min(block.length, n - at)), at);
    block[0]++; // no two blocks alike
  }
  return out;
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

Deno.test("tus-js-client: a 64 MiB upload cut at 40% resumes from the server's offset", async () => {
  await withUploadServer({}, async (s) => {
    const data = randomBytes(SIZE);
    const proxy = startDroppingProxy(s.port, Math.floor(SIZE * ABORT_FRACTION));
    const final = `${s.root}/inbox/big.bin`;
    let finalAtDrop: boolean | null = null;
    proxy.dropped.then(async () => finalAtDrop = await exists(final));
    const patches: Array<{ offset: string; url: string }> = [];
    const heads: string[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const upload = new tus.Upload(data, {
          endpoint: `http://127.0.0.1:${proxy.port}/files/inbox/`,
          metadata: { filename: "big.bin" },
          retryDelays: [100, 200, 400, 800, 1600],
          storeFingerprintForResuming: false,
          onBeforeRequest: (req) => {
            if (req.getMethod() === "PATCH") {
              patches.push({ offset: req.getHeader("Upload-Offset") ?? "", url: req.getURL() });
            }
          },
          onAfterResponse: (req, res) => {
            if (req.getMethod() === "HEAD") heads.push(res.getHeader("Upload-Offset") ?? "");
          },
          onError: reject,
          onSuccess: () => resolve(),
        });
        upload.start();
      });
    } finally {
      await proxy.close();
    }
    // The first PATCH (all 64 MiB) was cut; the client asked the server for its offset and
    // resumed from exactly there, on the same upload.
    assert(patches.length >= 2, JSON.stringify(patches));
    assertEquals(patches[0].offset, "0");
    const resumedAt = Number(patches[1].offset);
    assert(resumedAt > 0 && resumedAt <= SIZE * ABORT_FRACTION, `resumed at ${resumedAt}`);
    assertEquals(heads.at(-1), patches[1].offset);
    assertEquals(patches[1].url, patches[0].url);
    assertEquals(finalAtDrop, false); // nothing under the final name before the last byte
    const stored = await Deno.readFile(final);
    assertEquals(stored.length, SIZE);
    assertEquals(sha256(stored), sha256(data));
    const parts = (await filesBelow(`${s.root}/.wireserve-uploads`)).filter((n) =>
      n.endsWith(".part")
    );
    assertEquals(parts, []);
  });
});

Deno.test("tus-js-client: abort(true) terminates the upload and its data goes", async () => {
  await withUploadServer({}, async (s) => {
    const data = randomBytes(4 * MIB);
    let url = "";
    await new Promise<void>((resolve, reject) => {
      const upload = new tus.Upload(data, {
        endpoint: s.url("/files/"),
        metadata: { filename: "t.bin" },
        chunkSize: MIB,
        retryDelays: null,
        storeFingerprintForResuming: false,
        onError: reject,
        onChunkComplete: (_chunk, sent) => {
          if (sent === 2 * MIB) {
            url = upload.url!;
            upload.abort(true).then(() => resolve(), reject);
          }
        },
      });
      upload.start();
    });
    const head = await fetch(url, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" } });
    assertEquals(head.status, 404);
    assertEquals(await exists(`${s.root}/t.bin`), false);
    const left = await filesBelow(`${s.root}/.wireserve-uploads`);
    assertEquals(left, []);
  });
});

Deno.test("tus-js-client: an expired upload is gone and the client starts over", async () => {
  await withUploadServer({ resumableExpiryMs: 300 }, async (s) => {
    const data = randomBytes(2 * MIB);
    let url = "";
    await new Promise<void>((resolve, reject) => {
      const upload = new tus.Upload(data, {
        endpoint: s.url("/files/"),
        metadata: { filename: "e.bin" },
        chunkSize: MIB,
        retryDelays: null,
        storeFingerprintForResuming: false,
        onError: reject,
        onChunkComplete: (_chunk, sent) => {
          if (sent === MIB) {
            url = upload.url!;
            upload.abort().then(() => resolve(), reject);
          }
        },
      });
      upload.start();
    });
    await new Promise((r) => setTimeout(r, 600));
    const head = await fetch(url, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" } });
    assertEquals(head.status, 404);
    // Resuming the expired URL: the client is told 404 and creates a new upload that finishes.
    const created: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const upload = new tus.Upload(data, {
        endpoint: s.url("/files/"),
        uploadUrl: url,
        metadata: { filename: "e.bin" },
        retryDelays: null,
        storeFingerprintForResuming: false,
        onBeforeRequest: (req) => {
          if (req.getMethod() === "POST") created.push(req.getURL());
        },
        onError: reject,
        onSuccess: () => resolve(),
      });
      upload.start();
    });
    assertEquals(created.length, 1);
    assertEquals(sha256(await Deno.readFile(`${s.root}/e.bin`)), sha256(data));
    // The creation swept the expired upload's files away.
    const parts = (await filesBelow(`${s.root}/.wireserve-uploads`)).filter((n) =>
      n.startsWith(url.slice(url.lastIndexOf("/") + 1))
    );
    assertEquals(parts, []);
  });
});
