/**
 * The refusals of resumable uploads, on the wire: a failed tus creation-with-upload leaves no
 * upload behind; uploads of unknown length stay under `--resumable-max-bytes`; a complete draft
 * upload the caps refuse becomes a plain upload; every 413 carries its protocol's fields
 * (`Tus-Resumable`, the draft's `Upload-Limit` and interop echo), chunked bodies included; every
 * 405 carries `Allow`; and data sent to a finished tus upload is a 413, not a 409.
 */

import { createHash } from "node:crypto";
import { assert, assertEquals } from "../support/assert.ts";
import type { RawResponse } from "../support/server.ts";
import { b64, exchange, filesBelow, withUploadServer } from "./resumable_fixture.ts";

const TUS = "Tus-Resumable: 1.0.0";
const OCTETS = "Content-Type: application/offset+octet-stream";
const STATE = ".wireserve-uploads";

/** The final answer to `head` (lines without the blank one) and `body`, on its own connection. */
async function final(port: number, head: string[], body = ""): Promise<RawResponse> {
  const answers = await exchange(
    port,
    `${[head[0], "Host: x", ...head.slice(1)].join("\r\n")}\r\n\r\n${body}`,
  );
  return answers[answers.length - 1];
}

/** Every answer (1xx included) to `head` and `body`. */
function all(port: number, head: string[], body = ""): Promise<RawResponse[]> {
  return exchange(port, `${[head[0], "Host: x", ...head.slice(1)].join("\r\n")}\r\n\r\n${body}`);
}

function tusCreate(port: number, name: string, fields: string[], body = "") {
  return final(port, [
    "POST /files/ HTTP/1.1",
    TUS,
    `Upload-Metadata: filename ${b64(name)}`,
    ...fields,
    `Content-Length: ${body.length}`,
  ], body);
}

function tusPatch(port: number, location: string, offset: number, body: string, chunked = false) {
  const framing = chunked ? ["Transfer-Encoding: chunked"] : [`Content-Length: ${body.length}`];
  const sent = chunked ? `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n` : body;
  return final(port, [
    `PATCH ${location} HTTP/1.1`,
    TUS,
    OCTETS,
    `Upload-Offset: ${offset}`,
    ...framing,
  ], sent);
}

function draftPatch(port: number, location: string, offset: number, body: string) {
  return final(port, [
    `PATCH ${location} HTTP/1.1`,
    "Upload-Draft-Interop-Version: 8",
    "Upload-Complete: ?0",
    `Upload-Offset: ${offset}`,
    "Content-Type: application/partial-upload",
    `Content-Length: ${body.length}`,
  ], body);
}

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("base64");
}

Deno.test("tus: a creation-with-upload refused for its data leaves no upload holding a place", async () => {
  await withUploadServer({ resumableMaxUploads: 1 }, async (s) => {
    const failures: Array<[string[], string, number]> = [
      [["Upload-Length: 3", OCTETS, `Upload-Checksum: sha1 ${sha1("zzz")}`], "xyz", 460],
      [["Upload-Length: 2", OCTETS], "xyz", 413],
      [["Upload-Length: 0", OCTETS], "xyz", 413],
    ];
    for (const [fields, body, status] of failures) {
      const res = await tusCreate(s.port, "a.txt", fields, body);
      assertEquals(res.status, status, fields.join(" "));
      assertEquals(res.header("location"), undefined);
      assertEquals(res.header("tus-resumable"), "1.0.0");
      assertEquals(await filesBelow(`${s.root}/${STATE}`), [], "nothing left in the state");
    }
    // The one place is still free.
    assertEquals((await tusCreate(s.port, "b.txt", ["Upload-Length: 3"])).status, 201);
  });
});

