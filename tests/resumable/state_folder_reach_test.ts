/**
 * The resumable uploads' state folder is never reachable through the served folders, whatever
 * leads there: a link inside the share into `--resumable-dir` followed with `--follow-symlinks`
 * (GET, listing, search, zip, PROPFIND, writes), or a link in the `--www` root into the default
 * state folder of the share. The ids in it are capabilities and its files other clients' data.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { b64, tusFetch, withUploadServer } from "./resumable_fixture.ts";

const SECRET = "PARTIAL-SECRET";

/** A tus upload holding {@link SECRET} of 20 bytes; its id. */
async function partialUpload(url: (p: string) => string): Promise<string> {
  const created = await tusFetch(url("/files/"), "POST", {
    "Upload-Length": "20",
    "Upload-Metadata": `filename ${b64("secret.txt")}`,
  });
  await created.body?.cancel();
  assertEquals(created.status, 201);
  const location = created.headers.get("location")!;
  const patched = await tusFetch(url(location), "PATCH", {
    "Content-Type": "application/offset+octet-stream",
    "Upload-Offset": "0",
  }, SECRET);
  await patched.body?.cancel();
  assertEquals(patched.status, 204);
  return location.slice(location.lastIndexOf("/") + 1);
}

async function statusAndText(res: Response): Promise<[number, string]> {
  return [res.status, await res.text()];
}

Deno.test("a followed link into --resumable-dir serves, lists, zips, finds and writes nothing of it", async () => {
  const base = await Deno.makeTempDir({ prefix: "wireserve-state-link-" });
  try {
    const share = `${base}/share`;
    const state = `${base}/state`;
    await Deno.mkdir(share);
    await Deno.mkdir(state);
    await Deno.symlink(state, `${share}/link`);
    await Deno.writeTextFile(`${share}/shown.txt`, "shown");
    const config = { directory: share, resumableDir: state, followSymlinks: true };
    await withUploadServer(config, async (s) => {
      const id = await partialUpload(s.url);
      for (const path of [`/files/link/${id}.part`, `/files/link/${id}.json`, "/files/link/"]) {
        const [status, text] = await statusAndText(await fetch(s.url(path)));
        assertEquals(status, 404, path);
        assert(!text.includes(SECRET) && !text.includes(id), path);
      }
      const [, listing] = await statusAndText(await fetch(s.url("/files/?format=json")));
      assert(listing.includes("shown.txt") && !listing.includes('"link"'), listing);
      const found = await (await fetch(s.url(`/files/?q=${id}&format=json`))).json();
      assertEquals(found.entries, [], "the search finds none of it");
      const zip = new Uint8Array(await (await fetch(s.url("/files/?zip"))).arrayBuffer());
      const zipText = new TextDecoder("latin1").decode(zip);
      assert(zipText.includes("shown.txt") && !zipText.includes(id), "the zip leaves it out");
      const propfind = await fetch(s.url("/files/link/"), {
        method: "PROPFIND",
        headers: { Depth: "1" },
      });
      const [davStatus, dav] = await statusAndText(propfind);
      assertEquals(davStatus, 404);
      assert(!dav.includes(id));
      const put = await fetch(s.url(`/files/link/${id}.json`), { method: "PUT", body: "{}" });
      await put.body?.cancel();
      assert(put.status >= 400, `PUT through the link: ${put.status}`);
      assert((await Deno.readTextFile(`${state}/${id}.json`)).includes(id), "the record stays");
    });
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("a followed link in the --www root into the share's state folder serves nothing of it", async () => {
  const base = await Deno.makeTempDir({ prefix: "wireserve-state-www-" });
  try {
    const share = `${base}/share`;
    const www = `${base}/www`;
    await Deno.mkdir(share);
    await Deno.mkdir(www);
    await Deno.writeTextFile(`${www}/index.html`, "<p>site</p>");
    await Deno.symlink(`${share}/.wireserve-uploads`, `${www}/state`);
    const config = { directory: share, www, followSymlinks: true };
    await withUploadServer(config, async (s) => {
      const id = await partialUpload(s.url);
      const [status, text] = await statusAndText(await fetch(s.url(`/state/${id}.part`)));
      assertEquals(status, 404);
      assert(!text.includes(SECRET));
      const [shown] = await statusAndText(await fetch(s.url("/index.html")));
      assertEquals(shown, 200);
    });
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
