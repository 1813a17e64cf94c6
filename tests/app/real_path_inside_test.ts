/**
 * `realSegmentsInside`: where a path really lies relative to a folder, through symlinks and
 * through a missing tail, including names that merely start with "..".
 */

import { join } from "node:path";
import { assertEquals } from "../support/assert.ts";
import { realSegmentsInside } from "../../src/app/real_path_inside.ts";

const UNIX = Deno.build.os !== "windows";

Deno.test({
  name: "a path is placed by its real path: symlinks followed, a missing tail kept, '..x' inside",
  ignore: !UNIX,
  fn: async () => {
    const base = await Deno.makeTempDir({ prefix: "wireserve-realpath-" });
    try {
      const share = join(base, "share");
      await Deno.mkdir(join(share, "docs"), { recursive: true });
      await Deno.mkdir(join(share, "..data"));
      await Deno.mkdir(join(base, "elsewhere"));
      await Deno.symlink(join(share, "docs"), join(base, "alias"));
      assertEquals(await realSegmentsInside(share, share), []);
      assertEquals(await realSegmentsInside(join(share, "docs"), share), ["docs"]);
      // Through a symlink outside the share that leads into it, with a tail that does not exist.
      assertEquals(await realSegmentsInside(join(base, "alias", "state", "x"), share), [
        "docs",
        "state",
        "x",
      ]);
      // A name starting with ".." is a name, not a way up.
      assertEquals(await realSegmentsInside(join(share, "..data", "s"), share), ["..data", "s"]);
      assertEquals(await realSegmentsInside(join(base, "elsewhere", "s"), share), null);
      assertEquals(await realSegmentsInside(join(share, "..", "elsewhere"), share), null);
      assertEquals(await realSegmentsInside(join(share, "docs"), join(base, "missing")), null);
    } finally {
      await Deno.remove(base, { recursive: true });
    }
  },
});
