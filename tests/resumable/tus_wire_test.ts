/**
 * tus 1.0.0 against the real app with fetch: discovery, creation to a folder with filename or
 * relativePath, checksums (460), offsets (409), concurrent appends that never interleave, the
 * caps (429, 413), offsets from disk across a restart, the write rules at completion
 * (`--no-overwrite`, `If-None-Match`), auth and `--read-only`, and the state folder never served.
 */

import { createHash } from "node:crypto";
import { assert, assertEquals } from "../support/assert.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { createApp } from "../../src/app/routes.ts";
import { startServer } from "../support/server.ts";
import { b64, exists, tusFetch, withUploadServer } from "./resumable_fixture.ts";

const OCTETS = { "Content-Type": "application/offset+octet-stream" };

async function create(
  base: (p: string) => string,
  folder: string,
  name: string,
  length: number,
  extra: Record<string, string> = {},
): Promise<Response> {
  const res = await tusFetch(base(folder), "POST", {
    "Upload-Length": String(length),
    "Upload-Metadata": `filename ${b64(name)}`,
    ...extra,
  });
  await res.body?.cancel();
  return res;
}

async function patch(url: string, offset: number, body: BodyInit, extra = {}) {
  const res = await tusFetch(
    url,
    "PATCH",
    { ...OCTETS, "Upload-Offset": String(offset), ...extra },
    body,
  );
  await res.body?.cancel();
  return res;
}

Deno.test("tus: OPTIONS tells the version, extensions, max size and checksum algorithms", async () => {
  await withUploadServer({ maxUploadBytes: 12345 }, async (s) => {
    const res = await fetch(s.url("/files/"), { method: "OPTIONS" });
    // WebDAV answers OPTIONS on the share (200 with DAV and Allow); tus adds its fields to it.
    assert(res.status === 200 || res.status === 204, String(res.status));
    assertEquals(res.headers.get("dav"), "1, 2");
    assertEquals(res.headers.get("tus-version"), "1.0.0");
    assertEquals(res.headers.get("tus-max-size"), "12345");
    const ext = res.headers.get("tus-extension")!.split(",");
    for (const e of ["creation", "creation-with-upload", "termination", "expiration", "checksum"]) {
      assert(ext.includes(e), e);
    }
    assertEquals(res.headers.get("tus-checksum-algorithm"), "sha1,sha256,sha512,md5");
  });
});

Deno.test("tus: relativePath names sub-folders; a climbing one is refused", async () => {
  await withUploadServer({}, async (s) => {
    const ok = await tusFetch(s.url("/files/up/"), "POST", {
      "Upload-Length": "2",
      "Upload-Metadata": `filename ${b64("a.txt")},relativePath ${b64("photos/2024/a.txt")}`,
    });
    assertEquals(ok.status, 201);
    assertEquals(
      (await patch(new URL(ok.headers.get("location")!, s.url("/")).href, 0, "hi")).status,
      204,
    );
    assertEquals(await Deno.readTextFile(`${s.root}/up/photos/2024/a.txt`), "hi");
    for (const bad of ["../x.txt", "a/../../x.txt", ".env", "a//b"]) {
      const res = await tusFetch(s.url("/files/up/"), "POST", {
        "Upload-Length": "1",
        "Upload-Metadata": `relativePath ${b64(bad)}`,
      });
      await res.body?.cancel();
      assertEquals(res.status, 400, bad);
    }
  });
});

Deno.test("tus: a checksum mismatch is 460 and the bytes go; a match keeps them", async () => {
  await withUploadServer({}, async (s) => {
    const created = await create(s.url, "/files/", "c.txt", 6);
    const url = s.url(created.headers.get("location")!);
    const sha1 = (t: string) => createHash("sha1").update(t).digest("base64");
    const bad = await patch(url, 0, "abc", { "Upload-Checksum": `sha1 ${sha1("abd")}` });
    assertEquals(bad.status, 460);
    const head = await tusFetch(url, "HEAD");
    assertEquals(head.headers.get("upload-offset"), "0");
    const unknown = await patch(url, 0, "abc", { "Upload-Checksum": "crc99 AAAA" });
    assertEquals(unknown.status, 400);
    const good = await patch(url, 0, "abc", { "Upload-Checksum": `sha1 ${sha1("abc")}` });
    assertEquals([good.status, good.headers.get("upload-offset")], [204, "3"]);
  });
});

