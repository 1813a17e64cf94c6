/**
 * `folder()` over a folder larger than any read cap: its entries are the first 1,000 matching
 * files by name over the whole folder, whatever order the disk gives names in, before the
 * call's own sort and limit; and the render cache's tag of the folder watches those files only.
 */

import { siteRoot } from "./site_root.ts";
import { folderEntries } from "../../src/templates/folder_entries.ts";
import { TemplateFiles } from "../../src/templates/template_files.ts";
import { MAX_FOLDER_ENTRIES } from "../../src/templates/template_limits.ts";
import type { FolderCall, SortKey } from "../../src/templates/template_nodes.ts";
import { assert, assertEquals } from "../support/assert.ts";

/** More than the listing cap of 10,000 names that `folder()` read in disk order before. */
const MD_FILES = 11_000;
const TXT_FILES = 1_000;
const EMPTY = new Uint8Array(0);

function call(sort: SortKey, descending: boolean, limit: number, ext: string | null): FolderCall {
  return { path: { pieces: ["/many"], text: "/many" }, sort, descending, limit, ext };
}

function name(prefix: string, i: number, ext: string): string {
  return `${prefix}${String(i).padStart(5, "0")}${ext}`;
}

async function writeEmpty(dir: string, names: string[]): Promise<void> {
  const BATCH = 500;
  for (let i = 0; i < names.length; i += BATCH) {
    await Promise.all(names.slice(i, i + BATCH).map((n) => Deno.writeFile(`${dir}/${n}`, EMPTY)));
  }
}

Deno.test("folder() of a folder past 10,000 names yields its first 1,000 files by name", async () => {
  const www = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-folder-" }));
  try {
    const dir = `${www}/many`;
    await Deno.mkdir(dir);
    const md = Array.from({ length: MD_FILES }, (_, i) => name("f", i, ".md"));
    const txt = Array.from({ length: TXT_FILES }, (_, i) => name("a", i, ".txt"));
    await writeEmpty(dir, [...md, ...txt]);
    // Newer than every other post, but past the first 1,000 by name: never listed.
    await Deno.writeTextFile(`${dir}/${md.at(-1)}`, "---\ndate: 2031-01-01\n---\n");
    await Deno.writeTextFile(`${dir}/${md[500]}`, "---\ndate: 2030-01-01\n---\n");
    // Entries that come first by name but are no file to list: they take no place.
    await Deno.mkdir(`${dir}/a0.md`);
    await Deno.writeTextFile(`${dir}/a1.secret.md`, "private");
    await Deno.writeTextFile(`${dir}/.a2.md`, "dotfile");
    await Deno.symlink(`${www}`, `${dir}/a3.md`);
    const root = siteRoot(www, ["*.secret.md"]);
    const files = new TemplateFiles(root);
    const slugs = async (c: FolderCall) => {
      const r = await folderEntries(files, ["many"], c);
      assert(r.ok);
      return r.entries.map((e) => e.slug);
    };

    const byName = await slugs(call("name", false, MAX_FOLDER_ENTRIES, ".md"));
    assertEquals(byName, md.slice(0, MAX_FOLDER_ENTRIES).map((n) => n.slice(0, -3)));
    assertEquals(await slugs(call("name", true, 3, ".md")), ["f00999", "f00998", "f00997"]);
    // sort="-date" orders those 1,000 (docs: the first 1,000 by name are what is read).
    assertEquals((await slugs(call("date", true, 2, ".md")))[0], "f00500");
    // Without ext the .txt files come first by name, and take the places.
    assertEquals(await slugs(call("name", false, 2, null)), ["a00000", "a00001"]);
    const all = await folderEntries(files, ["many"], call("name", false, 1000, null));
    assert(all.ok);
    assertEquals(all.entries.at(-1)?.name, "a00999.txt");
    assert(all.read >= MD_FILES + TXT_FILES, "every name weighs on the render's steps");

    // The cache's tag follows the chosen files only: a .txt file changes nothing for ext=".md",
    // a .md file that comes first by name does.
    const tag = await files.folderTag(dir, ".md");
    await Deno.writeFile(`${dir}/a9.txt`, EMPTY);
    assertEquals(await files.folderTag(dir, ".md"), tag);
    await Deno.writeFile(`${dir}/${name("z", 1, ".md")}`, EMPTY);
    assertEquals(await files.folderTag(dir, ".md"), tag);
    await Deno.writeFile(`${dir}/a9.md`, EMPTY);
    assert(await files.folderTag(dir, ".md") !== tag);
  } finally {
    await Deno.remove(www, { recursive: true });
  }
});
