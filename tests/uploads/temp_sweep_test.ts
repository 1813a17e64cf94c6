/** The start-up sweep of temp files: only old temp names, no symlink followed, within limits. */

import { tempNameFor } from "../../src/app/temp_name.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { startTempSweep, sweepTempFiles, TEMP_SWEEP_LIMITS } from "../../src/uploads/temp_sweep.ts";
import { assertEquals } from "../support/assert.ts";

const HOUR_MS = 60 * 60 * 1000;
/** The clock of a sweep two hours from now: every file written by the test is old by then. */
const later = { now: () => Date.now() + 2 * HOUR_MS };

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-sweep-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Every path below `dir` (relative, sorted), links included but not followed. */
async function below(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    out.push(prefix + e.name);
    if (e.isDirectory) out.push(...await below(`${dir}/${e.name}`, `${prefix}${e.name}/`));
  }
  return out.sort();
}

/** Writes a small file at `path`. */
async function file(path: string, text = "x"): Promise<string> {
  await Deno.writeTextFile(path, text);
  return path;
}

Deno.test("the sweep removes old temp files and keeps fresh ones and other names", async () => {
  await withDir(async (dir) => {
    const old = tempNameFor("report.pdf");
    const fresh = tempNameFor("video.mp4");
    await file(`${dir}/${old}`);
    await file(`${dir}/${fresh}`);
    // touched "after" the sweep's now: an upload still writing
    const future = new Date(Date.now() + 3 * HOUR_MS);
    await Deno.utime(`${dir}/${fresh}`, future, future);
    await file(`${dir}/.report.pdf.wireserve-0123.tmp`); // not exactly the pattern
    await file(`${dir}/.notes.txt`);
    await file(`${dir}/notes.wireserve-0123456789abcdef.tmp`); // no leading dot
    const folder = tempNameFor("folder");
    await Deno.mkdir(`${dir}/${folder}`); // a folder with a temp name stays
    const result = await sweepTempFiles(dir, TEMP_SWEEP_LIMITS, later);
    assertEquals(result, { removed: 1, folders: 2, complete: true });
    assertEquals(
      await below(dir),
      [
        `.notes.txt`,
        `.report.pdf.wireserve-0123.tmp`,
        fresh,
        `notes.wireserve-0123456789abcdef.tmp`,
        folder,
      ].sort(),
    );
  });
});

Deno.test("the sweep walks subfolders but never follows a symlink", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/root/a/b`, { recursive: true });
    await Deno.mkdir(`${dir}/elsewhere`);
    const deep = tempNameFor("deep");
    await file(`${dir}/root/a/b/${deep}`);
    const outside = tempNameFor("outside");
    await file(`${dir}/elsewhere/${outside}`);
    await Deno.symlink(`${dir}/elsewhere`, `${dir}/root/link`);
    const linkedTemp = tempNameFor("linked");
    await Deno.symlink(`${dir}/elsewhere/${outside}`, `${dir}/root/${linkedTemp}`);
    const result = await sweepTempFiles(`${dir}/root`, TEMP_SWEEP_LIMITS, later);
    assertEquals(result, { removed: 1, folders: 3, complete: true });
    assertEquals(await below(`${dir}/root`), [linkedTemp, "a", "a/b", "link"].sort());
    assertEquals(await below(`${dir}/elsewhere`), [outside]);
  });
});

Deno.test("the sweep stops at its folder limit and at its time limit", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/a/b`, { recursive: true });
    const top = tempNameFor("top");
    const inA = tempNameFor("in-a");
    const inB = tempNameFor("in-b");
    await file(`${dir}/${top}`);
    await file(`${dir}/a/${inA}`);
    await file(`${dir}/a/b/${inB}`);
    const noTime = await sweepTempFiles(dir, { ...TEMP_SWEEP_LIMITS, maxWalkMs: 0 }, later);
    assertEquals(noTime, { removed: 0, folders: 0, complete: false });
    let ms = 0; // a walk whose clock moves 1 ms per look: the budget runs out inside the tree
    const slow = await sweepTempFiles(dir, { ...TEMP_SWEEP_LIMITS, maxWalkMs: 3 }, {
      ...later,
      elapsed: () => ms++,
    });
    assertEquals(slow.complete, false);
    const twoFolders = await sweepTempFiles(dir, { ...TEMP_SWEEP_LIMITS, maxFolders: 2 }, later);
    assertEquals(twoFolders.complete, false);
    assertEquals(await below(dir), ["a", "a/b", `a/b/${inB}`]);
    assertEquals(await sweepTempFiles(dir, TEMP_SWEEP_LIMITS, later), {
      removed: 1,
      folders: 3,
      complete: true,
    });
  });
});

Deno.test("startTempSweep does nothing with --read-only and sweeps otherwise", async () => {
  await withDir(async (dir) => {
    const name = tempNameFor("x");
    await file(`${dir}/${name}`);
    const errors: unknown[] = [];
    const readOnly = startTempSweep(
      appConfig({ directory: dir, readOnly: true }),
      (e) => errors.push(e),
    );
    assertEquals(await readOnly.done, null);
    // a fresh temp file is kept by the real clock: an upload may be writing it
    const real = startTempSweep(appConfig({ directory: dir }), (e) => errors.push(e));
    assertEquals(await real.done, { removed: 0, folders: 1, complete: true });
    assertEquals(await below(dir), [name]);
    const missing = startTempSweep(appConfig({ directory: `${dir}/gone` }), (e) => errors.push(e));
    assertEquals(await missing.done, null);
    assertEquals(errors.length, 1);
  });
});

Deno.test("the sweep is not complete when a folder limit left folders unread", async () => {
  await withDir(async (dir) => {
    for (const name of ["a", "b", "c"]) await Deno.mkdir(`${dir}/${name}`);
    const result = await sweepTempFiles(dir, { ...TEMP_SWEEP_LIMITS, maxFolders: 3 }, later);
    assertEquals(result, { removed: 0, folders: 3, complete: false });
  });
});