Deno.test("tus: a wrong offset is 409 with the right one; a bad media type 415", async () => {
  await withUploadServer({}, async (s) => {
    const url = s.url((await create(s.url, "/files/", "o.txt", 4)).headers.get("location")!);
    assertEquals((await patch(url, 0, "ab")).status, 204);
    const wrong = await patch(url, 1, "cd");
    assertEquals([wrong.status, wrong.headers.get("upload-offset")], [409, "2"]);
    const media = await tusFetch(url, "PATCH", { "Upload-Offset": "2" }, "cd");
    await media.body?.cancel();
    assertEquals(media.status, 415);
    const version = await fetch(url, { method: "HEAD", headers: { "Tus-Resumable": "0.2.2" } });
    assertEquals([version.status, version.headers.get("tus-version")], [412, "1.0.0"]);
  });
});

Deno.test("tus: Upload-Length and Upload-Offset with parameters are 400 (plain integers, not Structured Fields)", async () => {
  await withUploadServer({}, async (s) => {
    const created = await create(s.url, "/files/", "p.txt", 4, { "Upload-Length": "4;a=1" });
    assertEquals(created.status, 400);
    const url = s.url((await create(s.url, "/files/", "p.txt", 4)).headers.get("location")!);
    assertEquals((await patch(url, 0, "ab", { "Upload-Offset": "0;a=1" })).status, 400);
    assertEquals((await patch(url, 0, "ab")).status, 204);
  });
});

Deno.test("tus: concurrent PATCHes at one offset never interleave: the later ends the earlier", async () => {
  await withUploadServer({}, async (s) => {
    const size = 8 * 1024 * 1024;
    const url = s.url((await create(s.url, "/files/", "race.bin", size)).headers.get("location")!);
    const a = new Uint8Array(size / 2).fill(0x61);
    const b = new Uint8Array(size / 2).fill(0x62);
    // The one that waits for the lease ends the one appending (the draft's "Concurrency"): that
    // one's connection closes (a fetch error here) with its bytes so far kept, and the waiter
    // finds the offset moved (409) — or, if it came first, the other finds it so. One upload
    // of one PATCH's bytes whatever the order; never both.
    const outcome = (res: Promise<Response>) => res.then((r) => r.status, () => "cut");
    const [ra, rb] = await Promise.all([outcome(patch(url, 0, a)), outcome(patch(url, 0, b))]);
    const part = `${s.root}/.wireserve-uploads/${url.slice(-32)}.part`;
    const bytes = await Deno.readFile(part);
    assert(bytes.length <= size / 2, `${bytes.length} bytes`);
    assert(bytes.every((x) => x === bytes[0]), "bytes of both PATCHes were mixed");
    assert([ra, rb].includes(409) || [ra, rb].includes("cut"), `${ra}, ${rb}`);
    assert(!(ra === 204 && rb === 204), "both PATCHes wrote");
  });
});

Deno.test("tus: the caps refuse creations with 429 (count) and 413 (bytes)", async () => {
  await withUploadServer({ resumableMaxUploads: 2, resumableMaxBytes: 100 }, async (s) => {
    assertEquals((await create(s.url, "/files/", "a", 40)).status, 201);
    assertEquals((await create(s.url, "/files/", "b", 60)).status, 201); // exactly at both caps
    const count = await tusFetch(s.url("/files/"), "POST", {
      "Upload-Length": "1", // not 0: an empty upload is complete at creation, past every cap
      "Upload-Metadata": `filename ${b64("c")}`,
    });
    assertEquals(count.status, 429);
    assert((await count.text()).includes("--resumable-max-uploads"));
  });
  await withUploadServer({ resumableMaxBytes: 100 }, async (s) => {
    assertEquals((await create(s.url, "/files/", "a", 100)).status, 201);
    const bytes = await tusFetch(s.url("/files/"), "POST", {
      "Upload-Length": "1",
      "Upload-Metadata": `filename ${b64("b")}`,
    });
    assertEquals(bytes.status, 413);
    assert((await bytes.text()).includes("--resumable-max-bytes"));
  });
});

