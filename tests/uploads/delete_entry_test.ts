/**
 * `removeResource` on a folder whose members change while it is walked: the walk removes by path,
 * so a member swapped for a link (or for another folder) after it was listed must never lead the
 * removal out of the tree or onto private files. The `changed` hook, called after each removal,
 * is the seam that swaps a member mid-walk, deterministically.
 */

import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { deleteEntry, removeResource } from "../../src/uploads/delete_entry.ts";
import { bodyText, buildRequest } from "../support/request_builder.ts";
import { uploadContext } from "../../src/uploads/upload_context.ts";

const NAMES = ["x1", "x2", "x3", "x4", "x5"];

async function withShare(body: (share: string, outside: string) => Promise<void>): Promise<void> {
  const top = await Deno.makeTempDir({ prefix: "wireserve-delete-" });
  const share = join(top, "share");
  const outside = join(top, "outside");
  try {
    await Deno.mkdir(join(share, "big", "d"), { recursive: true });
    await Deno.mkdir(outside);
    for (const n of NAMES) {
      await Deno.writeTextFile(join(share, "big", `f-${n}`), "f");
      await Deno.writeTextFile(join(share, "big", "d", n), "in the tree");
      await Deno.writeTextFile(join(outside, n), "precious");
    }
    await body(share, outside);
  } finally {
    await Deno.remove(top, { recursive: true });
  }
}

/** Lists `dir` sorted. */
async function names(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const e of Deno.readDir(dir)) found.push(e.name);
  return found.sort();
}

Deno.test("a folder swapped for a link outside while the delete walks never leads the removal out", async () => {
  await withShare(async (share, outside) => {
    let swapped = false;
    const ctx = uploadContext(appConfig({ directory: share, allowDelete: true }), {
      changed: () => {
        if (swapped) return;
        swapped = true; // after the first removal, whichever member the walk took first
        Deno.renameSync(join(share, "big", "d"), join(share, "d-moved"));
        Deno.symlinkSync(outside, join(share, "big", "d"));
      },
    });
    const outcome = await removeResource(ctx, ["big"], join(share, "big"), true);
    assert(swapped);
    assertEquals(
      await names(outside),
      NAMES,
      `removed outside the tree: ${JSON.stringify(outcome)}`,
    );
    // Either the link was met as a link (and removed as one, the folder gone), or the walk was
    // inside `d` when it changed and stopped there with 409.
    if (!outcome.gone) assertEquals(outcome.failed.map((f) => f.status), [409]);
  });
});

Deno.test("a folder of private files moved into a folder being deleted is kept (403)", async () => {
  await withShare(async (share) => {
    await Deno.mkdir(join(share, "keys"));
    await Deno.writeTextFile(join(share, "keys", "id.key"), "KEY");
    let moved = false;
    const ctx = uploadContext(
      appConfig({ directory: share, allowDelete: true, hide: ["*.key"] }),
      {
        changed: () => {
          if (moved) return;
          moved = true;
          // The check before the walk saw no private file; now one arrives under a listed name.
          Deno.removeSync(join(share, "big", "d"), { recursive: true });
          Deno.renameSync(join(share, "keys"), join(share, "big", "d"));
        },
      },
    );
    const outcome = await removeResource(ctx, ["big"], join(share, "big"), true);
    assert(moved);
    assertEquals(outcome.gone, false);
    assertEquals(await Deno.readTextFile(join(share, "big", "d", "id.key")), "KEY");
  });
});

Deno.test("a folder keeping several private members is named once in the 207, not once each", async () => {
  await withShare(async (share) => {
    await Deno.mkdir(join(share, "keys"));
    for (const n of ["a", "b", "c"]) await Deno.writeTextFile(join(share, "keys", `${n}.key`), "K");
    let moved = false;
    const ctx = uploadContext(
      appConfig({ directory: share, allowDelete: true, hide: ["*.key"] }),
      {
        changed: () => {
          if (moved) return;
          moved = true;
          Deno.removeSync(join(share, "big", "d"), { recursive: true });
          Deno.renameSync(join(share, "keys"), join(share, "big", "d"));
        },
      },
    );
    const outcome = await removeResource(ctx, ["big"], join(share, "big"), true);
    assert(moved);
    const hrefs = outcome.failed.map((f) => f.href);
    assertEquals(hrefs.length, new Set(hrefs).size, `named more than once: ${hrefs.join(", ")}`);
    assertEquals(outcome.failed.filter((f) => f.status === 403).length, 1);
  });
});

/**
 * Makes the folder `dir` impossible to remove (immutable with chattr as root, who ignores modes;
 * else its parent read-only), leaving it readable; the undo, or null when neither works here.
 */
async function pinFolder(dir: string): Promise<(() => Promise<void>) | null> {
  if (Deno.uid() !== 0) {
    const parent = dir.slice(0, dir.lastIndexOf("/"));
    await Deno.chmod(parent, 0o555);
    return () => Deno.chmod(parent, 0o755);
  }
  const run = (flag: string) =>
    new Deno.Command("chattr", { args: [flag, dir], stdout: "null", stderr: "null" }).output()
      .then((r) => r.success, () => false);
  if (!await run("+i")) return null;
  return async () => {
    await run("-i");
  };
}

/** DELETE of `target` through the handler, over `share` with --allow-delete. */
async function deleteThrough(share: string, target: string) {
  const ctx = uploadContext(appConfig({ directory: share, allowDelete: true }));
  const res = await deleteEntry(ctx, buildRequest({ method: "DELETE", target }));
  return { status: res.status, text: await bodyText(res.body) };
}

Deno.test("DELETE of a folder whose only failure is the folder itself answers its status, not a 207", async () => {
  await withShare(async (share) => {
    await Deno.mkdir(join(share, "d1"));
    const undo = await pinFolder(join(share, "d1"));
    if (undo === null) return; // neither chattr (as root) nor folder modes can pin a folder here
    try {
      const res = await deleteThrough(share, "/files/d1/");
      assertEquals(res.status, 403, res.text);
      assert(!res.text.includes("multistatus"), res.text);
    } finally {
      await undo();
    }
    assertEquals((await Deno.stat(join(share, "d1"))).isDirectory, true);
  });
});

Deno.test("a 207 of DELETE names a folder member that failed with its final slash", async () => {
  await withShare(async (share) => {
    await Deno.mkdir(join(share, "tree", "sub"), { recursive: true });
    await Deno.writeTextFile(join(share, "tree", "gone.txt"), "x");
    const undo = await pinFolder(join(share, "tree", "sub"));
    if (undo === null) return;
    try {
      const res = await deleteThrough(share, "/files/tree/");
      assertEquals(res.status, 207, res.text);
      assert(res.text.includes("<D:href>/files/tree/sub/</D:href>"), res.text);
      assert(!res.text.includes("<D:href>/files/tree/</D:href>"), "parents are not listed");
    } finally {
      await undo();
    }
  });
});
