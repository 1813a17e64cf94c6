/**
 * The resumable uploads' state folder removed while the server runs (a temp cleaner): the next
 * creation makes it again, 0700 as at start, and uploads go on; the uploads whose files went
 * with it are gone (404), not a 500 for every request until a restart.
 */

import { assertEquals } from "../support/assert.ts";
import { b64, tusFetch, withUploadServer } from "../resumable/resumable_fixture.ts";

/** Creates a tus upload of `length` bytes named `name`; its Location. */
async function create(url: (p: string) => string, name: string, length: number): Promise<string> {
  const res = await tusFetch(url("/files/"), "POST", {
    "Upload-Length": String(length),
    "Upload-Metadata": `filename ${b64(name)}`,
  });
  const text = await res.text();
  assertEquals(res.status, 201, text);
  return res.headers.get("location")!;
}

async function append(url: string, offset: number, body: string): Promise<number> {
  const res = await tusFetch(url, "PATCH", {
    "Content-Type": "application/offset+octet-stream",
    "Upload-Offset": String(offset),
  }, body);
  await res.body?.cancel();
  return res.status;
}

Deno.test("a resumable creation makes the state folder again when it was removed at run time", async () => {
  await withUploadServer({}, async (s) => {
    const state = `${s.root}/.wireserve-uploads`;
    const before = s.url(await create(s.url, "before.txt", 10));
    assertEquals(await append(before, 0, "01234"), 204);

    await Deno.remove(state, { recursive: true });

    const after = s.url(await create(s.url, "x.txt", 10));
    assertEquals((await Deno.stat(state)).mode! & 0o777, 0o700, "made 0700, as at start");
    assertEquals(await append(after, 0, "01234"), 204);
    assertEquals(await append(after, 5, "56789"), 204);
    assertEquals(await Deno.readTextFile(`${s.root}/x.txt`), "0123456789");

    const gone = await tusFetch(before, "HEAD");
    await gone.body?.cancel();
    assertEquals(gone.status, 404, "an upload whose files went with the folder is gone");
    assertEquals(await append(before, 5, "56789"), 404);
  });
});