Deno.test("tus and the draft: uploads of unknown length stay under --resumable-max-bytes", async () => {
  await withUploadServer({ resumableMaxBytes: 100 }, async (s) => {
    const a = (await tusCreate(s.port, "a.bin", ["Upload-Defer-Length: 1"])).header("location")!;
    const b = (await tusCreate(s.port, "b.bin", ["Upload-Defer-Length: 1"])).header("location")!;
    assertEquals((await tusPatch(s.port, a, 0, "x".repeat(90))).status, 204);
    const refused = await tusPatch(s.port, b, 0, "y".repeat(20));
    assertEquals(refused.status, 413);
    assertEquals(refused.header("tus-resumable"), "1.0.0");
    assertEquals(refused.header("upload-offset"), "0");
    assert(refused.text.includes("--resumable-max-bytes"), refused.text);
    // Chunked: refused at the chunk that would cross the cap (at its size line), with the offset.
    const chunked = await tusPatch(s.port, a, 90, "x".repeat(20), true);
    assertEquals(chunked.status, 413);
    assertEquals(chunked.header("upload-offset"), "90");
    assertEquals((await tusPatch(s.port, a, 90, "x".repeat(10), true)).status, 204, "up to it");
    assertEquals((await tusPatch(s.port, b, 0, "")).status, 204, "an empty append still passes");
    // The draft: Upload-Complete ?0 without a length.
    const created = await final(s.port, [
      "POST /files/c.bin HTTP/1.1",
      "Upload-Complete: ?0",
      "Content-Length: 0",
    ]);
    assertEquals(created.status, 201);
    const draft = await draftPatch(s.port, created.header("location")!, 0, "z".repeat(5));
    assertEquals(draft.status, 413);
    assert(draft.header("upload-limit")?.startsWith("max-size="), "Upload-Limit");
    assertEquals(draft.header("upload-draft-interop-version"), "8");
    let held = 0;
    for (const name of await filesBelow(`${s.root}/${STATE}`)) {
      if (name.endsWith(".part")) held += (await Deno.stat(`${s.root}/${STATE}/${name}`)).size;
    }
    assertEquals(held, 100);
  });
});

Deno.test("draft: a complete upload the caps refuse is taken as a plain upload", async () => {
  await withUploadServer({ resumableMaxUploads: 1 }, async (s) => {
    const first = await final(s.port, [
      "PUT /files/u1.bin HTTP/1.1",
      "Upload-Complete: ?0",
      "Content-Length: 0",
    ]);
    assertEquals(first.status, 201);
    const answers = await all(s.port, [
      "PUT /files/u2.bin HTTP/1.1",
      "Upload-Draft-Interop-Version: 8",
      "Upload-Complete: ?1",
      "Content-Length: 3",
    ], "abc");
    assertEquals(answers.map((r) => r.status), [201], "no 104: it is not resumable");
    assertEquals(answers[0].header("upload-complete"), undefined);
    assert(!answers[0].header("location")?.startsWith("/api/uploads/"));
    assertEquals(await Deno.readTextFile(`${s.root}/u2.bin`), "abc");
    // An incomplete one still needs a place.
    const partial = await final(s.port, [
      "PUT /files/u3.bin HTTP/1.1",
      "Upload-Complete: ?0",
      "Content-Length: 1",
    ], "a");
    assertEquals(partial.status, 429);
  });
});

Deno.test("a 413 carries the protocol's fields: draft Upload-Limit, tus Tus-Resumable, chunked too", async () => {
  await withUploadServer({ maxUploadBytes: 100 }, async (s) => {
    const created = await final(s.port, [
      "POST /files/x.bin HTTP/1.1",
      "Upload-Draft-Interop-Version: 8",
      "Upload-Complete: ?0",
      "Content-Length: 10",
    ], "y".repeat(10));
    const over = await draftPatch(s.port, created.header("location")!, 10, "z".repeat(95));
    assertEquals(over.status, 413);
    assert(over.header("upload-limit")?.startsWith("max-size=100"), "Upload-Limit");
    // A chunked creation of unknown length that runs past --max-upload.
    const chunked = await final(s.port, [
      "POST /files/y.bin HTTP/1.1",
      "Upload-Draft-Interop-Version: 8",
      "Upload-Complete: ?1",
      "Transfer-Encoding: chunked",
    ], `40\r\n${"a".repeat(64)}\r\n40\r\n${"b".repeat(64)}\r\n0\r\n\r\n`);
    assertEquals(chunked.status, 413);
    assert(chunked.header("upload-limit")?.startsWith("max-size=100"), "Upload-Limit");
    assertEquals(chunked.header("upload-draft-interop-version"), "8");
    const tus = (await tusCreate(s.port, "t.bin", ["Upload-Length: 5"])).header("location")!;
    const past = await tusPatch(s.port, tus, 0, "12345678", true);
    assertEquals(past.status, 413);
    assertEquals(past.header("tus-resumable"), "1.0.0");
  });
});

