/**
 * The archive's bytes: every entry readable by a streaming reader (a stored file's CRC and sizes
 * in its local header, no data descriptor), and a file that shrank between the listing and its
 * read ends the archive in error, while one that grew goes in as it was listed. The test pulls
 * the stream itself, so each change falls after the 200 head and before the body.
 */

import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { sharedFolderRoot } from "../../src/files/mod.ts";
import { attachment, zipResponse } from "../../src/files/folder_zip.ts";
import { archiveOf, type ZipItem } from "../../src/files/zip_archive.ts";
import { localCount } from "../../src/http/shared_count.ts";
import { drainStream } from "../support/drain_stream.ts";

const HAS_UNZIP = await new Deno.Command("unzip", { args: ["-v"], stdout: "null", stderr: "null" })
  .output().then((o) => o.success, () => false);

/** A deflated file, a stored one and an empty one. */
const FILES: Record<string, string> = {
  "notes.txt": "note ".repeat(2000),
  "photo.jpg": "jpeg bytes, stored as they are ".repeat(300),
  "empty.png": "",
};

/** What became of the archive: its bytes as far as they came, and whether it ended in error. */
interface Pulled {
  bytes: Uint8Array;
  failed: boolean;
  /** Each file's content as `unzip -p` gives it (only when the archive is whole). */
  unzipped: Record<string, string>;
}

/** Zips a share holding FILES; `change` runs after the head, before the body is read. */
async function zipWithChange(change: (share: string) => void): Promise<Pulled> {
  const share = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-zip-bytes-" }));
  try {
    for (const [name, text] of Object.entries(FILES)) {
      await Deno.writeTextFile(join(share, name), text);
    }
    const root = sharedFolderRoot(appConfig({ directory: share, statCacheMs: 0 }));
    const res = await zipResponse(root, share, "", null, localCount(), { folderEntries: 100 });
    assertEquals(res.status, 200);
    const body = res.body as { kind: string; stream: AsyncIterable<Uint8Array> };
    change(share);
    const { bytes, failed } = await drainStream(body.stream);
    const unzipped: Record<string, string> = {};
    if (!failed && HAS_UNZIP) {
      const file = join(share, "got.zip");
      await Deno.writeFile(file, bytes);
      const test = await new Deno.Command("unzip", { args: ["-t", file] }).output();
      assert(test.success, new TextDecoder().decode(test.stdout));
      for (const name of Object.keys(FILES)) {
        const out = await new Deno.Command("unzip", { args: ["-p", file, name] }).output();
        unzipped[name] = new TextDecoder().decode(out.stdout);
      }
    }
    return { bytes, failed, unzipped };
  } finally {
    await Deno.remove(share, { recursive: true });
  }
}

/** The local file headers of an archive: name, general-purpose flags, method, CRC and sizes. */
function localHeaders(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = [];
  for (let at = 0; at + 30 <= bytes.length; at++) {
    if (view.getUint32(at, true) !== 0x04034b50) continue;
    const nameLength = view.getUint16(at + 26, true);
    found.push({
      name: new TextDecoder().decode(bytes.subarray(at + 30, at + 30 + nameLength)),
      flags: view.getUint16(at + 6, true),
      method: view.getUint16(at + 8, true),
      crc: view.getUint32(at + 14, true),
      size: view.getUint32(at + 22, true),
    });
  }
  return found;
}

const DATA_DESCRIPTOR_FLAG = 0x08;

Deno.test("?zip gives a stored entry its CRC and sizes in its local header, no data descriptor", async () => {
  const pulled = await zipWithChange(() => {});
  assertEquals(pulled.failed, false);
  const headers = new Map(localHeaders(pulled.bytes).map((h) => [h.name, h]));
  for (const name of ["photo.jpg", "empty.png"]) {
    const h = headers.get(name)!;
    assertEquals([h.method, h.flags & DATA_DESCRIPTOR_FLAG, h.size], [
      0,
      0,
      FILES[name].length,
    ], name);
  }
  assert(headers.get("photo.jpg")!.crc !== 0);
  // A deflated entry may still end with a descriptor: streaming readers find its end.
  assertEquals(headers.get("notes.txt")!.method, 8);
  if (HAS_UNZIP) assertEquals(pulled.unzipped, FILES);
});

for (const name of ["notes.txt", "photo.jpg"]) {
  Deno.test(`?zip: ${name} shrunk after the listing ends the archive in error`, async () => {
    const pulled = await zipWithChange((share) => Deno.truncateSync(join(share, name), 100));
    assert(pulled.failed, "the archive ended as if whole");
  });

  Deno.test(`?zip: ${name} grown after the listing goes in as it was listed`, async () => {
    const pulled = await zipWithChange((share) =>
      Deno.writeTextFileSync(join(share, name), "more", { append: true })
    );
    assertEquals(pulled.failed, false);
    if (HAS_UNZIP) assertEquals(pulled.unzipped, FILES);
  });
}

/** `count` empty files and folders, alternating, at the top of an archive. */
function emptyItems(count: number): ZipItem[] {
  const mtime = new Date(0);
  return Array.from({ length: count }, (_, i) => ({
    zipPath: i % 2 === 0 ? `f${i}.txt` : `d${i}`,
    path: "/nonexistent",
    folder: i % 2 === 1,
    size: 0,
    mtime,
    mode: undefined,
  }));
}

