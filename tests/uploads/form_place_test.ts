/** A form's files placed all or nothing: a failed move undoes the moves before it. */

import { placeAll } from "../../src/uploads/form_place.ts";
import { TempFile } from "../../src/uploads/temp_file.ts";
import { assertEquals } from "../support/assert.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-place-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const names = async (dir: string) =>
  (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();

async function formFile(dir: string, name: string, text: string) {
  const temp = await TempFile.create(dir, name);
  await temp.write(new TextEncoder().encode(text));
  temp.close();
  return { name, temp };
}

Deno.test("placeAll moves every file and leaves no set-aside link behind", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a`, "old a");
    const files = [await formFile(dir, "a", "new a"), await formFile(dir, "b", "new b")];
    assertEquals(await placeAll(dir, files, false), null);
    assertEquals(await names(dir), ["a", "b"]);
    assertEquals(await Deno.readTextFile(`${dir}/a`), "new a");
  });
});

Deno.test("placeAll undoes the placed files when a later move fails", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/replaced`, "old content");
    await Deno.mkdir(`${dir}/blocked/inside`, { recursive: true }); // a rename onto it fails
    const files = [
      await formFile(dir, "replaced", "new content"),
      await formFile(dir, "created", "new file"),
      await formFile(dir, "blocked", "never placed"),
    ];
    const failed = await placeAll(dir, files, false).then(() => false, () => true);
    assertEquals(failed, true);
    for (const f of files) await f.temp.discard();
    assertEquals(await names(dir), ["blocked", "replaced"]);
    assertEquals(await Deno.readTextFile(`${dir}/replaced`), "old content");
  });
});

Deno.test("placeAll create-only names the taken name and undoes the placed files", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/taken`, "someone else's");
    const files = [await formFile(dir, "first", "1"), await formFile(dir, "taken", "2")];
    assertEquals(await placeAll(dir, files, true), "taken");
    for (const f of files) await f.temp.discard();
    assertEquals(await names(dir), ["taken"]);
    assertEquals(await Deno.readTextFile(`${dir}/taken`), "someone else's");
  });
});
