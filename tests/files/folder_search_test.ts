/**
 * The recursive name search: case-insensitive substring, breadth-first, what listings show only,
 * a linked folder walked once, and each bound (results, folders, time) reported as truncated.
 */

import { join } from "node:path";
import { SEARCH_BOUNDS, searchFolder } from "../../src/files/folder_search.ts";
import type { ServedRoot } from "../../src/files/served_root.ts";
import { assertEquals, assertRejects } from "../support/assert.ts";
import { ListingBusy } from "../../src/files/listing.ts";
import { localCount } from "../../src/http/shared_count.ts";
import { plainServedRoot } from "./served_root_fixture.ts";

async function tree(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "wireserve-search-" });
  await Deno.mkdir(join(root, "a/b/c"), { recursive: true });
  await Deno.writeTextFile(join(root, "Photo-1.JPG"), "x");
  await Deno.writeTextFile(join(root, "a/photo-2.jpg"), "x");
  await Deno.writeTextFile(join(root, "a/b/c/photo-3.jpg"), "x");
  await Deno.writeTextFile(join(root, "a/b/notes.txt"), "x");
  await Deno.writeTextFile(join(root, ".photo-hidden"), "x");
  await Deno.writeTextFile(join(root, "a/.photo.jpg.wireserve-0123456789abcdef.tmp"), "x");
  await Deno.symlink(join(root, "a"), join(root, "photo-link"));
  return root;
}

function served(root: string): ServedRoot {
  return plainServedRoot(root, 0);
}

Deno.test("searchFolder finds names case-insensitively, shallow first, listings' rules", async () => {
  const root = await tree();
  try {
    const { hits, truncated } = await searchFolder(served(root), root, "PHOTO");
    // "photo-link" leads to "a", walked already: its files are found once, under "a".
    assertEquals(hits.map((h) => h.name), [
      "photo-link",
      "Photo-1.JPG",
      "a/photo-2.jpg",
      "a/b/c/photo-3.jpg",
    ]);
    assertEquals(hits[0].type, "symlink");
    assertEquals(hits[3].segments, ["a", "b", "c", "photo-3.jpg"]);
    assertEquals(truncated, false);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("searchFolder matches composed and decomposed accents alike (a name macOS wrote)", async () => {
  const root = await Deno.makeTempDir({ prefix: "wireserve-search-" });
  try {
    await Deno.writeTextFile(join(root, "Cafe\u0301 menu.txt"), "x"); // decomposed (NFD)
    await Deno.writeTextFile(join(root, "r\u00e9sum\u00e9.pdf"), "x"); // composed (NFC)
    const byComposed = await searchFolder(served(root), root, "CAF\u00c9");
    assertEquals(byComposed.hits.map((h) => h.name), ["Cafe\u0301 menu.txt"]);
    const byDecomposed = await searchFolder(served(root), root, "re\u0301sume\u0301");
    assertEquals(byDecomposed.hits.map((h) => h.name), ["r\u00e9sum\u00e9.pdf"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("searchFolder walks a folder under its own name when a link to it sorts first", async () => {
  const root = await Deno.makeTempDir({ prefix: "wireserve-search-" });
  try {
    for (const i of [1, 2]) {
      await Deno.mkdir(join(root, `real${i}`));
      await Deno.writeTextFile(join(root, `real${i}`, `f${i}.txt`), "x");
      await Deno.symlink(`real${i}`, join(root, `link${i}`));
    }
    await Deno.mkdir(join(root, "a/b"), { recursive: true });
    await Deno.writeTextFile(join(root, "a/b/f3.txt"), "x");
    // A link met before (shallower than) the folder it leads to.
    await Deno.symlink("a/b", join(root, "b-link"));
    const { hits } = await searchFolder(served(root), root, "f");
    assertEquals(hits.map((h) => h.name), ["real1/f1.txt", "real2/f2.txt", "a/b/f3.txt"]);
    const links = await searchFolder(served(root), root, "link");
    assertEquals(links.hits.map((h) => h.name), ["b-link", "link1", "link2"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("searchFolder stops at each bound and says so", async () => {
  const root = await tree();
  try {
    const r = served(root);
    const few = await searchFolder(r, root, "photo", { ...SEARCH_BOUNDS, maxResults: 2 });
    assertEquals([few.hits.length, few.truncated], [2, true]);
    const exact = await searchFolder(r, root, "photo", { ...SEARCH_BOUNDS, maxResults: 4 });
    assertEquals([exact.hits.length, exact.truncated], [4, false]);
    const shallow = await searchFolder(r, root, "photo", { ...SEARCH_BOUNDS, maxFolders: 1 });
    assertEquals([shallow.hits.map((h) => h.name), shallow.truncated], [
      ["photo-link", "Photo-1.JPG"],
      true,
    ]);
    let t = 0;
    const clock = () => (t += 1000);
    const slow = await searchFolder(r, root, "photo", {
      ...SEARCH_BOUNDS,
      maxMs: 1500,
      now: clock,
    });
    assertEquals(slow.truncated, true);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

// A crowd of searches of large folders must not hold any amount of memory at once: a folder's
// entries count against the server-wide cap listings share while the search reads them.
Deno.test("a search of a large folder holds its entries against the cap, and gives them back", async () => {
  const root = await Deno.makeTempDir({ prefix: "wireserve-search-held-" });
  try {
    await Deno.mkdir(join(root, "big"));
    for (let i = 0; i < 2_500; i++) await Deno.writeTextFile(join(root, "big", `f${i}`), "");
    await Deno.writeTextFile(join(root, "big", "needle.txt"), "");
    const count = localCount();
    // Room for the whole folder: found, and every place given back.
    const roomy = await searchFolder(served(root), root, "needle", SEARCH_BOUNDS, {
      count,
      max: 10_000,
    });
    assertEquals(roomy.hits.map((h) => h.name), ["big/needle.txt"]);
    assertEquals(count.value, 0);
    // Others hold most of the cap: the search is refused, holding nothing after.
    count.add(9_000);
    await assertRejects(
      () => searchFolder(served(root), root, "needle", SEARCH_BOUNDS, { count, max: 10_000 }),
      ListingBusy,
    );
    assertEquals(count.value, 9_000);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
