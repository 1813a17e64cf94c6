/**
 * A draft creation whose own request cannot succeed leaves no upload behind. What its head
 * already shows — content longer than `Upload-Length` ("Length": 400
 * "inconsistent-upload-length"), content over `--max-upload` (413 with `Upload-Limit`) — is
 * refused before the 104, so no upload is ever named; what its content shows after the 104 (a
 * `Content-Digest` mismatch, a chunked body past the length) fails the creation as a whole and
 * removes the upload at once, as a tus creation does. Before, each got a 104 then the 4xx, and
 * the upload stayed, holding a place of the caps until it expired.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { exchange, headOf, withUploadServer } from "./resumable_fixture.ts";

const MAX_UPLOAD = 1000;

/** A draft creation of `name` with `fields` (CRLF-ended lines) and `body`. */
function creation(name: string, fields: string, body: string): string {
  return `POST /files/${name} HTTP/1.1\r\nHost: x\r\nUpload-Draft-Interop-Version: 8\r\n` +
    `Upload-Complete: ?0\r\n${fields}Connection: close\r\n\r\n${body}`;
}

/** The uploads the state folder holds (record files), none when it was never made. */
async function uploadsIn(root: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(`${root}/.wireserve-uploads`)) {
      if (e.name.endsWith(".json")) out.push(e.name);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return out;
}

Deno.test("draft creation: content longer than Upload-Length is 400 inconsistent-upload-length before any 104", async () => {
  await withUploadServer({}, async (s) => {
    const answers = await exchange(
      s.port,
      creation("bad.bin", "Upload-Length: 2\r\nContent-Length: 4\r\n", "abcd"),
    );
    assertEquals(answers.map((a) => a.status), [400]);
    assert(answers[0].text.includes("inconsistent-upload-length"), answers[0].text);
    assertEquals(await uploadsIn(s.root), []);
  });
});

Deno.test("draft creation: content over --max-upload without a length is 413 with Upload-Limit before any 104", async () => {
  await withUploadServer({ maxUploadBytes: MAX_UPLOAD }, async (s) => {
    const size = MAX_UPLOAD * 2;
    const answers = await exchange(
      s.port,
      creation("big.bin", `Content-Length: ${size}\r\n`, "a".repeat(size)),
    );
    assertEquals(answers.map((a) => a.status), [413]);
    assert(answers[0].header("upload-limit")?.startsWith(`max-size=${MAX_UPLOAD}`));
    assertEquals(await uploadsIn(s.root), []);
  });
});

Deno.test("draft creation: content at --max-upload without a length is still taken", async () => {
  await withUploadServer({ maxUploadBytes: MAX_UPLOAD }, async (s) => {
    const answers = await exchange(
      s.port,
      creation("edge.bin", `Content-Length: ${MAX_UPLOAD}\r\n`, "a".repeat(MAX_UPLOAD)),
    );
    assertEquals(answers.map((a) => a.status), [104, 201]);
    assertEquals(answers[1].header("upload-offset"), String(MAX_UPLOAD));
  });
});

Deno.test("draft creation: a Content-Digest mismatch after the 104 removes the upload at once", async () => {
  await withUploadServer({}, async (s) => {
    // The SHA-256 of no content, for a body of four bytes.
    const digest = "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:";
    const answers = await exchange(
      s.port,
      creation("dig.bin", `Content-Digest: ${digest}\r\nContent-Length: 4\r\n`, "abcd"),
    );
    assertEquals(answers.map((a) => a.status), [104, 400]);
    assertEquals(answers[1].header("location"), undefined);
    const location = answers[0].header("location")!;
    assertEquals((await headOf(s.port, location)).status, 404);
    assertEquals(await uploadsIn(s.root), []);
  });
});

Deno.test("draft creation: a chunked body past Upload-Length after the 104 removes the upload at once", async () => {
  await withUploadServer({}, async (s) => {
    const answers = await exchange(
      s.port,
      creation(
        "long.bin",
        "Upload-Length: 2\r\nTransfer-Encoding: chunked\r\n",
        "4\r\nabcd\r\n0\r\n\r\n",
      ),
    );
    assertEquals(answers.map((a) => a.status), [104, 400]);
    assert(answers[1].text.includes("inconsistent-upload-length"), answers[1].text);
    assertEquals(answers[1].header("location"), undefined);
    assertEquals((await headOf(s.port, answers[0].header("location")!)).status, 404);
    assertEquals(await uploadsIn(s.root), []);
  });
});
