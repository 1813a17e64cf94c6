/**
 * Faults to survive (issue 18), on the real server: a file renamed over, grown or shrunk while it
 * is being sent; a cached small file replaced behind the server's back; a full disk (a 1 MiB
 * tmpfs, as root). Each would fail if the server sent wrong bytes under a complete length,
 * served stale bytes, or left a file behind.
 * @module
 */

import { assert, assertEquals } from "../support/assert.ts";
import { startApp } from "../support/app_server.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { filesBelow, head, pattern, request } from "./upload_fixture.ts";
import { Buffer } from "node:buffer";

/** Large enough that the loopback socket buffers hold only a small part of it. */
const BIG_FILE_BYTES = 32 * 1024 * 1024;
/** What the slow reader takes before the fault happens. */
const READ_BEFORE_FAULT_BYTES = 1024 * 1024;
/** The stat-cache period used by the cache test (short, so the test stays quick). */
const STAT_CACHE_MS = 200;
const READ_PIECE_BYTES = 64 * 1024;
const READ_DEADLINE_MS = 30_000;

/** A GET on a raw socket that reads slowly: `atLeast` body bytes first, then `fault()`, then the rest. */
async function getWithFault(
  port: number,
  path: string,
  fault: () => Promise<void>,
): Promise<{ length: number; body: Uint8Array; complete: boolean }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(head("GET", path, [["Connection", "close"]])));
    const pieces: Uint8Array[] = [];
    let total = 0;
    let headEnd = -1;
    let faulted = false;
    const deadline = Date.now() + READ_DEADLINE_MS;
    for (;;) {
      if (Date.now() > deadline) throw new Error("download did not end");
      const buf = new Uint8Array(READ_PIECE_BYTES);
      const n = await conn.read(buf).catch(() => null);
      if (n === null) break;
      pieces.push(buf.subarray(0, n));
      total += n;
      if (headEnd < 0) {
        const all = concat(pieces);
        const text = new TextDecoder("latin1").decode(all.subarray(0, 4096));
        const i = text.indexOf("\r\n\r\n");
        if (i >= 0) headEnd = i + 4;
      }
      if (!faulted && headEnd >= 0 && total - headEnd >= READ_BEFORE_FAULT_BYTES) {
        faulted = true;
        await fault();
      }
      // Slow reader: the server stays mid-send while the fault happens.
      if (!faulted) await new Promise((r) => setTimeout(r, 5));
    }
    assert(faulted, "the fault never happened: the download ended first");
    const all = concat(pieces);
    const headText = new TextDecoder("latin1").decode(all.subarray(0, headEnd));
    assert(headText.startsWith("HTTP/1.1 200"), headText);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(headText)![1]);
    const body = all.subarray(headEnd);
    return { length, body, complete: body.length === length };
  } finally {
    try {
      conn.close();
    } catch {
      // closed already
    }
  }
}

