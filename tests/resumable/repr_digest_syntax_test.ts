/**
 * A malformed `Repr-Digest` on a resumable upload is refused as a plain upload refuses it (400
 * "Malformed Content-Digest or Repr-Digest"), before anything is stored and before the draft's
 * 104 — it was stored and then taken for "nothing to check" at the end, so the file was
 * published unchecked. Both protocols, creation with and without data, a draft `?0` creation
 * finished by a later PATCH, a draft append's own `Repr-Digest`, and a record an earlier version
 * stored with a malformed one.
 */

import { assert, assertEquals } from "../support/assert.ts";
import {
  b64,
  exchange,
  exists,
  filesBelow,
  headOf,
  rawRequest,
  withUploadServer,
} from "./resumable_fixture.ts";

const MALFORMED = ["sha-256=:garbage", "sha-256=:YWJj", "sha-256=abc, ("];
const REFUSAL = "Malformed Content-Digest or Repr-Digest";
/** sha-256 of "abc". */
const ABC_SHA256 = "sha-256=:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=:";

/** The uploads the state folder holds (their records). */
async function uploadsHeld(root: string): Promise<string[]> {
  const dir = `${root}/.wireserve-uploads`;
  if (!await exists(dir)) return [];
  return (await filesBelow(dir)).filter((f) => f.endsWith(".json"));
}

Deno.test("resumable: a malformed Repr-Digest gets the plain upload's 400, before a 104 or any upload", async () => {
  await withUploadServer({}, async (s) => {
    for (const digest of MALFORMED) {
      // The plain upload's answer, for comparison.
      const [plain] = await exchange(
        s.port,
        rawRequest("PUT", "/files/plain.bin", { "Repr-Digest": digest }, "abc"),
      );
      assertEquals([plain.status, plain.text.trim()], [400, REFUSAL], digest);

      for (const complete of ["?1", "?0"]) {
        const answers = await exchange(
          s.port,
          rawRequest("PUT", "/files/b.bin", {
            "Upload-Complete": complete,
            "Upload-Draft-Interop-Version": "6",
            "Repr-Digest": digest,
          }, "abc"),
        );
        // No 104 first: nothing was named.
        assertEquals(answers.map((a) => a.status), [400], `${digest} ${complete}`);
        assertEquals(answers[0].text.trim(), REFUSAL);
        assertEquals(answers[0].header("location"), undefined);
      }

      for (const body of ["abc", ""]) {
        const [tus] = await exchange(
          s.port,
          rawRequest("POST", "/files/", {
            "Tus-Resumable": "1.0.0",
            "Upload-Length": "3",
            "Upload-Metadata": `filename ${b64("t.bin")}`,
            "Content-Type": "application/offset+octet-stream",
            "Repr-Digest": digest,
          }, body),
        );
        assertEquals([tus.status, tus.text.trim()], [400, REFUSAL], `tus ${digest} "${body}"`);
        assertEquals(tus.header("location"), undefined);
      }
    }
    assertEquals(await exists(`${s.root}/b.bin`), false);
    assertEquals(await exists(`${s.root}/t.bin`), false);
    assertEquals(await exists(`${s.root}/plain.bin`), false);
    assertEquals(await uploadsHeld(s.root), []);
  });
});

Deno.test("resumable: a well-formed Repr-Digest is still checked at the end, across a later PATCH", async () => {
  await withUploadServer({}, async (s) => {
    for (const [digest, status] of [[ABC_SHA256, 201], ["sha-256=:YWJj:", 400]] as const) {
      const [interim, created] = await exchange(
        s.port,
        rawRequest("PUT", `/files/ok-${status}.bin`, {
          "Upload-Complete": "?0",
          "Upload-Draft-Interop-Version": "6",
          "Repr-Digest": digest,
        }, "ab"),
      );
      assertEquals([interim.status, created.status], [104, 201]);
      const [done] = await exchange(
        s.port,
        rawRequest(`PATCH`, created.header("location")!, {
          "Upload-Offset": "2",
          "Upload-Complete": "?1",
          "Content-Type": "application/partial-upload",
        }, "c"),
      );
      assertEquals(done.status, status, digest);
      assertEquals(await exists(`${s.root}/ok-${status}.bin`), status === 201);
    }
  });
});

Deno.test("draft: an append's malformed Repr-Digest is refused and changes nothing", async () => {
  await withUploadServer({}, async (s) => {
    const [, created] = await exchange(
      s.port,
      rawRequest("PUT", "/files/a.bin", {
        "Upload-Complete": "?0",
        "Upload-Draft-Interop-Version": "6",
      }, "ab"),
    );
    const location = created.header("location")!;
    const [refused] = await exchange(
      s.port,
      rawRequest("PATCH", location, {
        "Upload-Offset": "2",
        "Upload-Complete": "?1",
        "Content-Type": "application/partial-upload",
        "Repr-Digest": "sha-256=:garbage",
      }, "c"),
    );
    assertEquals([refused.status, refused.text.trim()], [400, REFUSAL]);
    const head = await headOf(s.port, location);
    assertEquals([head.header("upload-offset"), head.header("upload-complete")], ["2", "?0"]);
    assertEquals(await exists(`${s.root}/a.bin`), false);
  });
});

Deno.test("resumable: a malformed Repr-Digest an earlier version stored refuses the completion", async () => {
  await withUploadServer({}, async (s) => {
    const [, created] = await exchange(
      s.port,
      rawRequest("PUT", "/files/old.bin", {
        "Upload-Complete": "?0",
        "Upload-Draft-Interop-Version": "6",
      }, "ab"),
    );
    const location = created.header("location")!;
    const id = location.slice(location.lastIndexOf("/") + 1);
    // As a version that stored the field unchecked left it.
    const path = `${s.root}/.wireserve-uploads/${id}.json`;
    const record = JSON.parse(await Deno.readTextFile(path));
    record.reprDigest = "sha-256=:garbage";
    delete record.unverifiedFrom;
    await Deno.writeTextFile(path, JSON.stringify(record));
    const [done] = await exchange(
      s.port,
      rawRequest("PATCH", location, {
        "Upload-Offset": "2",
        "Upload-Complete": "?1",
        "Content-Type": "application/partial-upload",
      }, "c"),
    );
    assertEquals([done.status, done.text.trim()], [400, REFUSAL]);
    assert(!await exists(`${s.root}/old.bin`), "published unchecked");
    assertEquals(await uploadsHeld(s.root), []); // a refused completion ends the upload
  });
});
