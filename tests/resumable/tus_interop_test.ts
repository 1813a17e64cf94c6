/**
 * tus 1.0.0 edges a probe with tus-js-client and raw requests found: an empty upload is published
 * by its creation, `X-HTTP-Method-Override` stands for PATCH/DELETE/HEAD, `Upload-Concat`
 * (parallelUploads) is refused before anything exists, creation-with-upload checks its
 * `Upload-Checksum`, and under `--cors` the tus fields are exposed to cross-origin scripts.
 */

import { createHash } from "node:crypto";
import { assert, assertEquals } from "../support/assert.ts";
import { b64, exists, filesBelow, tusFetch, withUploadServer } from "./resumable_fixture.ts";

const OCTETS = { "Content-Type": "application/offset+octet-stream" };

async function drained(res: Response): Promise<Response> {
  await res.body?.cancel();
  return res;
}

function create(url: string, name: string, length: number, extra: Record<string, string> = {}) {
  return tusFetch(url, "POST", {
    "Upload-Length": String(length),
    "Upload-Metadata": `filename ${b64(name)}`,
    ...extra,
  }).then(drained);
}

/** The records left in the state folder (one `.json` per upload). */
async function records(root: string): Promise<string[]> {
  return (await filesBelow(`${root}/.wireserve-uploads`).catch(() => [])).filter((n) =>
    n.endsWith(".json")
  );
}

Deno.test("tus: a creation with Upload-Length 0 publishes the empty file at once", async () => {
  await withUploadServer({}, async (s) => {
    const res = await create(s.url("/files/in/"), "empty.bin", 0);
    assertEquals(res.status, 201);
    assertEquals(res.headers.get("upload-offset"), "0");
    assertEquals((await Deno.stat(`${s.root}/in/empty.bin`)).size, 0);
    const head = await tusFetch(s.url(res.headers.get("location")!), "HEAD").then(drained);
    assertEquals([head.status, head.headers.get("upload-offset")], [204, "0"]);
    assertEquals(head.headers.get("upload-length"), "0");
  });
});

Deno.test("tus: a POST with X-HTTP-Method-Override acts as PATCH, HEAD and DELETE", async () => {
  await withUploadServer({}, async (s) => {
    const url = s.url((await create(s.url("/files/"), "o.txt", 6)).headers.get("location")!);
    const override = (method: string, extra: Record<string, string> = {}, body?: string) =>
      tusFetch(url, "POST", { "X-HTTP-Method-Override": method, ...extra }, body).then(drained);
    const appended = await override("PATCH", { ...OCTETS, "Upload-Offset": "0" }, "abc");
    assertEquals([appended.status, appended.headers.get("upload-offset")], [204, "3"]);
    const head = await override("HEAD");
    assertEquals([head.status, head.headers.get("upload-offset")], [204, "3"]);
    // A method an upload resource does not have leaves a POST, which it does not take.
    const put = await override("PUT", OCTETS, "x");
    assertEquals(put.status, 405);
    const plainPost = await tusFetch(url, "POST", OCTETS, "x").then(drained);
    assertEquals(plainPost.status, 405);
    assert(!plainPost.headers.get("allow")!.includes("POST"), plainPost.headers.get("allow")!);
    const done = await override("PATCH", { ...OCTETS, "Upload-Offset": "3" }, "def");
    assertEquals(done.status, 204);
    assertEquals(await Deno.readTextFile(`${s.root}/o.txt`), "abcdef");

    const other = s.url((await create(s.url("/files/"), "gone.txt", 4)).headers.get("location")!);
    const del = await tusFetch(other, "POST", { "X-HTTP-Method-Override": "DELETE" }).then(
      drained,
    );
    assertEquals(del.status, 204);
    assertEquals((await tusFetch(other, "HEAD").then(drained)).status, 404);
  });
});

Deno.test("tus: Upload-Concat is refused with 400 before any upload exists", async () => {
  await withUploadServer({}, async (s) => {
    // tus-js-client's parallelUploads: each part created with "partial", no file name.
    const partial = await tusFetch(s.url("/files/p/part.bin"), "POST", {
      "Upload-Length": "2",
      "Upload-Concat": "partial",
    }).then(drained);
    assertEquals(partial.status, 400);
    assertEquals(partial.headers.get("location"), null);
    const final = await tusFetch(s.url("/files/p/part.bin"), "POST", {
      "Upload-Concat": "final;/api/uploads/a /api/uploads/b",
    }).then(drained);
    assertEquals(final.status, 400);
    assertEquals(await records(s.root), []);
    assertEquals(await exists(`${s.root}/p/part.bin`), false);
  });
});

Deno.test("tus: creation-with-upload checks Upload-Checksum like a PATCH (460, nothing kept)", async () => {
  await withUploadServer({}, async (s) => {
    const sha1 = (t: string) => createHash("sha1").update(t).digest("base64");
    const withBody = (sum: string) =>
      tusFetch(s.url("/files/"), "POST", {
        ...OCTETS,
        "Upload-Length": "3",
        "Upload-Metadata": `filename ${b64("c.txt")}`,
        "Upload-Checksum": `sha1 ${sum}`,
      }, "abc").then(drained);
    const mismatch = await withBody(sha1("abd"));
    assertEquals(mismatch.status, 460);
    assertEquals(await exists(`${s.root}/c.txt`), false);
    const match = await withBody(sha1("abc"));
    assertEquals([match.status, match.headers.get("upload-offset")], [201, "3"]);
    assertEquals(await Deno.readTextFile(`${s.root}/c.txt`), "abc");
  });
});

Deno.test("tus: under --cors a cross-origin answer exposes Upload-Offset and the tus fields", async () => {
  await withUploadServer({ cors: true }, async (s) => {
    const origin = { Origin: "http://app.example" };
    const created = await create(s.url("/files/"), "x.bin", 4, origin);
    const url = s.url(created.headers.get("location")!);
    const patched = await tusFetch(url, "PATCH", {
      ...OCTETS,
      ...origin,
      "Upload-Offset": "0",
    }, "ab").then(drained);
    const head = await tusFetch(url, "HEAD", origin).then(drained);
    for (const res of [created, patched, head]) {
      const exposed = res.headers.get("access-control-expose-headers")!.toLowerCase();
      for (const name of ["upload-offset", "upload-length", "tus-resumable", "location"]) {
        assert(exposed.includes(name), `${name} not in ${exposed}`);
      }
    }
    // Without Origin, nothing to expose.
    const bare = await tusFetch(url, "HEAD").then(drained);
    assertEquals(bare.headers.get("access-control-expose-headers"), null);
  });
});

Deno.test("tus: without --cors no Access-Control field is added", async () => {
  await withUploadServer({}, async (s) => {
    // The page's own origin: another one is refused without --cors (cross_origin.ts).
    const origin = new URL(s.url("/")).origin;
    const created = await create(s.url("/files/"), "y.bin", 4, { Origin: origin });
    assertEquals(created.status, 201);
    assertEquals(created.headers.get("access-control-expose-headers"), null);
  });
});
