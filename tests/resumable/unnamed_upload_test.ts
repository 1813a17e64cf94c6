/**
 * An upload whose creating request was cut before the client learnt its URL (no 104 with
 * `Location`, no final answer) is removed at once: tus-js-client starts a new creation on each
 * retry, and each cut one used to hold a place of the caps (and its length of the bytes cap) for
 * the whole expiry, until every creation got 429.
 */

import { assertEquals } from "../support/assert.ts";
import { b64, exchange, headOf, withUploadServer } from "./resumable_fixture.ts";

/** Sends `head` and part of its body, then closes the connection. */
async function cutRequest(port: number, head: string, bodyBytes: number): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(head));
  await conn.write(new Uint8Array(bodyBytes).fill(0x7a));
  // Whatever came back before the cut (a 104 with Location, or nothing).
  const buf = new Uint8Array(4096);
  const got = await Promise.race([
    conn.read(buf).then((n) => new TextDecoder().decode(buf.subarray(0, n ?? 0))),
    new Promise<string>((r) => setTimeout(() => r(""), 300)),
  ]);
  conn.close();
  return got;
}

/** The state folder's entries, once they stop changing (the handler cleans up after the cut). */
async function stateFiles(root: string, want: number): Promise<string[]> {
  let names: string[] = [];
  for (let i = 0; i < 100; i++) {
    names = [...Deno.readDirSync(`${root}/.wireserve-uploads`)].map((e) => e.name);
    if (names.length === want) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return names.sort();
}

async function tusCreate(port: number, name: string): Promise<number> {
  const answers = await exchange(
    port,
    `POST /files/ HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Length: 10\r\n` +
      `Upload-Metadata: filename ${b64(name)}\r\nConnection: close\r\n\r\n`,
  );
  return answers.at(-1)!.status;
}

Deno.test("tus: a creation-with-upload cut mid-body leaves no upload behind, nor a place of the caps", async () => {
  await withUploadServer({ resumableMaxUploads: 1 }, async (s) => {
    for (let i = 0; i < 2; i++) {
      await cutRequest(
        s.port,
        `POST /files/ HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Length: 100000\r\n` +
          `Upload-Metadata: filename ${b64("cut.bin")}\r\n` +
          `Content-Type: application/offset+octet-stream\r\nContent-Length: 100000\r\n\r\n`,
        30000,
      );
      assertEquals(await stateFiles(s.root, 0), []);
    }
    assertEquals(await tusCreate(s.port, "next.bin"), 201);
  });
});

Deno.test("draft: a creation cut mid-body goes when no 104 named it, and stays when one did", async () => {
  await withUploadServer({ resumableMaxUploads: 1 }, async (s) => {
    // Without an interop version there is no 104: the client never learns the URL.
    const silent = await cutRequest(
      s.port,
      `POST /files/h3.bin HTTP/1.1\r\nHost: x\r\nUpload-Complete: ?1\r\n` +
        `Content-Length: 100000\r\n\r\n`,
      40000,
    );
    assertEquals(silent, "");
    assertEquals(await stateFiles(s.root, 0), []);
    // With one, the 104 carried Location: the upload is the client's to resume.
    const told = await cutRequest(
      s.port,
      `POST /files/h2.bin HTTP/1.1\r\nHost: x\r\nUpload-Complete: ?1\r\n` +
        `Upload-Draft-Interop-Version: 8\r\nContent-Length: 100000\r\n\r\n`,
      40000,
    );
    const location = /\r\nLocation: ([^\r]+)/i.exec(told)?.[1] ?? "";
    assertEquals(location.startsWith("/api/uploads/"), true, told);
    await stateFiles(s.root, 3);
    const head = await headOf(s.port, location);
    assertEquals(head.status, 204);
    assertEquals(head.header("upload-offset"), "40000");
  });
});
