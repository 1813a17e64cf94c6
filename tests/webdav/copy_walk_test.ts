/**
 * `copyResource` on a folder whose members change while it is copied: the walk reads by path, so
 * a member swapped for a link leading out of the share after it was listed must never have the
 * copy read what the link leads to (it would be readable at the destination afterwards). The
 * `changed` hook, called after each folder made and file copied, is the seam that swaps members
 * mid-walk, deterministically.
 */

import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { heldEntries, sharedFolderRoot } from "../../src/files/mod.ts";
import { uploadContext } from "../../src/uploads/mod.ts";
import type { DavContext } from "../../src/webdav/dav_context.ts";
import { localLockService } from "../../src/webdav/lock_service.ts";
import { ChangedMeanwhile, copyResource } from "../../src/webdav/tree_copy.ts";

const NAMES = ["x1", "x2", "x3", "x4", "x5"];
const SECRET = "precious outside bytes";

/**
 * A share holding `big/` (files `f-x1`… and a folder `d` of files) beside a folder `outside` of
 * the same names holding SECRET; `swap` runs at the second `changed` call (the first is the
 * destination folder, made before the source is listed).
 */
async function copyWithSwap(
  swap: (big: string, outside: string, copy: string) => void,
): Promise<{ copy: string; failed: number[] }> {
  const top = await Deno.makeTempDir({ prefix: "wireserve-copy-walk-" });
  const share = join(top, "share");
  const outside = join(top, "outside");
  const big = join(share, "big");
  const copy = join(share, "copy");
  try {
    await Deno.mkdir(join(big, "d"), { recursive: true });
    await Deno.mkdir(join(outside, "d"), { recursive: true });
    for (const n of NAMES) {
      await Deno.writeTextFile(join(big, `f-${n}`), "in the share");
      await Deno.writeTextFile(join(big, "d", n), "in the share");
      await Deno.writeTextFile(join(outside, `f-${n}`), SECRET);
      await Deno.writeTextFile(join(outside, "d", n), SECRET);
    }
    const config = appConfig({ directory: share, allowDelete: true, statCacheMs: 0 });
    let calls = 0;
    const ctx: DavContext = {
      config,
      uploads: uploadContext(config, {
        changed: () => {
          if (++calls === 2) swap(big, outside, copy);
        },
      }),
      files: sharedFolderRoot(config),
      locks: localLockService(),
      listed: heldEntries(),
    };
    const failed = await copyResource(
      ctx,
      {
        segments: ["big"],
        fsPath: big,
        trailingSlash: true,
        isDir: true,
        info: Deno.statSync(big),
      },
      {
        segments: ["copy"],
        fsPath: copy,
        url: "/files/copy/",
        trailingSlash: true,
        existing: null,
      },
      "infinity",
    );
    assert(calls >= 2, "the swap never ran");
    const leaked = await filesHolding(copy, SECRET);
    assertEquals(leaked, [], `copied from outside the share: ${JSON.stringify(failed)}`);
    return { copy, failed: failed.map((f) => f.status) };
  } finally {
    await Deno.remove(top, { recursive: true });
  }
}

/** The files below `dir` (links followed, as a reader of the copy would) whose text is `text`. */
async function filesHolding(dir: string, text: string): Promise<string[]> {
  const found: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    const info = await Deno.stat(path);
    if (info.isDirectory) found.push(...await filesHolding(path, text));
    else if (await Deno.readTextFile(path) === text) found.push(path);
  }
  return found;
}

Deno.test("COPY: a folder swapped for a link outside mid-walk is never read through", async () => {
  const { failed } = await copyWithSwap((big, outside) => {
    Deno.renameSync(join(big, "d"), join(big, "..", "d-moved"));
    Deno.symlinkSync(join(outside, "d"), join(big, "d"));
  });
  // Either the link was met as a link (left out: a link to a folder is never copied) or the walk
  // was in `d` already and stopped there with 409.
  assert(failed.every((s) => s === 409), JSON.stringify(failed));
});

Deno.test("COPY: files swapped for links outside mid-walk are never read through", async () => {
  await copyWithSwap((big, outside, copy) => {
    for (const n of NAMES) {
      const name = `f-${n}`;
      if (exists(join(copy, name))) continue; // copied already
      Deno.removeSync(join(big, name));
      Deno.symlinkSync(join(outside, name), join(big, name));
    }
  });
});

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name: "COPY: a file swapped for a FIFO after it was looked at is refused at once, not waited on",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const top = await Deno.makeTempDir({ prefix: "wireserve-copy-fifo-" });
    const share = join(top, "share");
    const file = join(share, "f.txt");
    await Deno.mkdir(share);
    await Deno.writeTextFile(file, "f");
    try {
      const config = appConfig({ directory: share, statCacheMs: 0 });
      const ctx: DavContext = {
        config,
        uploads: uploadContext(config),
        files: sharedFolderRoot(config),
        locks: localLockService(),
        listed: heldEntries(),
      };
      const info = Deno.statSync(file); // what the request found there
      Deno.removeSync(file);
      assert((await new Deno.Command("mkfifo", { args: [file] }).output()).success);
      const copy = copyResource(
        ctx,
        { segments: ["f.txt"], fsPath: file, trailingSlash: false, isDir: false, info },
        {
          segments: ["c.txt"],
          fsPath: join(share, "c.txt"),
          url: "/files/c.txt",
          trailingSlash: false,
          existing: null,
        },
        "infinity",
      ).then(() => "copied", (err) => err);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((r) => timer = setTimeout(() => r("late"), 3000));
      const first = await Promise.race([copy, late]);
      clearTimeout(timer);
      if (first === "late") {
        // Let the open waiting on the FIFO go (a writer comes and leaves) before failing.
        (await Deno.open(file, { read: true, write: true })).close();
        await copy;
      }
      assert(first instanceof ChangedMeanwhile, `not refused at once: ${first}`);
      assertEquals([...Deno.readDirSync(share)].map((e) => e.name), ["f.txt"], "nothing made");
    } finally {
      await Deno.remove(top, { recursive: true });
    }
  },
});
