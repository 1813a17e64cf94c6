/** Temp files: hidden unique names, atomic publish by rename or create-only link, cleanup. */

import { isTempFileName, TEMP_NAME_KEEP_BYTES } from "../../src/app/temp_name.ts";
import { publishFile, putBack, setAside, TempFile } from "../../src/uploads/temp_file.ts";
import { assert, assertEquals } from "../support/assert.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-temp-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const names = async (dir: string) =>
  (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("a temp file has a hidden name in the target folder that isTempFileName knows", async () => {
  await withDir(async (dir) => {
    const temp = await TempFile.create(dir, "report.txt");
    const [name] = await names(dir);
    assert(name.startsWith(".report.txt.wireserve-") && name.endsWith(".tmp"), name);
    assertEquals(isTempFileName(name), true);
    assertEquals(isTempFileName("report.txt"), false);
    assertEquals(isTempFileName(".report.txt"), false);
    await temp.discard();
  });
});

Deno.test("a temp name stays under 255 bytes for a final name of 255 bytes", async () => {
  await withDir(async (dir) => {
    const temp = await TempFile.create(dir, "😀".repeat(63) + "abc"); // 255 bytes of UTF-8
    const [name] = await names(dir);
    assert(new TextEncoder().encode(name).length <= 255, name);
    const kept = name.slice(1, name.indexOf(".wireserve-"));
    assertEquals(kept, "😀".repeat(TEMP_NAME_KEEP_BYTES / 4));
    assertEquals(isTempFileName(name), true);
    await temp.discard();
  });
});

Deno.test("commit renames the bytes into place and says whether it replaced a file", async () => {
  await withDir(async (dir) => {
    const a = await TempFile.create(dir, "f");
    await a.write(bytes("first"));
    assertEquals(await a.commit(`${dir}/f`, false), "created");
    const b = await TempFile.create(dir, "f");
    await b.write(bytes("second"));
    assertEquals(await b.commit(`${dir}/f`, false), "replaced");
    assertEquals(await Deno.readTextFile(`${dir}/f`), "second");
    assertEquals(await names(dir), ["f"]);
  });
});

Deno.test("of two commits racing on one new name, one created it and the other replaced it", async () => {
  // RFC 9110 §9.3.4: one PUT answers 201, the other 204; a check-then-rename told both "created"
  await withDir(async (dir) => {
    for (let round = 0; round < 20; round++) {
      const [a, b] = [await TempFile.create(dir, "f"), await TempFile.create(dir, "f")];
      await a.write(bytes("from a"));
      await b.write(bytes("from b"));
      const outcomes = await Promise.all([
        a.commit(`${dir}/f`, false),
        b.commit(`${dir}/f`, false),
      ]);
      assertEquals(outcomes.sort(), ["created", "replaced"], `round ${round}`);
      assertEquals(await names(dir), ["f"]);
      await Deno.remove(`${dir}/f`);
    }
  });
});

Deno.test("a create-only commit leaves an existing file alone and removes the temp", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/f`, "original");
    const temp = await TempFile.create(dir, "f");
    await temp.write(bytes("intruder"));
    assertEquals(await temp.commit(`${dir}/f`, true), "exists");
    assertEquals(await Deno.readTextFile(`${dir}/f`), "original");
    assertEquals(await names(dir), ["f"]);
    const fresh = await TempFile.create(dir, "g");
    await fresh.write(bytes("new"));
    assertEquals(await fresh.commit(`${dir}/g`, true), "created");
    assertEquals(await names(dir), ["f", "g"]);
  });
});

Deno.test("a commit onto a dangling symlink replaces the link, but a create-only one keeps it", async () => {
  await withDir(async (dir) => {
    await Deno.symlink(`${dir}/nowhere`, `${dir}/any`);
    const temp = await TempFile.create(dir, "any");
    await temp.write(bytes("new"));
    assertEquals(await temp.commit(`${dir}/any`, false), "created");
    assertEquals((await Deno.lstat(`${dir}/any`)).isFile, true);
    assertEquals(await Deno.readTextFile(`${dir}/any`), "new");
    // If-None-Match: * and --no-overwrite never replace what holds the name: the link stays.
    await Deno.symlink(`${dir}/nowhere`, `${dir}/only`);
    const kept = await TempFile.create(dir, "only");
    await kept.write(bytes("new"));
    assertEquals(await kept.commit(`${dir}/only`, true), "exists");
    assertEquals((await Deno.lstat(`${dir}/only`)).isSymlink, true);
    await kept.discard();
    assertEquals(await names(dir), ["any", "only"], "no link target made, no temp left");
  });
});

Deno.test("discard removes the temp file and can be called again", async () => {
  await withDir(async (dir) => {
    const temp = await TempFile.create(dir, "f");
    await temp.write(bytes("partial"));
    await temp.discard();
    await temp.discard();
    assertEquals(await names(dir), []);
  });
});

Deno.test("a commit that fails removes the temp file and rethrows", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/taken/inside`, { recursive: true });
    const temp = await TempFile.create(dir, "taken");
    let failed = false;
    try {
      await temp.commit(`${dir}/taken`, false); // rename over a non-empty folder fails
    } catch {
      failed = true;
    }
    assertEquals(failed, true);
    assertEquals(await names(dir), ["taken"]);
  });
});

