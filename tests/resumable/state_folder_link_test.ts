/**
 * The share's state folder (`.wireserve-uploads`) swapped for a symlink — by anyone who writes in
 * the share, before the start or while the server runs — is never written, read or swept
 * through: a creation, a PATCH, a HEAD or a DELETE answers 500 (the path in the server's log) and
 * nothing is created, appended to or removed where the link leads. `--resumable-dir` is the
 * operator's and stays as given.
 */

import { join } from "node:path";
import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { StateFolderNotReal } from "../../src/app/state_folder.ts";
import { startSweeper } from "../../src/resumable/mod.ts";
import { UploadStore } from "../../src/resumable/upload_store.ts";
import { UploadUsage } from "../../src/resumable/upload_usage.ts";
import { newUploadId } from "../../src/resumable/upload_record.ts";
import { startUploadServer } from "../integration/upload_fixture.ts";
import { b64, newRecord, tusFetch } from "./resumable_fixture.ts";

const HOUR_MS = 60 * 60 * 1000;
const LIMITS = { expiryMs: HOUR_MS, maxUploads: 10, maxBytes: 1000 };

/** The names in `dir`, sorted. */
function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

/** A share whose `.wireserve-uploads` is a link to a folder `outside` it. */
async function withLinkedStateFolder(
  fn: (root: string, state: string, outside: string) => Promise<void>,
): Promise<void> {
  const base = await Deno.makeTempDir({ prefix: "wireserve-state-link-" });
  try {
    const root = join(base, "share");
    const outside = join(base, "outside");
    await Deno.mkdir(root);
    await Deno.mkdir(outside);
    const state = join(root, ".wireserve-uploads");
    await Deno.symlink(outside, state);
    await fn(root, state, outside);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

Deno.test("an upload store in the share refuses a state folder that is a link, and writes nothing there", async () => {
  await withLinkedStateFolder(async (root, state, outside) => {
    const usage = new UploadUsage(state, LIMITS, Date.now, true);
    const store = new UploadStore(state, LIMITS, Date.now, root, usage, true);
    const id = newUploadId();
    await assertRejects(() => store.create(newRecord(id, 10)), StateFolderNotReal);
    assertEquals(names(outside), []);
    // What stands there under an upload's names is neither opened nor removed.
    for (const suffix of [".json", ".part", ".lock"]) {
      await Deno.writeTextFile(join(outside, id + suffix), "outside");
    }
    await assertRejects(() => store.lease(id, 0), StateFolderNotReal);
    await assertRejects(() => store.read(id), StateFolderNotReal);
    await assertRejects(() => store.remove(id), StateFolderNotReal);
    assertEquals(names(outside), [`${id}.json`, `${id}.lock`, `${id}.part`]);
    assertEquals(await Deno.readTextFile(join(outside, `${id}.part`)), "outside");
    await assertRejects(() => usage.usage(), StateFolderNotReal, "the ledger reads nothing there");
  });
});

Deno.test("a creation refused by a state folder swapped for a link after the start gives its place back", async () => {
  await withLinkedStateFolder(async (root, state, outside) => {
    await Deno.remove(state);
    const usage = new UploadUsage(state, LIMITS, Date.now, true);
    const store = new UploadStore(state, LIMITS, Date.now, root, usage, true);
    assertEquals(await store.create(newRecord(newUploadId(), 10)), null);
    await Deno.rename(state, join(root, "moved-away"));
    await Deno.symlink(outside, state);
    await assertRejects(() => store.create(newRecord(newUploadId(), 10)), StateFolderNotReal);
    assertEquals(names(outside), []);
    assertEquals((await usage.usage()).count, 1, "only the first upload holds a place");
  });
});

Deno.test("the sweeper removes nothing through a state folder that is a link", async () => {
  await withLinkedStateFolder(async (root, _state, outside) => {
    const id = newUploadId();
    const then = new Date(Date.now() - 2 * HOUR_MS);
    for (const suffix of [".json", ".part", ".lock"]) {
      await Deno.writeTextFile(join(outside, id + suffix), "outside");
      await Deno.utime(join(outside, id + suffix), then, then);
    }
    const errors: unknown[] = [];
    const sweeper = startSweeper(
      appConfig({ directory: root, resumableExpiryMs: HOUR_MS }),
      (e) => errors.push(e),
    );
    try {
      assertEquals(await sweeper.first, 0);
    } finally {
      sweeper.stop();
    }
    assertEquals(names(outside), [`${id}.json`, `${id}.lock`, `${id}.part`]);
    assert(errors.length === 1 && errors[0] instanceof StateFolderNotReal, String(errors));
  });
});

Deno.test("--resumable-dir given as a link is the operator's: uploads go through it", async () => {
  await withLinkedStateFolder(async (root, state, outside) => {
    const store = new UploadStore(state, LIMITS, Date.now, root, new UploadUsage(state, LIMITS));
    const id = newUploadId();
    assertEquals(await store.create(newRecord(id, 10)), null);
    assertEquals(names(outside), [`${id}.json`, `${id}.lock`, `${id}.part`]);
  });
});

Deno.test("tus through the share's state folder swapped for a link: 500, nothing written or removed there", async () => {
  const s = await startUploadServer({});
  try {
    const state = join(s.root, ".wireserve-uploads");
    const created = await tusFetch(s.url("/files/"), "POST", {
      "Upload-Length": "10",
      "Upload-Metadata": `filename ${b64("a.txt")}`,
    });
    await created.body?.cancel();
    assertEquals(created.status, 201);
    const location = created.headers.get("location")!;
    const id = location.slice(location.lastIndexOf("/") + 1);
    // A local user moves the folder away and leaves a link to a folder of theirs holding files
    // under the upload's names.
    const theirs = join(s.outside, "theirs");
    await Deno.mkdir(theirs);
    for (const name of names(state)) {
      await Deno.writeTextFile(join(theirs, name), await Deno.readTextFile(join(state, name)));
    }
    await Deno.rename(state, join(s.outside, "moved-away"));
    await Deno.symlink(theirs, state);
    const before = names(theirs);
    const sizes = () => before.map((n) => Deno.statSync(join(theirs, n)).size);
    const sizesBefore = sizes();

    const patched = await tusFetch(s.url(location), "PATCH", {
      "Content-Type": "application/offset+octet-stream",
      "Upload-Offset": "0",
    }, "0123456789");
    await patched.body?.cancel();
    assertEquals(patched.status, 500, "PATCH");
    for (const method of ["HEAD", "DELETE"]) {
      const res = await tusFetch(s.url(location), method);
      await res.body?.cancel();
      assertEquals(res.status, 500, method);
    }
    const another = await tusFetch(s.url("/files/"), "POST", {
      "Upload-Length": "10",
      "Upload-Metadata": `filename ${b64("b.txt")}`,
    });
    await another.body?.cancel();
    assertEquals(another.status, 500, "creation");
    assertEquals(names(theirs), before, "nothing created or removed there");
    assertEquals(sizes(), sizesBefore, "nothing appended there");
    assert(before.includes(`${id}.part`));
    assert(!names(s.root).includes("a.txt") && !names(s.root).includes("b.txt"));
    assert(s.srv.errors.length > 0, "each 500 is in the server's log");
    assert(s.srv.errors.every((e) => e instanceof StateFolderNotReal), String(s.srv.errors));
  } finally {
    await s.close();
  }
});
