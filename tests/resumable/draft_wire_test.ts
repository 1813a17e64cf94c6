/**
 * The IETF resumable-upload draft on the wire, over raw TCP against the real app: the 104 with
 * `Location` and `Upload-Limit` before the final answer, offsets from HEAD, appends with
 * `application/partial-upload`, 409 with the right offset, cancellation, limits — and that the
 * final name appears only with the last byte.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";
import { exchange, exists, headOf, withUploadServer } from "./resumable_fixture.ts";

Deno.test("draft: creation sends 104 with Location and Upload-Limit, then 201 for a part", async () => {
  await withUploadServer({ maxUploadBytes: 1000 }, async (s) => {
    const [interim, final] = await exchange(
      s.port,
      "PUT /files/d/a.txt HTTP/1.1\r\nHost: x\r\nUpload-Complete: ?0\r\nUpload-Length: 6\r\n" +
        "Upload-Draft-Interop-Version: 6\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
    );
    assertEquals(interim.statusLine, "HTTP/1.1 104 Upload Resumption Supported");
    const location = interim.header("location")!;
    assert(/^\/api\/uploads\/[0-9a-f]{32}$/.test(location), location);
    assert(interim.header("upload-limit")!.startsWith("max-size=1000, max-age="));
    assertEquals(interim.header("upload-draft-interop-version"), "6");
    assertEquals(final.status, 201);
    assertEquals(final.header("location"), location);
    assertEquals(final.header("upload-complete"), "?0");
    assertEquals(final.header("upload-offset"), "3");
    assertEquals(await exists(`${s.root}/d/a.txt`), false);

    const offset = await headOf(s.port, location);
    assertEquals(offset.status, 204);
    assertEquals(offset.header("upload-offset"), "3");
    assertEquals(offset.header("upload-complete"), "?0");
    assertEquals(offset.header("upload-length"), "6");
    assertEquals(offset.header("cache-control"), "no-store");
    assert(offset.header("upload-limit")!.includes("max-age="));

    // Wrong offset: 409 with the right one, as a problem document.
    const [conflict] = await exchange(
      s.port,
      `PATCH ${location} HTTP/1.1\r\nHost: x\r\nUpload-Offset: 1\r\nUpload-Complete: ?1\r\n` +
        "Content-Type: application/partial-upload\r\nContent-Length: 3\r\nConnection: close\r\n\r\ndef",
    );
    assertEquals(conflict.status, 409);
    assertEquals(conflict.header("upload-offset"), "3");
    assertEquals(conflict.header("content-type"), "application/problem+json");
    assertEquals(JSON.parse(conflict.text)["expected-offset"], 3);

    const [done] = await exchange(
      s.port,
      `PATCH ${location} HTTP/1.1\r\nHost: x\r\nUpload-Offset: 3\r\nUpload-Complete: ?1\r\n` +
        "Content-Type: application/partial-upload\r\nContent-Length: 3\r\nConnection: close\r\n\r\ndef",
    );
    assertEquals(done.status, 201);
    assertEquals(done.header("upload-complete"), "?1");
    assertEquals(done.header("location"), "/files/d/a.txt");
    assertEquals(await Deno.readTextFile(`${s.root}/d/a.txt`), "abcdef");
    const after = await headOf(s.port, location);
    assertEquals([after.header("upload-complete"), after.header("upload-offset")], ["?1", "6"]);
  });
});

Deno.test("draft: a complete upload in one request is an ordinary upload with a 104 first", async () => {
  await withUploadServer({}, async (s) => {
    const [interim, final] = await exchange(
      s.port,
      "POST /files/one.txt HTTP/1.1\r\nHost: x\r\nUpload-Complete: ?1\r\nContent-Length: 5\r\n" +
        "Upload-Draft-Interop-Version: 8\r\nConnection: close\r\n\r\nhello",
    );
    assertEquals(interim.status, 104);
    assertEquals(interim.header("upload-draft-interop-version"), "8");
    assertEquals(final.status, 201);
    assertEquals(final.header("upload-complete"), "?1");
    assertEquals(JSON.parse(final.text), { name: "one.txt", url: "/files/one.txt", size: 5 });
    assertEquals(await Deno.readTextFile(`${s.root}/one.txt`), "hello");
  });
});

// The draft's "Draft Version Identification": no 104 when the interop version is missing or one
// we do not follow; the upload is still created, and its Location comes with the final answer.
for (
  const [name, field] of [["without", ""], ["with another", "Upload-Draft-Interop-Version: 3\r\n"]]
) {
  Deno.test(`draft: a creation ${name} interop version gets no 104, only the final answer`, async () => {
    await withUploadServer({}, async (s) => {
      const responses = await exchange(
        s.port,
        `POST /files/quiet.txt HTTP/1.1\r\nHost: x\r\nUpload-Complete: ?0\r\n${field}` +
          "Content-Length: 2\r\nConnection: close\r\n\r\nhi",
      );
      assertEquals(responses.map((r) => r.status), [201]);
      assert(responses[0].header("location")!.startsWith("/api/uploads/"));
      assertEquals(responses[0].header("upload-offset"), "2");
    });
  });
}

Deno.test("draft: an HTTP/1.0 client gets no 104, only the final answer with Location", async () => {
  await withUploadServer({}, async (s) => {
    const responses = await exchange(
      s.port,
      "POST /files/old.txt HTTP/1.0\r\nUpload-Complete: ?0\r\nContent-Length: 2\r\n\r\nhi",
    );
    assertEquals(responses.map((r) => r.status), [201]);
    assert(responses[0].header("location")!.startsWith("/api/uploads/"));
  });
});

Deno.test("draft: a creation cut mid-body keeps what arrived; HEAD tells, PATCH finishes", async () => {
  await withUploadServer({}, async (s) => {
    const client = await RawClient.connect(s.port);
    await client.send(
      "POST /files/cut.bin HTTP/1.1\r\nHost: x\r\nUpload-Complete: ?1\r\nContent-Length: 10\r\n" +
        "Upload-Draft-Interop-Version: 8\r\n\r\n",
    );
    const interim = await client.readResponse();
    const location = interim!.header("location")!;
    await client.send("01234");
    // Wait until the server has the five bytes, then drop the connection.
    for (let i = 0; i < 100; i++) {
      const part = `${s.root}/.wireserve-uploads/${location.slice(-32)}.part`;
      if ((await Deno.stat(part)).size === 5) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    client.close();
    let offset: Awaited<ReturnType<typeof headOf>> | undefined;
    for (let i = 0; i < 100; i++) {
      offset = await headOf(s.port, location);
      if (offset.status === 204) break;
      await new Promise((r) => setTimeout(r, 20)); // 423 while the cut request winds down
    }
    assertEquals(offset!.header("upload-offset"), "5");
    assertEquals(offset!.header("upload-length"), "10"); // Upload-Complete ?1 + Content-Length
    assertEquals(await exists(`${s.root}/cut.bin`), false);
    const [done] = await exchange(
      s.port,
      `PATCH ${location} HTTP/1.1\r\nHost: x\r\nUpload-Offset: 5\r\nUpload-Complete: ?1\r\n` +
        "Content-Type: application/partial-upload\r\nContent-Length: 5\r\nConnection: close\r\n\r\n56789",
    );
    assertEquals(done.status, 201);
    assertEquals(await Deno.readTextFile(`${s.root}/cut.bin`), "0123456789");
  });
});

Deno.test("draft: DELETE cancels; the upload resource is gone and nothing was written", async () => {
  await withUploadServer({}, async (s) => {
    const [created] = await exchange(
      s.port,
      "POST /files/c.txt HTTP/1.1\r\nHost: x\r\nUpload-Complete: ?0\r\nContent-Length: 1\r\n" +
        "Connection: close\r\n\r\nx",
    );
    const location = created.header("location")!;
    const [cancel] = await exchange(
      s.port,
      `DELETE ${location} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    assertEquals(cancel.status, 204);
    const gone = await headOf(s.port, location);
    assertEquals(gone.status, 404);
    assertEquals(await exists(`${s.root}/c.txt`), false);
    const [again] = await exchange(
      s.port,
      `DELETE ${location} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    assertEquals(again.status, 404);
  });
});

Deno.test("draft: Upload-Limit max-size is --max-upload; past it 413 with Upload-Limit", async () => {
  await withUploadServer({ maxUploadBytes: 10 }, async (s) => {
    const [options] = await exchange(
      s.port,
      "OPTIONS /files/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assertEquals(options.header("accept-patch"), "application/partial-upload");
    assertEquals(options.header("upload-limit"), "max-size=10");
    const at = await exchange(
      s.port,
      "POST /files/ten.bin HTTP/1.1\r\nHost: x\r\nUpload-Complete: ?1\r\nContent-Length: 10\r\n" +
        "Connection: close\r\n\r\n0123456789",
    );
    assertEquals(at.at(-1)!.status, 201);
    const [over] = await exchange(
      s.port,
      "POST /files/eleven.bin HTTP/1.1\r\nHost: x\r\nUpload-Complete: ?0\r\nUpload-Length: 11\r\n" +
        "Content-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assertEquals(over.status, 413);
    assert(over.header("upload-limit")!.startsWith("max-size=10"));
  });
});

Deno.test("draft: inconsistent lengths are a 400 problem", async () => {
  await withUploadServer({}, async (s) => {
    const [res] = await exchange(
      s.port,
      "POST /files/x.bin HTTP/1.1\r\nHost: x\r\nUpload-Complete: ?1\r\nUpload-Length: 9\r\n" +
        "Content-Length: 3\r\nConnection: close\r\n\r\nabc",
    );
    assertEquals(res.status, 400);
    assert(res.text.includes("inconsistent-upload-length"));
  });
});

Deno.test("draft: an invalid Upload-Complete is ignored and the request is a plain upload", async () => {
  await withUploadServer({}, async (s) => {
    const responses = await exchange(
      s.port,
      "PUT /files/plain.txt HTTP/1.1\r\nHost: x\r\nUpload-Complete: yes\r\nContent-Length: 2\r\n" +
        "Connection: close\r\n\r\nok",
    );
    assertEquals(responses.map((r) => r.status), [201]);
    assertEquals(await Deno.readTextFile(`${s.root}/plain.txt`), "ok");
  });
});
