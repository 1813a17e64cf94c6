/**
 * `realSpelling` and `realSpellingSync`: one spelling for every path that names one entry through
 * links, also for entries that do not exist (yet, or any more), the final name never resolved.
 */

import { join } from "node:path";
import { realSpelling, realSpellingSync } from "../../src/app/real_spelling.ts";
import { assertEquals } from "../support/assert.ts";

const UNIX = Deno.build.os !== "windows";

Deno.test({
  name: "realSpelling gives a path through a linked folder its target's spelling, existing or not",
  ignore: !UNIX,
  fn: async () => {
    const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-spelling-" }));
    try {
      await Deno.mkdir(join(base, "big"));
      await Deno.writeTextFile(join(base, "big", "a.txt"), "a");
      await Deno.symlink("big", join(base, "biglink"));
      await Deno.symlink("a.txt", join(base, "big", "alias.txt"));
      const cases: [string, string][] = [
        [join(base, "biglink", "a.txt"), join(base, "big", "a.txt")],
        [join(base, "big", "a.txt"), join(base, "big", "a.txt")],
        // Not there (yet): the folder resolved, the missing names joined back as they are.
        [join(base, "biglink", "new", "deeper.txt"), join(base, "big", "new", "deeper.txt")],
        // The final name is not followed: a write replaces a link there, never writes through it.
        [join(base, "biglink", "alias.txt"), join(base, "big", "alias.txt")],
        [join(base, "biglink"), join(base, "biglink")],
        ["/", "/"],
      ];
      for (const [path, spelled] of cases) {
        assertEquals(await realSpelling(path), spelled, path);
        assertEquals(realSpellingSync(path), spelled, path);
      }
    } finally {
      await Deno.remove(base, { recursive: true });
    }
  },
});

Deno.test({
  name: "realSpellingSync forgets resolved folders once its synchronous run ends",
  ignore: !UNIX,
  fn: async () => {
    const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-spelling-" }));
    try {
      await Deno.mkdir(join(base, "one"));
      await Deno.mkdir(join(base, "two"));
      await Deno.symlink("one", join(base, "link"));
      assertEquals(realSpellingSync(join(base, "link", "x")), join(base, "one", "x"));
      await Promise.resolve();
      await Deno.remove(join(base, "link"));
      await Deno.symlink("two", join(base, "link"));
      assertEquals(realSpellingSync(join(base, "link", "x")), join(base, "two", "x"));
    } finally {
      await Deno.remove(base, { recursive: true });
    }
  },
});