const modeOf = async (path: string) => (await Deno.stat(path)).mode! & 0o7777;

Deno.test("a commit that replaces a file keeps the old file's permission bits", async () => {
  await withDir(async (dir) => {
    for (const mode of [0o600, 0o755, 0o640]) {
      await Deno.writeTextFile(`${dir}/f`, "old");
      await Deno.chmod(`${dir}/f`, mode);
      const temp = await TempFile.create(dir, "f");
      await temp.write(bytes("new"));
      assertEquals(await temp.commit(`${dir}/f`, false), "replaced");
      assertEquals(await modeOf(`${dir}/f`), mode);
      assertEquals(await Deno.readTextFile(`${dir}/f`), "new");
    }
  });
});

Deno.test("publishFile (resumable uploads) keeps the permission bits, never set-id bits", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/f`, "old");
    await Deno.chmod(`${dir}/f`, 0o4750); // setuid: not carried over to uploaded bytes
    await Deno.writeTextFile(`${dir}/finished`, "new");
    assertEquals(await publishFile(`${dir}/finished`, `${dir}/f`, false), "replaced");
    assertEquals(await modeOf(`${dir}/f`), 0o750);
    assertEquals(await names(dir), ["f"]);
  });
});

Deno.test("setAside keeps a file under a temp name and putBack restores it", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/f`, "old");
    const aside = await setAside(`${dir}/f`);
    assert(isTempFileName(aside.slice(dir.length + 1)), aside);
    await Deno.writeTextFile(`${dir}/new`, "new");
    await Deno.rename(`${dir}/new`, `${dir}/f`);
    await putBack(aside, `${dir}/f`);
    assertEquals(await Deno.readTextFile(`${dir}/f`), "old");
    assertEquals(await names(dir), ["f"]);
  });
});

Deno.test({
  name: "a temp file that moved away with its folder is emptied when its commit fails",
  ignore: Deno.build.os === "windows", // the handle is closed before the rename there
  async fn() {
    await withDir(async (dir) => {
      await Deno.mkdir(`${dir}/sub`);
      const temp = await TempFile.create(`${dir}/sub`, "x.bin");
      await temp.write(new Uint8Array(100_000));
      await Deno.rename(`${dir}/sub`, `${dir}/moved`); // a MOVE while the upload streams
      let failed: unknown = null;
      await temp.commit(`${dir}/sub/x.bin`, false).catch((err) => failed = err);
      assert(failed instanceof Deno.errors.NotFound, String(failed));
      // the name stays for the start-up sweep; its bytes do not
      const [left] = await names(`${dir}/moved`);
      assert(isTempFileName(left), left);
      assertEquals((await Deno.stat(`${dir}/moved/${left}`)).size, 0);
    });
  },
});

Deno.test("a commit with a lookup that sees nothing at a link reports created", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/elsewhere`, "old");
    await Deno.chmod(`${dir}/elsewhere`, 0o600);
    await Deno.symlink(`${dir}/elsewhere`, `${dir}/f`);
    const temp = await TempFile.create(dir, "f");
    await temp.write(bytes("new"));
    assertEquals(await temp.commit(`${dir}/f`, false, () => Promise.resolve(null)), "created");
    assertEquals((await Deno.lstat(`${dir}/f`)).isSymlink, false);
    assertEquals(await modeOf(`${dir}/elsewhere`), 0o600);
    assert((await modeOf(`${dir}/f`)) !== 0o600); // the link's target lent no permission bits
    assertEquals(await Deno.readTextFile(`${dir}/elsewhere`), "old");
  });
});

Deno.test("a temp file's modification time set before commit is the published file's", async () => {
  await withDir(async (dir) => {
    const temp = await TempFile.create(dir, "old.txt");
    await temp.write(bytes("old"));
    const then = new Date("2001-02-03T04:05:06Z");
    assertEquals(await temp.setModified(then), true);
    assertEquals(await temp.commit(`${dir}/old.txt`, false), "created");
    assertEquals((await Deno.stat(`${dir}/old.txt`)).mtime, then);
  });
});

Deno.test("a time the file system cannot hold is refused and the upload's own time stays", async () => {
  await withDir(async (dir) => {
    const temp = await TempFile.create(dir, "far.txt");
    const before = Date.now();
    // ext4 stops at 2446, FAT at 2107; a file system that holds 9999 keeps it and says so.
    const far = new Date("9999-12-31T23:59:59Z");
    const kept = await temp.setModified(far);
    const mtime = (await temp.stat()).mtime!.getTime();
    if (kept) assertEquals(mtime, far.getTime());
    else {assert(
        mtime >= before - 1000 && mtime <= Date.now() + 1000,
        new Date(mtime).toISOString(),
      );}
    await temp.discard();
  });
});
