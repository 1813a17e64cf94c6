/**
 * The file cache with `--follow-symlinks`: a path whose real path lies outside the root is shown
 * only while every folder on its way from the root is. A private folder reached through a link
 * (`notes -> ../ext/private`, `--hide private/`) hides everything below it, however deep; the
 * check is a cached lookup per folder, so a hot member still answers synchronously, and a link
 * retargeted is seen as soon as its own entry is read again.
 */

import { FileCache } from "../../src/files/file_cache.ts";
import { HiddenPaths } from "../../src/app/hidden_paths.ts";
import { assert, assertEquals } from "../support/assert.ts";

const LONG_TTL_MS = 60_000;
const HIDE = ["private/", ".git"];

/**
 * `base/share` and, outside it, `base/ext` with a private folder, a `.git` folder and a public
 * folder holding a link back to the private one; the share links to each.
 */
async function withLinks(fn: (share: string, ext: string) => Promise<void>): Promise<void> {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-cache-links-" }));
  const [share, ext] = [`${base}/share`, `${base}/ext`];
  for (const dir of [share, `${ext}/private/deep`, `${ext}/proj/.git`, `${ext}/pub`]) {
    await Deno.mkdir(dir, { recursive: true });
  }
  await Deno.writeTextFile(`${ext}/private/p.txt`, "private");
  await Deno.writeTextFile(`${ext}/private/deep/d.txt`, "deep");
  await Deno.writeTextFile(`${ext}/proj/.git/config`, "git");
  await Deno.writeTextFile(`${ext}/pub/p.txt`, "public");
  await Deno.symlink("../private", `${ext}/pub/inner`);
  await Deno.symlink("../ext/private", `${share}/notes`);
  await Deno.symlink("../ext/proj/.git", `${share}/repo`);
  await Deno.symlink("../ext/pub", `${share}/pub`);
  try {
    await fn(share, ext);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

function linkCache(share: string, ttlMs: number): FileCache {
  const hidden = new HiddenPaths(HIDE, "exact");
  return new FileCache({ root: share, followSymlinks: true, dotfiles: false, ttlMs, hidden });
}

Deno.test({
  name: "FileCache hides what a private folder reached through a followed link holds",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await withLinks(async (share) => {
      for (const ttl of [LONG_TTL_MS, 0]) {
        const c = linkCache(share, ttl);
        // Members first, before their folder was ever asked about, then the folders.
        for (
          const path of [
            "notes/p.txt",
            "notes/deep/d.txt",
            "notes/deep",
            "repo/config",
            "pub/inner/p.txt",
            "pub/inner/deep/d.txt",
            "notes",
            "repo",
            "pub/inner",
          ]
        ) {
          assertEquals((await c.lookup(`${share}/${path}`)).kind, "missing", `${path} (${ttl})`);
        }
        const pub = await c.lookup(`${share}/pub/p.txt`);
        assert(pub.kind === "file" && new TextDecoder().decode(pub.bytes!) === "public");
      }
    });
  },
});

Deno.test({
  name: "FileCache answers a member of a linked folder from memory, its folders asked of the cache",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await withLinks(async (share) => {
      const c = linkCache(share, LONG_TTL_MS);
      assertEquals((await c.lookup(`${share}/pub/p.txt`)).kind, "file");
      assertEquals((await c.lookup(`${share}/notes/p.txt`)).kind, "missing");
      for (const path of ["pub/p.txt", "notes/p.txt"]) {
        const again = c.lookup(`${share}/${path}`);
        assert(!(again instanceof Promise), `${path}: a fresh entry must not touch the disk`);
      }
    });
  },
});

Deno.test({
  name:
    "FileCache sees a retargeted link hide what lies below it once the link's entry is read again",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await withLinks(async (share) => {
      const c = linkCache(share, LONG_TTL_MS);
      await Deno.symlink("../ext/pub", `${share}/docs`);
      assertEquals((await c.lookup(`${share}/docs/p.txt`)).kind, "file");
      // Another process points the link at the private folder, which holds a p.txt too.
      await Deno.remove(`${share}/docs`);
      await Deno.symlink("../ext/private", `${share}/docs`);
      // Within the TTL both entries are trusted, as everywhere in the cache...
      assertEquals((await c.lookup(`${share}/docs/p.txt`)).kind, "file");
      // ...but once the folder's entry is read again, its members follow, their own entries
      // fresh or not.
      c.invalidate(`${share}/docs`);
      assertEquals((await c.lookup(`${share}/docs/p.txt`)).kind, "missing");
      // And back: pointed at the public folder again, the member shows again.
      await Deno.remove(`${share}/docs`);
      await Deno.symlink("../ext/pub", `${share}/docs`);
      c.invalidate(`${share}/docs`);
      c.invalidate(`${share}/docs/p.txt`);
      assertEquals((await c.lookup(`${share}/docs/p.txt`)).kind, "file");
      // Without a TTL every lookup sees the link as it is now.
      const fresh = linkCache(share, 0);
      assertEquals((await fresh.lookup(`${share}/docs/p.txt`)).kind, "file");
      await Deno.remove(`${share}/docs`);
      await Deno.symlink("../ext/private", `${share}/docs`);
      assertEquals((await fresh.lookup(`${share}/docs/p.txt`)).kind, "missing");
    });
  },
});

Deno.test({
  name:
    "FileCache.allowed holds a real path outside the root to the folders of the path that led there",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await withLinks(async (share, ext) => {
      const c = linkCache(share, LONG_TTL_MS);
      // Without the path that led there, only the real path's own name can be judged.
      assertEquals(await c.allowed(`${ext}/private/p.txt`, false), true);
      assertEquals(await c.allowed(`${ext}/private`, true), false);
      assertEquals(await c.allowed(`${ext}/private/p.txt`, false, `${share}/notes/p.txt`), false);
      assertEquals(
        await c.allowed(`${ext}/private/deep/d.txt`, false, `${share}/pub/inner/deep/d.txt`),
        false,
      );
      assertEquals(
        await c.allowed(`${ext}/proj/.git/config`, false, `${share}/repo/config`),
        false,
      );
      assertEquals(await c.allowed(`${ext}/pub/p.txt`, false, `${share}/pub/p.txt`), true);
      // A path given that is not below the root: nothing of the share to judge it by.
      assertEquals(await c.allowed(`${ext}/pub/p.txt`, false, `${ext}/pub/p.txt`), true);
    });
  },
});

Deno.test({
  name:
    "FileCache holds a followed link's target to the name patterns only: an anchored one has no top there",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await withLinks(async (share, ext) => {
      await Deno.mkdir(`${ext}/drafts`);
      await Deno.writeTextFile(`${ext}/drafts/d.txt`, "draft");
      await Deno.mkdir(`${share}/drafts`);
      await Deno.writeTextFile(`${share}/drafts/d.txt`, "top draft");
      await Deno.symlink("../ext/drafts", `${share}/x`);
      const hidden = new HiddenPaths(["/drafts", "private/"], "exact");
      const c = new FileCache({
        root: share,
        followSymlinks: true,
        dotfiles: false,
        ttlMs: 0,
        hidden,
      });
      // `/drafts` is the share's top-level drafts folder, not every folder called so.
      assertEquals((await c.lookup(`${share}/drafts/d.txt`)).kind, "missing");
      assertEquals((await c.lookup(`${share}/x`)).kind, "dir");
      assertEquals((await c.lookup(`${share}/x/d.txt`)).kind, "file");
      // A name pattern holds wherever the name lies, and for everything below it.
      assertEquals((await c.lookup(`${share}/notes/p.txt`)).kind, "missing");
    });
  },
});
