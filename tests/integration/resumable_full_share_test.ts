/**
 * A finished resumable upload survives a full share. The share is a small tmpfs, the state
 * folder (`--resumable-dir`) on the normal disk, so every byte arrives but the publication (a
 * copy beside the final name, then a rename) runs out of space: the last append gets 507 with
 * the offset at the length, the upload and its data stay, and once space is freed the client's
 * next step publishes it — a tus `HEAD` (tus clients take offset == length for done), the
 * draft's empty `Upload-Complete: ?1` append, or for draft interop 6 (tus-js-client's
 * `ietf-draft-05`) the `HEAD` too.
 *
 * Mounting needs root and Linux; without them the tests say why and are skipped.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { filesBelow, withUploadServer } from "./upload_fixture.ts";
import type { UploadServer } from "./upload_fixture.ts";

const MIB = 1024 * 1024;
/** The share: room for the upload once the filler goes, not while it is there. */
const SHARE_SIZE = "3m";
const FILLER_BYTES = 1.5 * MIB;
const UPLOAD_BYTES = 2 * MIB;
const DATA = new Uint8Array(UPLOAD_BYTES).map((_, i) => (i * 7919 + (i >> 11)) & 0xff);
const FILLER = "filler.bin";

async function run(cmd: string, args: string[]): Promise<{ ok: boolean; err: string }> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).output();
    return { ok: out.success, err: new TextDecoder().decode(out.stderr).trim() };
  } catch (err) {
    return { ok: false, err: String(err) };
  }
}