function concat(pieces: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Whether `got` is exactly the first `got.length` bytes of `want` (compared fast). */
function isPrefix(got: Uint8Array, want: Uint8Array): boolean {
  if (got.length > want.length) return false;
  const a = Buffer.from(got.buffer, got.byteOffset, got.length);
  const b = Buffer.from(want.buffer, want.byteOffset, got.length);
  return a.equals(b);
}

async function withFilesServer(
  fn: (port: number, root: string) => Promise<void>,
  statCacheMs = 1000,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "wireserve-faults-" });
  const srv = await startApp(appConfig({ directory: root, statCacheMs }));
  try {
    await fn(srv.port, root);
  } finally {
    await srv.close();
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("a large file renamed over while it is sent: the old bytes whole, or a cut — never mixed", async () => {
  await withFilesServer(async (port, root) => {
    const oldBytes = pattern(BIG_FILE_BYTES, 1);
    await Deno.writeFile(`${root}/big.bin`, oldBytes);
    const got = await getWithFault(port, "/files/big.bin", async () => {
      // Another process replaces it the safe way: a new file renamed over the old name.
      await Deno.writeFile(`${root}/big.new`, pattern(BIG_FILE_BYTES, 2));
      await Deno.rename(`${root}/big.new`, `${root}/big.bin`);
    });
    assertEquals(got.length, BIG_FILE_BYTES);
    // The open descriptor keeps the old inode: the old file whole, byte for byte.
    assert(got.complete, `cut at ${got.body.length}`);
    assert(isPrefix(got.body, oldBytes), "bytes of the new file under the old one's length");
  });
});

Deno.test("a large file grown while it is sent: exactly the announced length of the old bytes", async () => {
  await withFilesServer(async (port, root) => {
    const bytes = pattern(BIG_FILE_BYTES, 3);
    await Deno.writeFile(`${root}/grow.bin`, bytes);
    const got = await getWithFault(port, "/files/grow.bin", async () => {
      await Deno.writeFile(`${root}/grow.bin`, pattern(1024 * 1024, 4), { append: true });
    });
    assertEquals(got.length, BIG_FILE_BYTES);
    assert(got.complete, `cut at ${got.body.length}`);
    assert(isPrefix(got.body, bytes));
  });
});

Deno.test("a large file shrunk while it is sent: the connection is cut short, never padded", async () => {
  await withFilesServer(async (port, root) => {
    const bytes = pattern(BIG_FILE_BYTES, 5);
    await Deno.writeFile(`${root}/shrink.bin`, bytes);
    const keep = BIG_FILE_BYTES / 2;
    const got = await getWithFault(port, "/files/shrink.bin", async () => {
      await Deno.truncate(`${root}/shrink.bin`, keep);
    });
    assertEquals(got.length, BIG_FILE_BYTES);
    assert(!got.complete, "a complete length for a file that shrank: padded");
    assert(got.body.length <= keep, `${got.body.length} bytes sent past the new end`);
    assert(isPrefix(got.body, bytes), "wrong bytes before the cut");
  });
});

Deno.test("a cached small file replaced behind the server's back is not served stale after the stat-cache period", async () => {
  await withFilesServer(async (port, root) => {
    const path = `${root}/small.txt`;
    const get = async () => (await request(port, "GET", "/files/small.txt")).text;
    const pause = () => new Promise((r) => setTimeout(r, STAT_CACHE_MS * 2));
    await Deno.writeTextFile(path, "AAAA-first");
    const mtime = new Date("2020-01-02T03:04:05Z");
    await Deno.utime(path, mtime, mtime);
    assertEquals(await get(), "AAAA-first");

    // Renamed over, same size, the same mtime forced back: a new inode.
    await Deno.writeTextFile(`${root}/small.new`, "BBBB-other");
    await Deno.utime(`${root}/small.new`, mtime, mtime);
    await Deno.rename(`${root}/small.new`, path);
    await pause();
    assertEquals(await get(), "BBBB-other");

    // Rewritten in place, same size, same mtime forced back (`touch -d`): same inode, only the
    // ctime tells.
    await Deno.writeTextFile(path, "CCCC-third");
    await Deno.utime(path, mtime, mtime);
    await pause();
    assertEquals(await get(), "CCCC-third");
  }, STAT_CACHE_MS);
});

/** Mounts a tmpfs of `size` on a new folder; the reason when it cannot (not root, no mount). */
async function tmpfs(size: string): Promise<{ dir: string } | { skip: string }> {
  if (Deno.uid() !== 0) return { skip: `not root (uid ${Deno.uid()}): cannot mount a tmpfs` };
  const dir = await Deno.makeTempDir({ prefix: "wireserve-full-" });
  const r = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir],
    stdout: "null",
    stderr: "piped",
  }).output().catch((e) => ({ success: false, stderr: new TextEncoder().encode(String(e)) }));
  if (!r.success) {
    await Deno.remove(dir);
    return { skip: `mount -t tmpfs failed: ${new TextDecoder().decode(r.stderr).trim()}` };
  }
  return { dir };
}

async function unmount(dir: string): Promise<void> {
  await new Deno.Command("umount", { args: [dir] }).output();
  await Deno.remove(dir);
}

async function remount(dir: string, size: string): Promise<void> {
  const r = await new Deno.Command("mount", { args: ["-o", `remount,size=${size}`, dir] })
    .output();
  assert(r.success, "remount failed");
}

const DISK_FULL_UPLOAD_BYTES = 2 * 1024 * 1024;

Deno.test("disk full (a 1 MiB tmpfs): a 2 MiB PUT gets 507 and leaves nothing; a resumable PATCH past the space fails and resumes once space is freed", async (t) => {
  const mounted = await tmpfs("1m");
  if ("skip" in mounted) {
    console.log(`skipped: ${mounted.skip}`);
    return;
  }
  const root = mounted.dir;
  const srv = await startApp(appConfig({ directory: root }));
  try {
    await t.step("PUT", async () => {
      const body = pattern(DISK_FULL_UPLOAD_BYTES, 6);
      const res = await request(srv.port, "PUT", "/files/big.bin", [], body);
      assertEquals(res.status, 507, res.text);
      assertEquals(await filesBelow(root), []);
    });
    await t.step("resumable PATCH", async () => {
      const body = pattern(DISK_FULL_UPLOAD_BYTES, 7);
      const created = await request(srv.port, "POST", "/files/", [
        ["Tus-Resumable", "1.0.0"],
        ["Upload-Length", String(body.length)],
        ["Upload-Metadata", `filename ${btoa("resumed.bin")}`],
      ]);
      assertEquals(created.status, 201, created.text);
      const location = created.header("location")!;
      const patch = (offset: number) =>
        request(srv.port, "PATCH", location, [
          ["Tus-Resumable", "1.0.0"],
          ["Upload-Offset", String(offset)],
          ["Content-Type", "application/offset+octet-stream"],
        ], body.subarray(offset));
      const failed = await patch(0);
      assertEquals(failed.status, 507, failed.text);
      const probe = await request(srv.port, "HEAD", location, [["Tus-Resumable", "1.0.0"]]);
      assertEquals(probe.status, 204, "the upload is gone after a full disk");
      const offset = Number(probe.header("upload-offset"));
      assert(offset < body.length);
      // Space is freed (the tmpfs grows): the same upload goes on from where it stopped.
      await remount(root, "8m");
      const done = await patch(offset);
      assertEquals(done.status, 204, done.text);
      const stored = await Deno.readFile(`${root}/resumed.bin`);
      assert(stored.length === body.length && isPrefix(stored, body), "resumed file differs");
    });
  } finally {
    await srv.close();
    await unmount(root);
  }
});