/** `items` with a count of how far into it the archive has read (an empty entry is added at once). */
function countingReads(items: ZipItem[]): { items: ZipItem[]; read: () => number } {
  let highest = -1;
  const watched = new Proxy(items, {
    get(target, key, receiver) {
      if (typeof key === "string" && /^\d+$/.test(key)) highest = Math.max(highest, Number(key));
      return Reflect.get(target, key, receiver);
    },
  });
  return { items: watched, read: () => highest + 1 };
}

// An empty file or folder is written in the call that adds it: without waiting for the reader, a
// folder of 50,000 of them went into memory in one go (seconds of a blocked thread: an attack
// probe), however slowly the client read.
Deno.test("empty entries are added only as fast as the archive is read", async () => {
  const total = 20_000;
  const { items, read } = countingReads(emptyItems(total));
  const archive = archiveOf(items);
  const first = await archive.next();
  assert(!first.done);
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 5));
  const added = read();
  assert(added < total / 4, `${added} of ${total} entries added with one piece read`);
  let bytes = first.value.length;
  for await (const piece of { [Symbol.asyncIterator]: () => archive }) bytes += piece.length;
  assertEquals(read(), total);
  assert(bytes > total * 30, `${bytes} bytes for ${total} entries`);
});

Deno.test({
  name: "an archive of thousands of empty entries lists every one, in order",
  ignore: !HAS_UNZIP,
  fn: async () => {
    const total = 5_000;
    const items = emptyItems(total);
    const { bytes, failed } = await drainStream(archiveOf(items));
    assertEquals(failed, false);
    const dir = await Deno.makeTempDir({ prefix: "wireserve-zip-empty-" });
    try {
      const file = join(dir, "empty.zip");
      await Deno.writeFile(file, bytes);
      const test = await new Deno.Command("unzip", { args: ["-t", file] }).output();
      assert(test.success, new TextDecoder().decode(test.stdout));
      const listed = await new Deno.Command("unzip", { args: ["-Z1", file] }).output();
      const names = new TextDecoder().decode(listed.stdout).split("\n").filter((l) => l !== "");
      assertEquals(names, items.map((i) => i.folder ? `${i.zipPath}/` : i.zipPath));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

// An archive holds its entry list until it ends: its entries count against the server-wide cap
// listings share (32 archives of 50,000 entries took a worker to 1.5 GB: an attack probe).
Deno.test("a zip holds places for its entries until it ends, and past the cap is 503", async () => {
  const share = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-zip-held-" }));
  try {
    for (let i = 0; i < 1_500; i++) await Deno.writeTextFile(join(share, `f${i}.txt`), "");
    const root = sharedFolderRoot(appConfig({ directory: share, statCacheMs: 0 }));
    const count = localCount();
    const limits = { folderEntries: 10_000, held: { count, max: 5_000 } };
    const res = await zipResponse(root, share, "", null, localCount(), limits);
    assertEquals(res.status, 200);
    assertEquals(count.value, 2_000, "two steps of places for 1,500 entries");
    // Held by the first, the cap has no room for a second archive of the folder.
    count.add(2_000);
    const refused = await zipResponse(root, share, "", null, localCount(), limits);
    assertEquals([refused.status, count.value], [503, 4_000]);
    count.add(-2_000);
    const body = res.body as { kind: string; stream: AsyncIterable<Uint8Array> };
    const { failed } = await drainStream(body.stream);
    assertEquals([failed, count.value], [false, 0]);
  } finally {
    await Deno.remove(share, { recursive: true });
  }
});

// The read of a folder takes its places as it goes, before the archive keeps any entry: 32
// archives of a 50,000-entry folder otherwise all read it whole first (1.9 GB, an attack probe).
Deno.test("a zip's folder read takes its places while it reads", async () => {
  const share = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-zip-read-" }));
  try {
    for (let i = 0; i < 2_500; i++) await Deno.writeTextFile(join(share, `f${i}.txt`), "");
    const root = sharedFolderRoot(appConfig({ directory: share, statCacheMs: 0 }));
    const count = localCount();
    let heldAfterRead = -1;
    const watched = Object.create(root) as typeof root;
    watched.list = async (...args: Parameters<typeof root.list>) => {
      const listing = await root.list(...args);
      heldAfterRead = count.value;
      return listing;
    };
    const limits = { folderEntries: 10_000, held: { count, max: 100_000 } };
    const res = await zipResponse(watched, share, "", null, localCount(), limits);
    assertEquals(res.status, 200);
    assertEquals(heldAfterRead, 2_000, "places for the entries read, a step at a time");
    await drainStream((res.body as { stream: AsyncIterable<Uint8Array> }).stream);
    assertEquals(count.value, 0);
  } finally {
    await Deno.remove(share, { recursive: true });
  }
});

Deno.test("a zip's Content-Disposition falls back to an ASCII name without quotes, backslashes or %", () => {
  assertEquals(
    attachment('dir%2Fx "q" \\ é.zip'),
    `attachment; filename="dir_2Fx _q_ _ _.zip"; filename*=UTF-8''dir%252Fx%20%22q%22%20%5C%20%C3%A9.zip`,
  );
});
