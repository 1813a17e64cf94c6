/**
 * `readFirstFiles`: the smallest names over the whole folder, kept in a bounded selection, with
 * the listing's rules (no folders, no dotfiles) and a cap on names looked at.
 */

import { readFirstFiles } from "../../src/files/first_files.ts";
import { assertEquals } from "../support/assert.ts";

const codeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function folderOf(names: string[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-first-" });
  for (const name of names) await Deno.writeTextFile(`${dir}/${name}`, name);
  return dir;
}

function options(count: number, maxNames: number) {
  return {
    dotfiles: false,
    allowed: () => Promise.resolve(true),
    count,
    maxNames,
    accept: (name: string) => name.endsWith(".md"),
    compare: codeUnits,
  };
}

Deno.test("readFirstFiles keeps the first files by name whatever order they were made in", async () => {
  const names = Array.from({ length: 200 }, (_, i) => `p${String(199 - i).padStart(3, "0")}.md`);
  const dir = await folderOf([...names, "a.txt", ".a.md"]);
  await Deno.mkdir(`${dir}/a-folder.md`);
  try {
    const first = await readFirstFiles(dir, options(3, 1000));
    assertEquals(first.entries.map((e) => e.name), ["p000.md", "p001.md", "p002.md"]);
    assertEquals(first.namesRead, 203);
    assertEquals(first.tooMany, false);
    const fewer = await readFirstFiles(dir, options(1000, 1000));
    assertEquals(fewer.entries.length, 200, "a folder with fewer files gives them all");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readFirstFiles stops at maxNames names looked at, and says so", async () => {
  const dir = await folderOf(["a.md", "b.md", "c.md"]);
  try {
    assertEquals((await readFirstFiles(dir, options(2, 3))).tooMany, false);
    const over = await readFirstFiles(dir, options(2, 2));
    assertEquals([over.tooMany, over.entries.length], [true, 0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
