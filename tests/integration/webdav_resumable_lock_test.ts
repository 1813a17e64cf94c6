/**
 * WebDAV locks hold for resumable uploads as for plain ones (RFC 4918 §7, §9.7): a draft
 * `Upload-Complete: ?1` upload, a tus creation and a tus completion onto a locked file, or into
 * a folder locked at depth 0, need the lock's token in `If` (423 without it).
 * @module
 */

import { assertEquals } from "../support/assert.ts";
import { dav, withShare } from "./webdav_share_fixture.ts";

const LOCKINFO = '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope>' +
  "<D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>";
const TUS = { "Tus-Resumable": "1.0.0" };

const CONFIG = { allowDelete: true, allowMkdir: true };

async function lock(url: string, depth = "0"): Promise<string> {
  const res = await dav(url, "LOCK", { Depth: depth }, LOCKINFO);
  const token = res.headers.get("lock-token");
  if (token === null) throw new Error(`LOCK ${url} answered ${res.status}`);
  return token; // "<urn:uuid:…>", as `If` wants it
}

function tusMeta(name: string): string {
  return `filename ${btoa(name)}`;
}

Deno.test("a draft complete upload onto a locked file answers 423 without the token", async () => {
  await withShare(CONFIG, async (_s, root, base) => {
    await Deno.writeTextFile(`${root}/lb.txt`, "original");
    const token = await lock(`${base}/files/lb.txt`);
    for (const method of ["PUT", "POST"]) {
      const res = await dav(`${base}/files/lb.txt`, method, { "Upload-Complete": "?1" }, "draft");
      assertEquals(res.status, 423, method);
    }
    assertEquals(await Deno.readTextFile(`${root}/lb.txt`), "original");
    const ok = await dav(`${base}/files/lb.txt`, "PUT", {
      "Upload-Complete": "?1",
      If: `(${token})`,
    }, "draft");
    assertEquals(ok.status < 300, true, `${ok.status}`);
    assertEquals(await Deno.readTextFile(`${root}/lb.txt`), "draft");
  });
});

Deno.test("a tus creation onto a locked file or into a depth-0 locked folder answers 423", async () => {
  await withShare(CONFIG, async (_s, root, base) => {
    await Deno.mkdir(`${root}/lk`);
    await Deno.writeTextFile(`${root}/lk/locked.txt`, "orig");
    await lock(`${base}/files/lk/locked.txt`);
    const onFile = await dav(`${base}/files/lk/`, "POST", {
      ...TUS,
      "Upload-Length": "3",
      "Upload-Metadata": tusMeta("locked.txt"),
    });
    assertEquals(onFile.status, 423);
    await lock(`${base}/files/lk/`);
    const newMember = await dav(`${base}/files/lk/`, "POST", {
      ...TUS,
      "Upload-Length": "3",
      "Upload-Metadata": tusMeta("tusnew.txt"),
    });
    assertEquals(newMember.status, 423);
    assertEquals(await Deno.readTextFile(`${root}/lk/locked.txt`), "orig");
    const names = [];
    for await (const e of Deno.readDir(`${root}/lk`)) names.push(e.name);
    assertEquals(names, ["locked.txt"]);
  });
});

Deno.test("a tus upload whose file was locked meanwhile completes only with the token, and is kept", async () => {
  await withShare(CONFIG, async (_s, root, base) => {
    await Deno.writeTextFile(`${root}/lb.txt`, "original");
    const created = await dav(`${base}/files/`, "POST", {
      ...TUS,
      "Upload-Length": "3",
      "Upload-Metadata": tusMeta("lb.txt"),
    });
    assertEquals(created.status, 201);
    const upload = base + created.headers.get("location")!;
    const token = await lock(`${base}/files/lb.txt`);
    const patch = (headers: Record<string, string>) =>
      dav(upload, "PATCH", {
        ...TUS,
        "Upload-Offset": "0",
        "Content-Type": "application/offset+octet-stream",
        ...headers,
      }, "tus");
    const refused = await patch({});
    assertEquals(refused.status, 423);
    assertEquals(await Deno.readTextFile(`${root}/lb.txt`), "original");
    // The bytes are kept: the retry with the token publishes them.
    const head = await dav(upload, "HEAD", { ...TUS, If: `(${token})` });
    assertEquals(head.status, 204);
    assertEquals(head.headers.get("upload-offset"), "3");
    assertEquals(await Deno.readTextFile(`${root}/lb.txt`), "tus");
  });
});
