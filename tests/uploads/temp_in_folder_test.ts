/**
 * The temp file of an upload whose new folder another (failing) upload removes at the same
 * moment: the folder is made again and the upload goes on. The removal is injected between the
 * folder's preparation and the temp file's creation, where the race falls.
 */

import { appConfig } from "../../src/app/app_config.ts";
import { uploadContext } from "../../src/uploads/upload_context.ts";
import { TempFile } from "../../src/uploads/temp_file.ts";
import { createTempInFolder, TEMP_CREATE_ATTEMPTS } from "../../src/uploads/temp_in_folder.ts";
import { prepareFolder } from "../../src/uploads/write_target.ts";
import { assert, assertEquals } from "../support/assert.ts";

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "wireserve-tempin-" });
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("a temp file is created when its new folder was removed just before", async () => {
  await withRoot(async (root) => {
    const ctx = uploadContext(appConfig({ directory: root }));
    const dir = `${root}/new/deeper`;
    const folder = await prepareFolder(ctx, dir);
    assert(folder.ok);
    let calls = 0;
    const temp = await createTempInFolder(ctx, dir, "f.txt", folder, async (d, name) => {
      // the other upload's undo: its empty folders go between our mkdir and our create
      if (calls++ === 0) await Deno.remove(`${root}/new`, { recursive: true });
      return await TempFile.create(d, name);
    });
    assert(temp instanceof TempFile);
    assertEquals(calls, 2);
    await temp.write(new TextEncoder().encode("mine"));
    assertEquals(await temp.commit(`${dir}/f.txt`, false), "created");
    assertEquals(await Deno.readTextFile(`${dir}/f.txt`), "mine");
  });
});

Deno.test("a failed upload still removes the folders it made again", async () => {
  await withRoot(async (root) => {
    const ctx = uploadContext(appConfig({ directory: root }));
    const dir = `${root}/new`;
    const folder = await prepareFolder(ctx, dir);
    assert(folder.ok);
    let calls = 0;
    const temp = await createTempInFolder(ctx, dir, "f.txt", folder, async (d, name) => {
      if (calls++ === 0) await Deno.remove(dir);
      return await TempFile.create(d, name);
    });
    assert(temp instanceof TempFile);
    await temp.discard();
    await folder.undo();
    assertEquals(await Array.fromAsync(Deno.readDir(root)), []);
  });
});

Deno.test("a folder that keeps vanishing is given up after a bounded number of tries", async () => {
  await withRoot(async (root) => {
    const ctx = uploadContext(appConfig({ directory: root }));
    const dir = `${root}/new`;
    const folder = await prepareFolder(ctx, dir);
    assert(folder.ok);
    let calls = 0;
    let failed: unknown = null;
    await createTempInFolder(ctx, dir, "f.txt", folder, async (d, name) => {
      calls++;
      await Deno.remove(dir);
      return await TempFile.create(d, name);
    }).catch((err) => failed = err);
    assert(failed instanceof Deno.errors.NotFound, String(failed));
    assertEquals(calls, TEMP_CREATE_ATTEMPTS);
    await folder.undo();
  });
});

Deno.test("a temp file made after its folder became a link out is discarded with a 403", async () => {
  await withRoot(async (root) => {
    const outside = await Deno.makeTempDir({ prefix: "wireserve-tempin-out-" });
    try {
      const ctx = uploadContext(appConfig({ directory: root }));
      const dir = `${root}/race`;
      const folder = await prepareFolder(ctx, dir);
      assert(folder.ok);
      const answer = await createTempInFolder(ctx, dir, "f.txt", folder, async (d, name) => {
        // another local program swaps the checked folder for a link out of the root
        await Deno.rename(dir, `${root}/race.real`);
        await Deno.symlink(outside, dir);
        return await TempFile.create(d, name);
      });
      assert(!(answer instanceof TempFile));
      assertEquals(answer.status, 403);
      assertEquals(await Array.fromAsync(Deno.readDir(outside)), []);
    } finally {
      await Deno.remove(outside, { recursive: true });
    }
  });
});