Deno.test("tus: offsets come from disk: a new server on the same folder resumes the upload", async () => {
  const root = await Deno.makeTempDir({ prefix: "wireserve-resume-" });
  try {
    const first = startServer(createApp(appConfig({ directory: root })));
    const base1 = (p: string) => `http://127.0.0.1:${first.port}${p}`;
    const location = (await create(base1, "/files/", "r.txt", 6)).headers.get("location")!;
    assertEquals((await patch(base1(location), 0, "abc")).status, 204);
    await first.close();
    const second = startServer(createApp(appConfig({ directory: root })));
    const base2 = (p: string) => `http://127.0.0.1:${second.port}${p}`;
    try {
      const head = await tusFetch(base2(location), "HEAD");
      assertEquals(head.headers.get("upload-offset"), "3");
      assertEquals((await patch(base2(location), 3, "def")).status, 204);
      assertEquals(await Deno.readTextFile(`${root}/r.txt`), "abcdef");
    } finally {
      await second.close();
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("tus: completion follows --no-overwrite and If-None-Match taken at creation", async () => {
  await withUploadServer({ noOverwrite: true }, async (s) => {
    await Deno.writeTextFile(`${s.root}/taken.txt`, "old");
    assertEquals((await create(s.url, "/files/", "taken.txt", 1)).status, 409);
    const url = s.url((await create(s.url, "/files/", "late.txt", 1)).headers.get("location")!);
    await Deno.writeTextFile(`${s.root}/late.txt`, "someone else");
    const last = await patch(url, 0, "x");
    assertEquals(last.status, 409);
    assertEquals(await Deno.readTextFile(`${s.root}/late.txt`), "someone else");
  });
  await withUploadServer({}, async (s) => {
    const url = s.url(
      (await create(s.url, "/files/", "once.txt", 1, { "If-None-Match": "*" })).headers.get(
        "location",
      )!,
    );
    await Deno.writeTextFile(`${s.root}/once.txt`, "first");
    assertEquals((await patch(url, 0, "x")).status, 412);
    assertEquals(await Deno.readTextFile(`${s.root}/once.txt`), "first");
  });
});

Deno.test("tus: auth and --read-only hold at creation and on every later request", async () => {
  await withUploadServer({ token: "s3cret" }, async (s) => {
    const auth = { Authorization: "Bearer s3cret" };
    assertEquals((await create(s.url, "/files/", "a.txt", 1)).status, 401);
    const url = s.url((await create(s.url, "/files/", "a.txt", 1, auth)).headers.get("location")!);
    assertEquals((await patch(url, 0, "x")).status, 401);
    const head = await tusFetch(url, "HEAD");
    assertEquals(head.status, 401);
    assertEquals((await patch(url, 0, "x", auth)).status, 204);
  });
  await withUploadServer({ readOnly: true }, async (s) => {
    assertEquals((await create(s.url, "/files/", "a.txt", 1)).status, 403);
  });
});

Deno.test("tus: partial data is never served, listed or writable, even with --dotfiles", async () => {
  await withUploadServer({ dotfiles: true }, async (s) => {
    const url = s.url((await create(s.url, "/files/", "p.txt", 4)).headers.get("location")!);
    assertEquals((await patch(url, 0, "ab")).status, 204);
    const id = url.slice(-32);
    for (const path of ["/files/.wireserve-uploads/", `/files/.wireserve-uploads/${id}.part`]) {
      const res = await fetch(s.url(path));
      await res.body?.cancel();
      assertEquals(res.status, 404, path);
    }
    const listing =
      await (await fetch(s.url("/files/"), { headers: { Accept: "application/json" } })).text();
    assert(!listing.includes("wireserve-uploads"), listing);
    const put = await fetch(s.url(`/files/.wireserve-uploads/${id}.part`), {
      method: "PUT",
      body: "zz",
    });
    await put.body?.cancel();
    // Refused as a name the server keeps for itself, as every write naming it is.
    assertEquals(put.status, 400);
    assertEquals(await exists(`${s.root}/p.txt`), false);
  });
});

for (const ending of ["closes", "stalls past the body clock"] as const) {
  Deno.test(`tus: a PATCH whose client ${ending} mid-body keeps every byte that arrived`, async () => {
    await cutPatch(ending);
  });
}

/** Sends part of a PATCH body, then closes or stalls; checks the offset and resumes. */
function cutPatch(ending: "closes" | "stalls past the body clock"): Promise<void> {
  return withUploadServer({}, async (s) => {
    const total = 4 * 1024 * 1024;
    const created = await create(s.url, "/files/", "cut.bin", total);
    const url = new URL(created.headers.get("location")!, s.url("/"));
    // Two whole pump pieces (1 MiB each) and part of a third, held in the pump's buffer when
    // the connection ends: a read that took that buffer with it would lose the third part.
    const sent = 3_000_000;
    const data = Uint8Array.from({ length: sent }, (_, i) => (i * 31) & 0xff);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
    const head = `PATCH ${url.pathname} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n` +
      `Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n` +
      `Content-Length: ${total}\r\n\r\n`;
    await conn.write(new TextEncoder().encode(head));
    for (let at = 0; at < sent;) at += await conn.write(data.subarray(at));
    // A close ends the body at once (FIN); a stall runs out the body clock, which closes the
    // connection under a pending read.
    if (ending === "closes") conn.close();
    // Until the server has written every byte sent, and for a stall until the body clock ran
    // out: a HEAD sooner would end the request itself (a newer request for an upload ends the
    // append in progress), dropping what was still in flight.
    const part = `${s.root}/.wireserve-uploads/${url.pathname.slice(-32)}.part`;
    for (let i = 0; i < 250 && (await Deno.stat(part)).size < sent; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    if (ending !== "closes") await new Promise((r) => setTimeout(r, 600));
    let offset: string | null = null;
    for (let i = 0; i < 100; i++) {
      const res = await tusFetch(url.href, "HEAD", {});
      await res.body?.cancel();
      if (res.status === 204 || res.status === 200) {
        offset = res.headers.get("upload-offset");
        break;
      }
      await new Promise((r) => setTimeout(r, 20)); // 423 while the cut request winds down
    }
    if (ending !== "closes") conn.close();
    assertEquals(offset, String(sent));
    const resumed = await patch(url.href, sent, new Uint8Array(total - sent).fill(1));
    assertEquals(resumed.status, 204);
    const stored = await Deno.readFile(`${s.root}/cut.bin`);
    assertEquals(stored.length, total);
    assertEquals(stored.subarray(0, sent), data);
  }, { bodyIdleTimeoutMs: 300 });
}

Deno.test("tus: a --resumable-dir that reaches into the shared folder by a symlink is refused (500), nothing served", async () => {
  const base = await Deno.makeTempDir({ prefix: "wireserve-state-alias-" });
  try {
    const share = `${base}/share`;
    await Deno.mkdir(`${share}/docs`, { recursive: true });
    // The spelling is outside the share, the real folder inside it: /files/docs/state/ would
    // list other clients' partial uploads and let anyone rewrite their records.
    await Deno.symlink(`${share}/docs`, `${base}/alias`);
    await withUploadServer({ directory: share, resumableDir: `${base}/alias/state` }, async (s) => {
      const tus = await create(s.url, "/files/", "a.txt", 2);
      assertEquals(tus.status, 500);
      const draft = await fetch(s.url("/files/b.txt"), {
        method: "PUT",
        headers: { "Upload-Complete": "?0" },
        body: "x",
      });
      await draft.body?.cancel();
      assertEquals(draft.status, 500);
      assertEquals([...Deno.readDirSync(`${share}/docs`)].map((e) => e.name), []);
      const listed = await fetch(s.url("/files/docs/?format=json"));
      assertEquals((await listed.json()).entries, []);
    });
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("tus: a --resumable-dir outside the shared folder, or the default one inside it, works", async () => {
  const base = await Deno.makeTempDir({ prefix: "wireserve-state-outside-" });
  try {
    await Deno.mkdir(`${base}/share`);
    for (const resumableDir of [`${base}/state`, null]) {
      await withUploadServer({ directory: `${base}/share`, resumableDir }, async (s) => {
        const tus = await create(s.url, "/files/", "a.txt", 2);
        assertEquals(tus.status, 201, String(resumableDir));
      });
    }
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
