/**
 * `holdsHiddenPath`: the walk that keeps DELETE, and a COPY or MOVE replacing a folder, from
 * removing private paths — by every spelling of the folder, never through a symlink, bounded.
 */

import { join } from "node:path";
import { assertEquals } from "../support/assert.ts";
import { HiddenPaths } from "../../src/app/hidden_paths.ts";
import { holdsHiddenPath } from "../../src/uploads/hidden_tree.ts";

async function withTree(body: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "hidden-tree-" });
  try {
    await Deno.mkdir(join(root, "conf"));
    await Deno.writeTextFile(join(root, "conf/prod.env"), "SECRET");
    await Deno.mkdir(join(root, "d/private"), { recursive: true });
    await Deno.writeTextFile(join(root, "d/private/k"), "KEY");
    await Deno.mkdir(join(root, "x"));
    await Deno.symlink("../d", join(root, "x/lnk")); // a link to a folder holding a private path
    await Deno.symlink("conf", join(root, "alias"));
    await body(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("holdsHiddenPath finds --hide paths and the settings file, by the real path too", async () => {
  await withTree(async (root) => {
    const hidden = new HiddenPaths(["private/"], "exact", [["conf", "prod.env"]]);
    assertEquals(await holdsHiddenPath(join(root, "d"), root, hidden, ["d"]), "hidden");
    assertEquals(await holdsHiddenPath(join(root, "conf"), root, hidden, ["conf"]), "hidden");
    // `/files/alias/` names conf through a link: the settings file is kept by its real path
    assertEquals(await holdsHiddenPath(join(root, "alias"), root, hidden, ["alias"]), "hidden");
    // a link inside is removed as a link: what it points to is not walked
    assertEquals(await holdsHiddenPath(join(root, "x"), root, hidden, ["x"]), "none");
  });
});

Deno.test("holdsHiddenPath walks nothing without private paths, and gives up past its limit", async () => {
  await withTree(async (root) => {
    assertEquals(await holdsHiddenPath(join(root, "d"), root, HiddenPaths.NONE, ["d"]), "none");
    const hidden = new HiddenPaths(["*.key"], "exact");
    assertEquals(await holdsHiddenPath(join(root, "d"), root, hidden, ["d"]), "none");
    const tight = { maxEntries: 1 }; // d holds private/ and private/k
    assertEquals(await holdsHiddenPath(join(root, "d"), root, hidden, ["d"], tight), "too-many");
  });
});
