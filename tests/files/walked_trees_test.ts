/**
 * The rule a zip or a search walks folders by: a link is followed only to a place outside every
 * tree taken so far, and its target becomes a tree.
 */

import { WalkedTrees } from "../../src/files/walked_trees.ts";
import { assertEquals } from "../support/assert.ts";

Deno.test("WalkedTrees holds a root and everything below it, not its neighbours", () => {
  const trees = new WalkedTrees(["/srv/share"]);
  assertEquals(trees.holds("/srv/share"), true);
  assertEquals(trees.holds("/srv/share/a/b"), true);
  assertEquals(trees.holds("/srv/shared"), false, "a name that only starts like the root");
  assertEquals(trees.holds("/srv"), false);
});

Deno.test("WalkedTrees follows a link once, and never into a tree taken already", () => {
  const trees = new WalkedTrees(["/srv/share"]);
  assertEquals(trees.follow("/srv/share/photos"), false, "inside the walked folder");
  assertEquals(trees.follow("/data/x"), true, "outside: followed, and now a tree");
  assertEquals(trees.follow("/data/x"), false, "a second link to the same place");
  assertEquals(trees.follow("/data/x/sub"), false, "a link into the followed place");
  assertEquals(trees.follow("/data"), true, "above a tree: its own new tree");
});

Deno.test("WalkedTrees of a selection holds the selected folders only", () => {
  const trees = new WalkedTrees(["/srv/share/a", "/srv/share/b"]);
  assertEquals(trees.follow("/srv/share/a/deep"), false);
  assertEquals(trees.follow("/srv/share/c"), true);
});
