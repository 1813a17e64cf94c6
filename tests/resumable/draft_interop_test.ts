/**
 * The IETF draft's edges a probe found, over raw TCP against the real app: `GET` retrieves the
 * offset like `HEAD`; a 409 names both offsets; a completed upload refuses appends and keeps its
 * bytes; interop versions 5 and 6 (tus-js-client's draft modes, served as tusd serves them)
 * complete at the declared length while version 8 waits for `Upload-Complete: ?1`;
 * `Upload-Concat` is refused; `X-HTTP-Method-Override` works for draft requests too.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { exchange, exists, filesBelow, headOf, withUploadServer } from "./resumable_fixture.ts";

const PARTIAL = "Content-Type: application/partial-upload\r\n";

/** A draft creation of `body` (interop `version`), its final answer. */
async function create(port: number, path: string, fields: string, body = "") {
  const all = await exchange(
    port,
    `POST ${path} HTTP/1.1\r\nHost: x\r\n${fields}Content-Length: ${body.length}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
  return all.at(-1)!;
}

/** A draft append; its final answer. */
async function append(port: number, location: string, fields: string, body: string) {
  const all = await exchange(
    port,
    `PATCH ${location} HTTP/1.1\r\nHost: x\r\n${PARTIAL}${fields}` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
  return all.at(-1)!;
}

Deno.test("draft: GET on an upload resource retrieves the offset as HEAD does, without content", async () => {
  await withUploadServer({}, async (s) => {
    const created = await create(
      s.port,
      "/files/g.txt",
      "Upload-Complete: ?0\r\nUpload-Length: 5\r\nUpload-Draft-Interop-Version: 8\r\n",
      "ab",
    );
    const [got] = await exchange(
      s.port,
      `GET ${created.header("location")} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    assertEquals(got.status, 204);
    assertEquals(got.header("upload-offset"), "2");
    assertEquals(got.header("upload-complete"), "?0");
    assertEquals(got.header("upload-length"), "5");
    assertEquals(got.header("cache-control"), "no-store");
    assertEquals(got.text, "");
  });
});

Deno.test("draft: a mismatching offset's problem names the expected and the provided offset", async () => {
  await withUploadServer({}, async (s) => {
    const created = await create(s.port, "/files/m.txt", "Upload-Complete: ?0\r\n", "abc");
    const res = await append(
      s.port,
      created.header("location")!,
      "Upload-Offset: 7\r\nUpload-Complete: ?0\r\n",
      "d",
    );
    assertEquals(res.status, 409);
    const problem = JSON.parse(res.text);
    assertEquals([problem["expected-offset"], problem["provided-offset"]], [3, 7]);
  });
});

Deno.test("draft: a completed upload refuses appends and changes nothing", async () => {
  await withUploadServer({}, async (s) => {
    const created = await create(
      s.port,
      "/files/done.txt",
      "Upload-Complete: ?0\r\nUpload-Draft-Interop-Version: 8\r\n",
      "abc",
    );
    const location = created.header("location")!;
    const done = await append(s.port, location, "Upload-Offset: 3\r\nUpload-Complete: ?1\r\n", "");
    assertEquals([done.status, done.header("upload-complete")], [201, "?1"]);
    // Content: an inconsistent length ("Upload Append").
    const more = await append(s.port, location, "Upload-Offset: 3\r\nUpload-Complete: ?1\r\n", "d");
    assertEquals(more.status, 400);
    assert(more.text.includes("#inconsistent-upload-length"), more.text);
    // No content: rejected as completed, not acknowledged again.
    const empty = await append(s.port, location, "Upload-Offset: 3\r\nUpload-Complete: ?1\r\n", "");
    assertEquals(empty.status, 400);
    assert(empty.text.includes("#completed-upload"), empty.text);
    assertEquals(await Deno.readTextFile(`${s.root}/done.txt`), "abc");
    const head = await headOf(s.port, location);
    assertEquals([head.header("upload-complete"), head.header("upload-offset")], ["?1", "3"]);
  });
});

for (const version of [5, 6]) {
  Deno.test(`draft: interop ${version} (tus-js-client) completes an upload at its declared length`, async () => {
    await withUploadServer({}, async (s) => {
      const v = `Upload-Draft-Interop-Version: ${version}\r\n`;
      // An empty file: one creation with ?0 and Upload-Length 0, and nothing after it.
      const empty = await create(
        s.port,
        "/files/empty.bin",
        `Upload-Complete: ?0\r\nUpload-Length: 0\r\n${v}`,
      );
      assertEquals([empty.status, empty.header("upload-complete")], [201, "?1"]);
      assertEquals((await Deno.stat(`${s.root}/empty.bin`)).size, 0);
      // A PATCH with ?0 that reaches the length completes as well.
      const created = await create(
        s.port,
        "/files/two.txt",
        `Upload-Complete: ?0\r\nUpload-Length: 4\r\n${v}`,
        "ab",
      );
      const last = await append(
        s.port,
        created.header("location")!,
        `Upload-Offset: 2\r\nUpload-Complete: ?0\r\n${v}`,
        "cd",
      );
      assertEquals(last.header("upload-complete"), "?1");
      assertEquals(await Deno.readTextFile(`${s.root}/two.txt`), "abcd");
    });
  });
}

Deno.test("draft: interop 8 keeps an upload open at its length until Upload-Complete: ?1", async () => {
  await withUploadServer({}, async (s) => {
    const v = "Upload-Draft-Interop-Version: 8\r\n";
    const created = await create(
      s.port,
      "/files/eight.bin",
      `Upload-Complete: ?0\r\nUpload-Length: 0\r\n${v}`,
    );
    assertEquals([created.status, created.header("upload-complete")], [201, "?0"]);
    assertEquals(await exists(`${s.root}/eight.bin`), false);
    const done = await append(
      s.port,
      created.header("location")!,
      `Upload-Offset: 0\r\nUpload-Complete: ?1\r\n${v}`,
      "",
    );
    assertEquals(done.header("upload-complete"), "?1");
    assertEquals((await Deno.stat(`${s.root}/eight.bin`)).size, 0);
  });
});

Deno.test("draft: Upload-Concat (tus-js-client parallelUploads) is refused before anything exists", async () => {
  await withUploadServer({}, async (s) => {
    const res = await create(
      s.port,
      "/files/par.bin",
      "Upload-Complete: ?0\r\nUpload-Length: 2\r\nUpload-Concat: partial\r\n" +
        "Upload-Draft-Interop-Version: 6\r\n",
      "ab",
    );
    assertEquals(res.status, 400);
    assertEquals(await exists(`${s.root}/par.bin`), false);
    const left = await filesBelow(`${s.root}/.wireserve-uploads`).catch(() => []);
    assertEquals(left.filter((n) => n.endsWith(".json")), []);
  });
});

Deno.test("draft: a POST with X-HTTP-Method-Override: PATCH appends", async () => {
  await withUploadServer({}, async (s) => {
    const created = await create(s.port, "/files/ov.txt", "Upload-Complete: ?0\r\n", "ab");
    const [res] = await exchange(
      s.port,
      `POST ${created.header("location")} HTTP/1.1\r\nHost: x\r\n${PARTIAL}` +
        "X-HTTP-Method-Override: PATCH\r\nUpload-Offset: 2\r\nUpload-Complete: ?1\r\n" +
        "Content-Length: 2\r\nConnection: close\r\n\r\ncd",
    );
    assertEquals([res.status, res.header("upload-complete")], [201, "?1"]);
    assertEquals(await Deno.readTextFile(`${s.root}/ov.txt`), "abcd");
  });
});