Deno.test("content past the upload's own length: the draft's 400 inconsistent-upload-length, tus's 413", async () => {
  await withUploadServer({ maxUploadBytes: 100 }, async (s) => {
    const created = await final(s.port, [
      "POST /files/five.bin HTTP/1.1",
      "Upload-Draft-Interop-Version: 8",
      "Upload-Complete: ?0",
      "Upload-Length: 5",
      "Content-Length: 2",
    ], "ab");
    const location = created.header("location")!;
    // Within --max-upload, but 2 + 8 bytes for an upload of 5.
    const past = await draftPatch(s.port, location, 2, "12345678");
    assertEquals(past.status, 400);
    assert(past.text.includes("inconsistent-upload-length"), past.text);
    assertEquals(past.header("upload-limit"), undefined, "not a 413 of the server's limits");
    assertEquals(past.header("upload-offset"), "2", "where the upload stays");
    // Short of it with ?1 is inconsistent too, and refused before a byte is read.
    const short = await final(s.port, [
      `PATCH ${location} HTTP/1.1`,
      "Upload-Draft-Interop-Version: 8",
      "Upload-Offset: 2",
      "Upload-Complete: ?1",
      "Content-Type: application/partial-upload",
      "Content-Length: 2",
    ], "cd");
    assertEquals(short.status, 400);
    assertEquals(short.header("upload-offset"), "2", "where the upload stays");
    // A chunked append past the length is the same inconsistency, and keeps nothing of it — not
    // even a first chunk that fits (which, under interop 6, would have completed the upload);
    // nor does one that ends short of it (its bytes were read before its end was known).
    for (const interop of [8, 6]) {
      for (
        const body of [
          "8\r\n12345678\r\n0\r\n\r\n",
          "3\r\ncde\r\na\r\n0123456789\r\n0\r\n\r\n",
          "2\r\ncd\r\n0\r\n\r\n",
        ]
      ) {
        const chunked = await final(s.port, [
          `PATCH ${location} HTTP/1.1`,
          `Upload-Draft-Interop-Version: ${interop}`,
          "Upload-Offset: 2",
          "Upload-Complete: ?1",
          "Content-Type: application/partial-upload",
          "Transfer-Encoding: chunked",
        ], body);
        assertEquals(chunked.status, 400, body);
        assert(chunked.text.includes("inconsistent-upload-length"), chunked.text);
        assertEquals(chunked.header("upload-offset"), "2", body);
        const head = await final(s.port, [
          `HEAD ${location} HTTP/1.1`,
          `Upload-Draft-Interop-Version: ${interop}`,
        ]);
        assertEquals(head.header("upload-offset"), "2", `HEAD after ${body}`);
        assertEquals(head.header("upload-complete"), "?0", `HEAD after ${body}`);
      }
    }
    // The upload is where it was, and takes its last 3 bytes.
    const done = await final(s.port, [
      `PATCH ${location} HTTP/1.1`,
      "Upload-Draft-Interop-Version: 8",
      "Upload-Offset: 2",
      "Upload-Complete: ?1",
      "Content-Type: application/partial-upload",
      "Content-Length: 3",
    ], "cde");
    assertEquals(done.status, 201);
    assertEquals(await Deno.readTextFile(`${s.root}/five.bin`), "abcde");
    const tus = (await tusCreate(s.port, "t5.bin", ["Upload-Length: 5"])).header("location")!;
    assertEquals((await tusPatch(s.port, tus, 0, "12345678")).status, 413, "tus");
  });
});

Deno.test("tus: every 405 carries Allow and Tus-Resumable", async () => {
  await withUploadServer({}, async (s) => {
    const location = (await tusCreate(s.port, "g.txt", ["Upload-Length: 5"])).header("location")!;
    const refusals = [
      [`GET ${location} HTTP/1.1`, TUS],
      ["PUT /files/x.txt HTTP/1.1", TUS, "Content-Length: 3"],
      [`POST ${location} HTTP/1.1`, TUS, "X-HTTP-Method-Override: GET", "Content-Length: 0"],
      [`POST ${location} HTTP/1.1`, TUS, "Content-Length: 0"],
    ];
    for (const head of refusals) {
      const res = await final(s.port, head, head[0].startsWith("PUT") ? "abc" : "");
      assertEquals(res.status, 405, head[0]);
      assert((res.header("allow") ?? "").length > 0, `Allow: ${head[0]}`);
      assertEquals(res.header("tus-resumable"), "1.0.0", head[0]);
    }
    const put = await final(s.port, refusals[1], "abc");
    assert(put.header("allow")!.includes("POST"), "tus creates with POST, which /files/ takes");
  });
});

Deno.test("tus: data at the offset of a finished upload is a 413, not a 409 naming that offset", async () => {
  await withUploadServer({}, async (s) => {
    const empty = (await tusCreate(s.port, "e.txt", ["Upload-Length: 0"])).header("location")!;
    const three = (await tusCreate(s.port, "t.txt", ["Upload-Length: 3"])).header("location")!;
    assertEquals((await tusPatch(s.port, three, 0, "abc")).status, 204);
    for (const [location, offset] of [[empty, 0], [three, 3]] as const) {
      const res = await tusPatch(s.port, location, offset, "x");
      assertEquals(res.status, 413, `${offset}`);
      assertEquals(res.header("upload-offset"), String(offset));
      assertEquals(res.header("tus-resumable"), "1.0.0");
    }
    assertEquals((await tusPatch(s.port, three, 1, "x")).status, 409, "a wrong offset still is");
    assertEquals((await tusPatch(s.port, three, 3, "")).status, 204, "an empty one says done");
  });
});

