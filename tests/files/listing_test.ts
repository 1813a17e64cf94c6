/**
 * Reading and sorting folders for listings, without sockets: the cap and its truncation flag,
 * hidden dotfiles, symlinks judged by the same rule as requests, and folders-first ordering.
 */

import {
  type ListingEntry,
  readListing,
  SORT_IN_TURNS_FROM,
  sortListing,
  sortListingInTurns,
} from "../../src/files/listing.ts";
import { assertEquals } from "../support/assert.ts";

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-listing-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const allowAll = () => Promise.resolve(true);

Deno.test("readListing stops at the cap and says it truncated", async () => {
  await withDir(async (dir) => {
    for (let i = 0; i < 5; i++) await Deno.writeTextFile(`${dir}/f${i}`, "x");
    const atCap = await readListing(dir, { dotfiles: false, allowed: allowAll, maxEntries: 5 });
    assertEquals([atCap.entries.length, atCap.truncated], [5, false]);
    const under = await readListing(dir, { dotfiles: false, allowed: allowAll, maxEntries: 4 });
    assertEquals([under.entries.length, under.truncated], [4, true]);
  });
});

Deno.test("readListing hides dotfiles unless allowed", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/.env`, "x");
    await Deno.writeTextFile(`${dir}/a`, "x");
    const names = async (dotfiles: boolean) =>
      (await readListing(dir, { dotfiles, allowed: allowAll })).entries.map((e) => e.name).sort();
    assertEquals(await names(false), ["a"]);
    assertEquals(await names(true), [".env", "a"]);
  });
});

Deno.test("readListing shows links the server would follow and hides the others", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/d`);
    await Deno.mkdir(`${dir}/refused`);
    await Deno.writeTextFile(`${dir}/f`, "abc");
    await Deno.writeTextFile(`${dir}/refused/f`, "abc");
    await Deno.symlink("d", `${dir}/to-dir`);
    await Deno.symlink("refused/f", `${dir}/to-file`);
    await Deno.symlink("nowhere", `${dir}/broken`);
    const real = await Deno.realPath(dir);
    const allowed = (p: string) => Promise.resolve(!p.startsWith(`${real}/refused`));
    const { entries } = await readListing(dir, { dotfiles: false, allowed });
    const byName = new Map(entries.map((e) => [e.name, e]));
    assertEquals(byName.get("to-dir")?.type, "symlink");
    assertEquals(byName.get("to-dir")?.target, "dir");
    assertEquals(byName.has("to-file"), false, "a refused target is hidden");
    assertEquals(byName.has("refused"), false, "a refused entry is hidden");
    assertEquals(byName.has("broken"), false);
    assertEquals(byName.get("f")?.size, 3, "the file itself is listed");
  });
});

Deno.test("readListing asks about every entry with whether it is a folder", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/private`);
    await Deno.mkdir(`${dir}/other`);
    await Deno.writeTextFile(`${dir}/a.key`, "k");
    await Deno.writeTextFile(`${dir}/private.txt`, "p");
    await Deno.symlink("private", `${dir}/alias`);
    const real = await Deno.realPath(dir);
    // --hide private/ and *.key, as FileCache.allowed decides them
    const allowed = (p: string, isDir: boolean) =>
      Promise.resolve(!(isDir && p === `${real}/private`) && !p.endsWith(".key"));
    const { entries } = await readListing(dir, { dotfiles: false, allowed });
    assertEquals(entries.map((e) => e.name).sort(), ["other", "private.txt"]);
  });
});

Deno.test("sortListing puts folders first in every order", () => {
  const e = (name: string, type: ListingEntry["type"], size: number, day: number) => ({
    name,
    type,
    size,
    mtime: new Date(Date.UTC(2024, 0, day)),
    ...(type === "symlink" ? { target: "dir" as const } : {}),
  });
  const list: ListingEntry[] = [
    e("b.txt", "file", 30, 1),
    e("a.txt", "file", 10, 3),
    e("file10", "file", 20, 2),
    e("file9", "file", 20, 2),
    e("zdir", "dir", 0, 1),
    e("link", "symlink", 0, 5),
  ];
  const names = (key: "name" | "size" | "date", order: "asc" | "desc") => {
    sortListing(list, key, order);
    return list.map((x) => x.name);
  };
  assertEquals(names("name", "asc"), ["link", "zdir", "a.txt", "b.txt", "file9", "file10"]);
  assertEquals(names("name", "desc"), ["zdir", "link", "file10", "file9", "b.txt", "a.txt"]);
  assertEquals(names("size", "asc"), ["link", "zdir", "a.txt", "file9", "file10", "b.txt"]);
  assertEquals(names("date", "desc"), ["link", "zdir", "a.txt", "file9", "file10", "b.txt"]);
});

Deno.test("readListing never shows the upload state folder, even with dotfiles", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/.wireserve-uploads`);
    await Deno.writeTextFile(`${dir}/a`, "x");
    const names = (await readListing(dir, { dotfiles: true, allowed: allowAll })).entries.map((e) =>
      e.name
    );
    assertEquals(names, ["a"]);
  });
});

/** `n` entries with random names (numbers in them), sizes, times and kinds. */
function randomEntries(n: number): ListingEntry[] {
  const entries: ListingEntry[] = [];
  for (let i = 0; i < n; i++) {
    const r = Math.random();
    const kind = r < 0.1 ? "dir" : r < 0.15 ? "symlink" : "file";
    entries.push({
      name: `${"aBc"[i % 3]}${Math.floor(Math.random() * 5000)} ${i}.txt`,
      type: kind,
      ...(kind === "symlink" ? { target: Math.random() < 0.5 ? "dir" : "file" } : {}),
      size: Math.floor(Math.random() * 50),
      mtime: new Date(1_700_000_000_000 + Math.floor(Math.random() * 30) * 1000),
    } as ListingEntry);
  }
  return entries;
}

Deno.test("sortListingInTurns gives sortListing's order for every key and direction", async () => {
  for (const n of [0, 1, 100, SORT_IN_TURNS_FROM, SORT_IN_TURNS_FROM * 3 + 17]) {
    const entries = randomEntries(n);
    for (const key of ["name", "size", "date"] as const) {
      for (const order of ["asc", "desc"] as const) {
        const expected = entries.slice();
        sortListing(expected, key, order);
        const got = await sortListingInTurns(entries.slice(), key, order);
        assertEquals(got.map((e) => e.name), expected.map((e) => e.name), `${n} ${key} ${order}`);
      }
    }
  }
});

Deno.test("sortListingInTurns leaves the event loop turns while it sorts a large listing", async () => {
  const entries = randomEntries(SORT_IN_TURNS_FROM * 4);
  let turns = 0;
  const sorted = await sortListingInTurns(entries, "name", "asc", () => {
    turns++;
    return new Promise((r) => setTimeout(r, 0));
  });
  assertEquals(sorted.length, entries.length);
  // One turn per sorted run, then more while merging.
  assertEquals(turns >= 8, true, `${turns} turns`);
  // And a timer set before it fires before it ends (the real turn is a timer too).
  let fired = false;
  setTimeout(() => fired = true, 0);
  await sortListingInTurns(randomEntries(SORT_IN_TURNS_FROM * 2), "size", "desc");
  assertEquals(fired, true);
});
