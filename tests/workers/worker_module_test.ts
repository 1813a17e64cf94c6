/**
 * Which module a pool's workers start on (src/workers/worker_module.ts): the bundle only while
 * every source it was built from has the size and modification time it had then.
 */

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { assertEquals } from "../support/assert.ts";
import {
  BUNDLE_DIR,
  BUNDLE_ENTRY,
  type BundleSources,
  chooseWorkerModule,
  SOURCE_ENTRY,
  SOURCES_FILE,
  stampOf,
} from "../../src/workers/worker_module.ts";

/** A root with two sources and, unless `bundle` is false, a bundle stamped from them. */
async function fakeRoot(bundle = true): Promise<{ root: URL; dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-bundle-" });
  const root = pathToFileURL(dir + "/");
  await Deno.mkdir(join(dir, "src/workers"), { recursive: true });
  await Deno.writeTextFile(join(dir, SOURCE_ENTRY), "import './other.ts';\n");
  await Deno.writeTextFile(join(dir, "src/workers/other.ts"), "export const a = 1;\n");
  if (bundle) {
    await Deno.mkdir(join(dir, BUNDLE_DIR), { recursive: true });
    await Deno.writeTextFile(join(dir, BUNDLE_DIR, BUNDLE_ENTRY), "export{};\n");
    const files = [];
    for (const path of [SOURCE_ENTRY, "src/workers/other.ts"]) {
      files.push((await stampOf(new URL(path, root), path))!);
    }
    const recorded: BundleSources = { version: 1, files };
    await Deno.writeTextFile(join(dir, BUNDLE_DIR, SOURCES_FILE), JSON.stringify(recorded));
  }
  return { root, dir };
}

const sourceUrl = (root: URL) => new URL(SOURCE_ENTRY, root).href;

Deno.test("worker module: the sources when no bundle was built, with nothing to say", async () => {
  const { root, dir } = await fakeRoot(false);
  try {
    assertEquals(await chooseWorkerModule(root), {
      url: sourceUrl(root),
      bundled: false,
      stale: null,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("worker module: the bundle while its sources are as they were", async () => {
  const { root, dir } = await fakeRoot();
  try {
    assertEquals(await chooseWorkerModule(root), {
      url: new URL(`${BUNDLE_DIR}/${BUNDLE_ENTRY}`, root).href,
      bundled: true,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("worker module: a source edited to the same size (a new mtime) makes the bundle stale", async () => {
  const { root, dir } = await fakeRoot();
  try {
    const other = join(dir, "src/workers/other.ts");
    const was = await Deno.stat(other);
    await Deno.writeTextFile(other, "export const b = 2;\n"); // same length
    await Deno.utime(other, was.atime!, new Date(was.mtime!.getTime() + 2000));
    assertEquals(await chooseWorkerModule(root), {
      url: sourceUrl(root),
      bundled: false,
      stale: "src/workers/other.ts changed",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("worker module: a source of another size (its mtime kept) makes the bundle stale", async () => {
  const { root, dir } = await fakeRoot();
  try {
    const other = join(dir, "src/workers/other.ts");
    const was = await Deno.stat(other);
    await Deno.writeTextFile(other, "export const a = 12;\n");
    await Deno.utime(other, was.atime!, was.mtime!);
    assertEquals((await chooseWorkerModule(root)).bundled, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("worker module: a source removed, a missing entry or an unreadable list means the sources", async () => {
  const { root, dir } = await fakeRoot();
  try {
    await Deno.remove(join(dir, "src/workers/other.ts"));
    assertEquals(await chooseWorkerModule(root), {
      url: sourceUrl(root),
      bundled: false,
      stale: "src/workers/other.ts is gone",
    });
    await Deno.remove(join(dir, BUNDLE_DIR, BUNDLE_ENTRY));
    assertEquals(
      (await chooseWorkerModule(root) as { stale: string }).stale,
      "worker_main.js is missing",
    );
    await Deno.writeTextFile(join(dir, BUNDLE_DIR, BUNDLE_ENTRY), "export{};\n");
    await Deno.writeTextFile(join(dir, BUNDLE_DIR, SOURCES_FILE), "{ not json");
    assertEquals(
      (await chooseWorkerModule(root) as { stale: string }).stale,
      "sources.json cannot be read",
    );
    await Deno.writeTextFile(join(dir, BUNDLE_DIR, SOURCES_FILE), '{"version":2,"files":[]}');
    assertEquals(
      (await chooseWorkerModule(root) as { stale: string }).stale,
      "sources.json is not one this version reads",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