Deno.test("tus: a 413 for data past the length says where the upload stays, chunked too", async () => {
  await withUploadServer({}, async (s) => {
    const location = (await tusCreate(s.port, "past.bin", ["Upload-Length: 10"])).header(
      "location",
    )!;
    const declared = await tusPatch(s.port, location, 0, "x".repeat(11));
    assertEquals(declared.status, 413);
    assertEquals(declared.header("upload-offset"), "0");
    // Two chunks: the first fits and stays; the second crosses the length, refused at its size.
    const chunked = await final(s.port, [
      `PATCH ${location} HTTP/1.1`,
      TUS,
      OCTETS,
      "Upload-Offset: 0",
      "Transfer-Encoding: chunked",
    ], "5\r\nAAAAA\r\n6\r\nBBBBBB\r\n0\r\n\r\n");
    assertEquals(chunked.status, 413);
    assertEquals(chunked.header("upload-offset"), "5");
    const head = await final(s.port, [`HEAD ${location} HTTP/1.1`, TUS, "Connection: close"]);
    assertEquals(head.header("upload-offset"), "5");
  });
});

Deno.test("tus: a 405's Allow never names the method it refuses", async () => {
  await withUploadServer({}, async (s) => {
    const location = (await tusCreate(s.port, "g.txt", ["Upload-Length: 5"])).header("location")!;
    const refused = [
      [`GET ${location} HTTP/1.1`, TUS],
      [`POST ${location} HTTP/1.1`, TUS],
      ["PUT /files/x.txt HTTP/1.1", TUS],
    ];
    for (const head of refused) {
      const res = await final(s.port, [...head, "Content-Length: 0"]);
      assertEquals(res.status, 405, head[0]);
      const allow = (res.header("allow") ?? "").split(",").map((m) => m.trim());
      assert(!allow.includes(head[0].split(" ")[0]), `${head[0]}: Allow: ${allow}`);
      assert(allow.includes(head[0].startsWith("PUT") ? "POST" : "PATCH"), `Allow: ${allow}`);
    }
  });
});

Deno.test("tus: an empty upload is created (and published) with the caps full", async () => {
  await withUploadServer({ resumableMaxUploads: 1, resumableMaxBytes: 10 }, async (s) => {
    assertEquals((await tusCreate(s.port, "full.bin", ["Upload-Length: 10"])).status, 201);
    assertEquals((await tusCreate(s.port, "one.bin", ["Upload-Length: 1"])).status, 429);
    const empty = await tusCreate(s.port, "empty.bin", ["Upload-Length: 0"]);
    assertEquals(empty.status, 201);
    assertEquals(await Deno.readTextFile(`${s.root}/empty.bin`), "");
    // It took no place: the caps still refuse what they refused.
    assertEquals((await tusCreate(s.port, "two.bin", ["Upload-Length: 1"])).status, 429);
  });
});

Deno.test("OPTIONS under --read-only offers no way to create an upload", async () => {
  await withUploadServer({ readOnly: true }, async (s) => {
    const res = await final(s.port, ["OPTIONS /files/ HTTP/1.1", "Connection: close"]);
    assertEquals(res.header("tus-version"), "1.0.0");
    assertEquals(res.header("tus-extension"), undefined);
    assertEquals(res.header("tus-max-size"), undefined);
    assertEquals(res.header("tus-checksum-algorithm"), undefined);
    assertEquals(res.header("accept-patch"), undefined);
    assertEquals(res.header("upload-limit"), undefined);
  });
  await withUploadServer({}, async (s) => {
    const res = await final(s.port, ["OPTIONS /files/ HTTP/1.1", "Connection: close"]);
    assert(res.header("tus-extension")!.includes("creation"), "Tus-Extension");
    assert(Number(res.header("tus-max-size")) > 0, "Tus-Max-Size");
    assert(res.header("tus-checksum-algorithm")!.includes("sha256"), "Tus-Checksum-Algorithm");
    assertEquals(res.header("accept-patch"), "application/partial-upload");
  });
});

Deno.test("tus: a checksum mismatch's status line is 460 Checksum Mismatch", async () => {
  await withUploadServer({}, async (s) => {
    const created = await tusCreate(s.port, "c.txt", ["Upload-Length: 3"]);
    const res = await final(s.port, [
      `PATCH ${created.header("location")} HTTP/1.1`,
      TUS,
      OCTETS,
      "Upload-Offset: 0",
      `Upload-Checksum: sha1 ${sha1("zzz")}`,
      "Content-Length: 3",
    ], "xyz");
    assertEquals(res.statusLine, "HTTP/1.1 460 Checksum Mismatch");
  });
});
