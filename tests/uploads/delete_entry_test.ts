/**
 * `removeResource` on a folder whose members change while it is walked: the walk removes by path,
 * so a member swapped for a link (or for another folder) after it was listed must never lead the
 * removal out of the tree or onto private files. The `changed` hook, called after each removal,
 * is the seam that swaps a member mid-walk, deterministically.
 */

import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { removeResource } from "../../src/uploads/delete_entry.ts";
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
