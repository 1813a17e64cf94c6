/**
 * tus-js-client (npm, its Node HTTP stack) in each protocol it speaks — tus 1.0.0 and the IETF
 * draft modes `ietf-draft-03` (interop 5) and `ietf-draft-05` (interop 6) — against the real
 * app: an empty file, a file in chunks with unicode names and an Uppy-style `relativePath`, a
 * deferred length, `overridePatchMethod`, `parallelUploads` (refused cleanly: nothing under the
 * name), and resuming a stopped upload through its fingerprint (`findPreviousUploads`) with
 * `removeFingerprintOnSuccess`.
 */

import { Buffer } from "node:buffer";
import * as tus from "tus-js-client";
import { assert, assertEquals } from "../support/assert.ts";
import { exists, filesBelow, withUploadServer } from "./resumable_fixture.ts";

const PROTOCOLS = ["tus-v1", "ietf-draft-03", "ietf-draft-05"] as const;
const KIB = 1024;

/** `n` bytes that differ from block to block. */
function bytes(n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + (i >> 10)) & 0xff;
  return out;
}

/** The options, with `protocol`, which tus-js-client 4's typings leave out. */
type Options = tus.UploadOptions & { protocol?: (typeof PROTOCOLS)[number] };

/** Runs one upload to completion; its requests as "METHOD status" lines. */
function upload(data: Buffer, options: Options): Promise<{ upload: tus.Upload; log: string[] }> {
  const log: string[] = [];
  return new Promise((resolve, reject) => {
    const up: tus.Upload = new tus.Upload(data, {
      retryDelays: null,
      storeFingerprintForResuming: false,
      onAfterResponse: (req, res) => log.push(`${req.getMethod()} ${res.getStatus()}`),
      onError: (err) => reject(Object.assign(err, { log })),
      onSuccess: () => resolve({ upload: up, log }),
      ...options,
    } as tus.UploadOptions);
    up.start();
  });
}

for (const protocol of PROTOCOLS) {
  Deno.test(`tus-js-client ${protocol}: an empty file is published`, async () => {
    await withUploadServer({}, async (s) => {
      const { log } = await upload(Buffer.alloc(0), {
        endpoint: s.url("/files/in/"),
        protocol,
        metadata: { filename: "empty.txt" },
      });
      assertEquals(log, ["POST 201"]); // the client sends nothing after the creation
      assertEquals((await Deno.stat(`${s.root}/in/empty.txt`)).size, 0);
    });
  });

  Deno.test(`tus-js-client ${protocol}: chunks, a deferred length and unicode relativePath`, async () => {
    await withUploadServer({}, async (s) => {
      const data = bytes(300 * KIB + 7);
      const name = "ünï 漢字 😀.txt";
      await upload(data, {
        endpoint: s.url("/files/up/"),
        protocol,
        chunkSize: 100 * KIB,
        uploadLengthDeferred: true,
        metadata: { filename: name, relativePath: `dossier é/sub/${name}`, filetype: "text/plain" },
      });
      const stored = await Deno.readFile(`${s.root}/up/dossier é/sub/${name}`);
      assert(Buffer.from(stored).equals(data), "stored bytes differ");
    });
  });

  Deno.test(`tus-js-client ${protocol}: overridePatchMethod sends every chunk as a POST`, async () => {
    await withUploadServer({}, async (s) => {
      const data = bytes(200 * KIB);
      const { log } = await upload(data, {
        endpoint: s.url("/files/"),
        protocol,
        chunkSize: 64 * KIB,
        overridePatchMethod: true,
        metadata: { filename: "over.bin" },
      });
      assert(log.every((l) => l.startsWith("POST ")), log.join(", "));
      assert(Buffer.from(await Deno.readFile(`${s.root}/over.bin`)).equals(data));
    });
  });

  Deno.test(`tus-js-client ${protocol}: parallelUploads is refused at creation, nothing written`, async () => {
    await withUploadServer({}, async (s) => {
      const err = await upload(bytes(64 * KIB), {
        endpoint: s.url("/files/par.bin"), // a file URL: each part would have named the file
        protocol,
        parallelUploads: 2,
        metadata: { filename: "par.bin" },
      }).then(() => null, (e: Error) => e);
      assert(err !== null, "the upload should fail");
      assert(String(err).includes("response code: 400"), String(err));
      assert(String(err).includes("Upload-Concat"), String(err));
      assertEquals(await exists(`${s.root}/par.bin`), false);
      const left = await filesBelow(`${s.root}/.wireserve-uploads`).catch(() => []);
      assertEquals(left.filter((n) => n.endsWith(".json")), []);
    });
  });
}

Deno.test("tus-js-client: a stopped upload resumes through its fingerprint and forgets it on success", async () => {
  await withUploadServer({}, async (s) => {
    const data = bytes(512 * KIB);
    const stored = new Map<string, tus.PreviousUpload>();
    const urlStorage: tus.UrlStorage = {
      findAllUploads: () => Promise.resolve([...stored.values()]),
      findUploadsByFingerprint: (fp) =>
        Promise.resolve(
          [...stored].filter(([k]) => k.startsWith(`${fp}#`)).map(([k, v]) => ({
            ...v,
            urlStorageKey: k,
          })),
        ),
      removeUpload: (key) => Promise.resolve(void stored.delete(key)),
      addUpload: (fp, value) => {
        const key = `${fp}#${stored.size}`;
        stored.set(key, value);
        return Promise.resolve(key);
      },
    };
    const options = {
      endpoint: s.url("/files/"),
      chunkSize: 128 * KIB,
      metadata: { filename: "fp.bin" },
      urlStorage,
      retryDelays: null,
    };
    // First run: stop after two chunks.
    await new Promise<void>((resolve, reject) => {
      const up = new tus.Upload(data, {
        ...options,
        onError: reject,
        onChunkComplete: (_c, sent) => {
          if (sent === 256 * KIB) up.abort().then(resolve, reject);
        },
      });
      up.start();
    });
    assertEquals(stored.size, 1);
    assertEquals(await exists(`${s.root}/fp.bin`), false);
    // Second run: the same file finds its upload, asks the offset, sends only the rest.
    const offsets: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const up = new tus.Upload(data, {
        ...options,
        removeFingerprintOnSuccess: true,
        onBeforeRequest: (req) => {
          if (req.getMethod() !== "HEAD") offsets.push(req.getHeader("Upload-Offset") ?? "-");
        },
        onError: reject,
        onSuccess: () => resolve(),
      });
      up.findPreviousUploads().then((previous) => {
        assertEquals(previous.length, 1);
        up.resumeFromPreviousUpload(previous[0]);
        up.start();
      }, reject);
    });
    assertEquals(offsets, [String(256 * KIB), String(384 * KIB)]);
    assert(Buffer.from(await Deno.readFile(`${s.root}/fp.bin`)).equals(data));
    assertEquals(stored.size, 0);
  });
});