/** Why a tmpfs cannot be mounted here (tried once, at load), or null when it can. */
async function mountSkipReason(): Promise<string | null> {
  if (Deno.build.os !== "linux") return "tmpfs mounts are Linux only";
  if (Deno.uid() !== 0) return "mounting a tmpfs needs root (uid is not 0)";
  const probe = await Deno.makeTempDir({ prefix: "wireserve-mount-probe-" });
  try {
    const mounted = await run("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe]);
    if (!mounted.ok) return `mount -t tmpfs failed: ${mounted.err}`;
    await run("umount", [probe]);
    return null;
  } finally {
    await Deno.remove(probe).catch(() => {});
  }
}

const SKIP = await mountSkipReason();

/**
 * Runs `fn` against a server whose share is a full tmpfs (`free` deletes the filler) and whose
 * state folder is on the normal disk. Unmounts whatever happens.
 */
async function withFullShare(
  fn: (s: UploadServer, share: string, state: string, free: () => Promise<void>) => Promise<void>,
) {
  const base = await Deno.makeTempDir({ prefix: "wireserve-full-share-" });
  const share = `${base}/share`;
  const state = `${base}/state`;
  await Deno.mkdir(share);
  let mounted = false;
  try {
    const mount = await run("mount", ["-t", "tmpfs", "-o", `size=${SHARE_SIZE}`, "tmpfs", share]);
    assert(mount.ok, `mount failed: ${mount.err}`);
    mounted = true;
    await Deno.writeFile(`${share}/${FILLER}`, new Uint8Array(FILLER_BYTES));
    const free = () => Deno.remove(`${share}/${FILLER}`);
    await withUploadServer(
      { directory: share, resumableDir: state },
      (s) => fn(s, share, state, free),
    );
  } finally {
    if (mounted) await run("umount", [share]);
    await Deno.remove(base, { recursive: true });
  }
}

/** The upload's files in the state folder: its record and all its data are still there. */
async function assertKept(state: string, location: string) {
  const id = location.slice(location.lastIndexOf("/") + 1);
  assert((await Deno.stat(`${state}/${id}.json`)).isFile, "the record is gone");
  assertEquals((await Deno.stat(`${state}/${id}.part`)).size, UPLOAD_BYTES);
}

async function assertPublished(share: string, name: string) {
  assertEquals(await filesBelow(share), [name]); // no temp copy left behind either
  assertEquals(await Deno.readFile(`${share}/${name}`), DATA);
}

async function call(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: Uint8Array<ArrayBuffer>,
): Promise<Response> {
  const res = await fetch(url, { method, headers, body });
  await res.body?.cancel();
  return res;
}

const TUS = { "Tus-Resumable": "1.0.0" };
const PARTIAL = "application/partial-upload";

Deno.test({
  name: SKIP === null
    ? "tus: the last PATCH to a full share gets 507 and keeps the upload; HEAD publishes it once freed"
    : `tus full-share test skipped: ${SKIP}`,
  ignore: SKIP !== null,
  fn: () =>
    withFullShare(async (s, share, state, free) => {
      const created = await call(s.url("/files/"), "POST", {
        ...TUS,
        "Upload-Length": String(UPLOAD_BYTES),
        "Upload-Metadata": `filename ${btoa("big.bin")}`,
      });
      assertEquals(created.status, 201);
      const location = created.headers.get("location")!;
      const last = await call(s.url(location), "PATCH", {
        ...TUS,
        "Upload-Offset": "0",
        "Content-Type": "application/offset+octet-stream",
      }, DATA);
      assertEquals([last.status, last.headers.get("upload-offset")], [507, String(UPLOAD_BYTES)]);
      await assertKept(state, location);

      const still = await call(s.url(location), "HEAD", TUS);
      assertEquals([still.status, still.headers.get("upload-offset")], [507, String(UPLOAD_BYTES)]);
      assertEquals(await filesBelow(share), [FILLER]);
      await assertKept(state, location);

      await free();
      const head = await call(s.url(location), "HEAD", TUS);
      assertEquals([head.status, head.headers.get("upload-offset")], [204, String(UPLOAD_BYTES)]);
      await assertPublished(share, "big.bin");
      const after = await call(s.url(location), "HEAD", TUS);
      assertEquals([after.status, after.headers.get("upload-offset")], [204, String(UPLOAD_BYTES)]);
    }),
});

Deno.test({
  name: SKIP === null
    ? "draft: the completing append to a full share gets 507 with Upload-Complete ?0; an empty ?1 append publishes once freed"
    : `draft full-share test skipped: ${SKIP}`,
  ignore: SKIP !== null,
  fn: () =>
    withFullShare(async (s, share, state, free) => {
      const created = await call(s.url("/files/big.bin"), "PUT", {
        "Upload-Complete": "?0",
        "Upload-Length": String(UPLOAD_BYTES),
      }, new Uint8Array(0));
      assertEquals(created.status, 201);
      const location = created.headers.get("location")!;
      const append = (offset: number, body: Uint8Array<ArrayBuffer>) =>
        call(s.url(location), "PATCH", {
          "Upload-Offset": String(offset),
          "Upload-Complete": "?1",
          "Content-Type": PARTIAL,
        }, body);
      const last = await append(0, DATA);
      assertEquals(
        [last.status, last.headers.get("upload-complete"), last.headers.get("upload-offset")],
        [507, "?0", String(UPLOAD_BYTES)],
      );
      await assertKept(state, location);
      const head = await call(s.url(location), "HEAD", {});
      assertEquals(
        [head.status, head.headers.get("upload-complete"), head.headers.get("upload-offset")],
        [204, "?0", String(UPLOAD_BYTES)],
      );
      const stillFull = await append(UPLOAD_BYTES, new Uint8Array(0));
      assertEquals([stillFull.status, stillFull.headers.get("upload-complete")], [507, "?0"]);
      await assertKept(state, location);

      await free();
      const done = await append(UPLOAD_BYTES, new Uint8Array(0));
      assertEquals([done.status, done.headers.get("upload-complete")], [201, "?1"]);
      await assertPublished(share, "big.bin");
    }),
});

Deno.test({
  name: SKIP === null
    ? "draft interop 6: the last PATCH to a full share gets 507; HEAD publishes it once freed"
    : `draft interop 6 full-share test skipped: ${SKIP}`,
  ignore: SKIP !== null,
  fn: () =>
    withFullShare(async (s, share, state, free) => {
      const interop = { "Upload-Draft-Interop-Version": "6" };
      const created = await call(s.url("/files/big.bin"), "POST", {
        ...interop,
        "Upload-Complete": "?0",
        "Upload-Length": String(UPLOAD_BYTES),
      }, new Uint8Array(0));
      assertEquals(created.status, 201);
      const location = created.headers.get("location")!;
      // tus-js-client's ietf-draft-05 mode: ?0 on every append; the length completes it.
      const last = await call(s.url(location), "PATCH", {
        ...interop,
        "Upload-Offset": "0",
        "Upload-Complete": "?0",
        "Content-Type": PARTIAL,
      }, DATA);
      assertEquals(
        [last.status, last.headers.get("upload-complete"), last.headers.get("upload-offset")],
        [507, "?0", String(UPLOAD_BYTES)],
      );
      const still = await call(s.url(location), "HEAD", interop);
      assertEquals([still.status, still.headers.get("upload-offset")], [507, String(UPLOAD_BYTES)]);
      await assertKept(state, location);

      await free();
      const head = await call(s.url(location), "HEAD", interop);
      assertEquals(
        [head.status, head.headers.get("upload-complete"), head.headers.get("upload-offset")],
        [204, "?1", String(UPLOAD_BYTES)],
      );
      await assertPublished(share, "big.bin");
    }),
});
