/**
 * `zipResponse` reads each file when its turn comes in the stream, long after the folder was
 * listed: a file, or a folder above it, swapped for a link leading out of the share between the
 * listing and the read must never put what the link leads to into the archive. The test pulls
 * the stream itself, so the swap falls deterministically after the 200 head and before the body.
 */

import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { sharedFolderRoot } from "../../src/files/mod.ts";
import { zipResponse } from "../../src/files/folder_zip.ts";
import { localCount } from "../../src/http/shared_count.ts";
import { drainStream } from "../support/drain_stream.ts";

const SECRET = "OUTSIDE-THE-SHARE-SECRET";
const SHOWN = "inside-the-share-bytes";

/** What became of the archive: its bytes as far as they came, and whether it ended in error. */
interface Pulled {
  bytes: string;
  failed: boolean;
}

/**
 * Zips a share holding `a.png` and `sub/b.png` (stored, so their bytes show as they are) beside
 * a folder `outside` holding the same names with SECRET; `swap` runs after the head, before the
 * body is read.
 */
async function zipWithSwap(swap: (share: string, outside: string) => void): Promise<Pulled> {
  const top = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-zip-swap-" }));
  const share = join(top, "share");
  const outside = join(top, "outside");
  try {
    await Deno.mkdir(join(share, "sub"), { recursive: true });
    await Deno.mkdir(join(outside, "sub"), { recursive: true });
    for (const name of ["a.png", "sub/b.png"]) {
      await Deno.writeTextFile(join(share, name), SHOWN);
      await Deno.writeTextFile(join(outside, name), SECRET);
    }
    const root = sharedFolderRoot(appConfig({ directory: share, statCacheMs: 0 }));
    const res = await zipResponse(root, share, "", null, localCount(), { folderEntries: 100 });
    assertEquals(res.status, 200);
    const body = res.body as { kind: string; stream: AsyncIterable<Uint8Array> };
    assertEquals(body.kind, "stream");
    swap(share, outside);
    const drained = await drainStream(body.stream);
    const failed = drained.failed;
    const bytes = new TextDecoder("latin1").decode(drained.bytes);
    assert(!bytes.includes(SECRET), "the archive holds bytes from outside the share");
    return { bytes, failed };
  } finally {
    await Deno.remove(top, { recursive: true });
  }
}

Deno.test("?zip: a file swapped for a link outside after the listing is never read through", async () => {
  const pulled = await zipWithSwap((share, outside) => {
    Deno.removeSync(join(share, "a.png"));
    Deno.symlinkSync(join(outside, "a.png"), join(share, "a.png"));
  });
  assert(pulled.failed, "the archive ended as if whole");
});

Deno.test("?zip: a folder swapped for a link outside after the listing is never read through", async () => {
  const pulled = await zipWithSwap((share, outside) => {
    Deno.renameSync(join(share, "sub"), join(share, "..", "sub-moved"));
    Deno.symlinkSync(join(outside, "sub"), join(share, "sub"));
  });
  assert(pulled.failed, "the archive ended as if whole");
});

Deno.test("?zip: a file removed after the listing ends the archive in error", async () => {
  const pulled = await zipWithSwap((share) => Deno.removeSync(join(share, "sub", "b.png")));
  assert(pulled.failed, "the archive ended as if whole");
});

Deno.test("?zip: nothing swapped, every file is in the archive whole", async () => {
  const pulled = await zipWithSwap(() => {});
  assertEquals(pulled.failed, false);
  assertEquals(pulled.bytes.split(SHOWN).length - 1, 2);
});
