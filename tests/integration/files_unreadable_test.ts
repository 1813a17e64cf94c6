/**
 * What the shared folder holds that the server may not read, or that is not a file any more:
 * a `?zip` leaves out the files and folders it may not read (as a search does) instead of a 404
 * for the whole folder or an archive cut at the first of them; and a file swapped for a FIFO
 * after its facts were cached answers 404 at once instead of waiting forever on the FIFO's open.
 *
 * Unreadable files need file permissions to hold for the server: run as another user, or as
 * root without the capabilities that read anything (`withoutReadOverride`).
 * @module
 */

import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { unreadableTest, withUnreadableShare } from "../support/unreadable_share.ts";
import { startFilesServer } from "./files_fixture.ts";

const HAS_UNZIP = await new Deno.Command("unzip", { args: ["-v"], stdout: "null", stderr: "null" })
  .output().then((o) => o.success, () => false);
const HAS_MKFIFO = Deno.build.os !== "windows" &&
  await new Deno.Command("mkfifo", { args: ["--version"], stdout: "null", stderr: "null" })
    .output().then((o) => o.success, () => false);

/** The names in a zip (`unzip -Z1`), sorted, and whether `unzip -t` finds it whole. */
async function zipNames(bytes: Uint8Array): Promise<{ names: string[]; whole: boolean }> {
  const file = await Deno.makeTempFile({ suffix: ".zip" });
  try {
    await Deno.writeFile(file, bytes);
    const run = (args: string[]) => new Deno.Command("unzip", { args }).output();
    const listed = new TextDecoder().decode((await run(["-Z1", file])).stdout);
    return {
      names: listed.split("\n").filter((l) => l !== "").sort(),
      whole: (await run(["-t", file])).success,
    };
  } finally {
    await Deno.remove(file);
  }
}

unreadableTest(
  "?zip leaves out the files and folders the server may not read; such a folder is 403",
  () =>
    withUnreadableShare(
      async (root) => {
        await Deno.writeTextFile(join(root, "aaa.txt"), "readable\n");
        await Deno.writeTextFile(join(root, "secret.txt"), "not for the server\n");
        await Deno.mkdir(join(root, "locked"));
        await Deno.writeTextFile(join(root, "locked/inner.txt"), "inside\n");
        await Deno.mkdir(join(root, "sub"));
        await Deno.writeFile(join(root, "sub/photo.jpg"), new Uint8Array(5000).fill(7)); // stored
        await Deno.writeTextFile(join(root, "sub/hidden.jpg"), "stored, unreadable\n");
      },
      { "secret.txt": 0o000, "sub/hidden.jpg": 0o000, "locked": 0o000 },
      [],
      async ({ base }) => {
        // The listing shows every name; the archive holds what can be read.
        const listing = await (await fetch(`${base}/files/?format=json`)).json();
        assertEquals(
          listing.entries.map((e: { name: string }) => e.name).sort(),
          ["aaa.txt", "locked", "secret.txt", "sub"],
        );
        const whole = await fetch(`${base}/files/?zip`);
        assertEquals(whole.status, 200);
        const all = await zipNames(new Uint8Array(await whole.arrayBuffer()));
        assertEquals(all, { names: ["aaa.txt", "sub/", "sub/photo.jpg"], whole: true });
        const picked = await fetch(`${base}/files/?zip&name=aaa.txt&name=secret.txt&name=locked`);
        assertEquals(picked.status, 200);
        const some = await zipNames(new Uint8Array(await picked.arrayBuffer()));
        assertEquals(some, { names: ["aaa.txt"], whole: true });
        // The unreadable folder itself: there, but not to be read (403), its listing and its zip.
        for (
          const target of ["/files/locked/", "/files/locked/?format=json", "/files/locked/?zip"]
        ) {
          const top = await fetch(`${base}${target}`);
          await top.body?.cancel();
          assertEquals(top.status, 403, target);
        }
      },
    ),
  !HAS_UNZIP,
);

unreadableTest(
  "a folder whose names can be read but that may not be entered is 403, never empty",
  () =>
    withUnreadableShare(
      async (root) => {
        await Deno.mkdir(join(root, "alice"));
        await Deno.writeTextFile(join(root, "alice/report.txt"), "x\n");
        await Deno.writeTextFile(join(root, "open.txt"), "o\n");
        // r, no x: the names are read, nothing in the folder can be looked at (`chmod -R 644`)
      },
      { alice: 0o644 },
      [],
      async ({ base }) => {
        const asks: Array<[string, RequestInit]> = [
          ["/files/alice/", {}],
          ["/files/alice/?format=json", {}],
          ["/files/alice/?zip", {}],
          ["/files/alice/", { method: "PROPFIND", headers: { Depth: "1" } }],
        ];
        for (const [target, init] of asks) {
          const res = await fetch(`${base}${target}`, init);
          await res.body?.cancel();
          assertEquals(res.status, 403, `${init.method ?? "GET"} ${target}`);
        }
        // Above it, the archive leaves it out, as any folder the server may not read.
        const zip = await fetch(`${base}/files/?zip`);
        const { names } = await zipNames(new Uint8Array(await zip.arrayBuffer()));
        assertEquals(names, ["open.txt"]);
      },
    ),
  !HAS_UNZIP,
);

Deno.test({
  name: "a file swapped for a FIFO after its facts were cached answers 404 at once",
  ignore: !HAS_MKFIFO,
  fn: async () => {
    const fs = await startFilesServer({ statCacheMs: 60_000 });
    const path = join(fs.tree.root, "big.bin");
    try {
      await Deno.writeFile(path, new Uint8Array(300 * 1024)); // too large to be held in memory
      const first = await fetch(fs.url("/files/big.bin"));
      assertEquals([first.status, (await first.arrayBuffer()).byteLength], [200, 300 * 1024]);
      await Deno.remove(path);
      const made = await new Deno.Command("mkfifo", { args: [path] }).output();
      assert(made.success);
      const asks: Array<Record<string, string>> = [{}, { Range: "bytes=0-9" }, {
        "Accept-Encoding": "gzip",
      }];
      for (const fields of asks) {
        const res = await fetch(fs.url("/files/big.bin"), {
          headers: fields,
          signal: AbortSignal.timeout(5_000),
        });
        await res.body?.cancel();
        assertEquals(res.status, 404, JSON.stringify(fields));
      }
    } finally {
      // Should a read be waiting on the FIFO, a writer lets it go (read and write: no wait here).
      try {
        (await Deno.open(path, { read: true, write: true })).close();
      } catch {
        // not a FIFO, or gone
      }
      await fs.close();
    }
  },
});

Deno.test({
  name: "a real U+FFFD in a name is listed, searched and zipped; a name that is not UTF-8 is not",
  ignore: Deno.build.os === "windows" || !HAS_UNZIP,
  fn: async () => {
    const fs = await startFilesServer();
    try {
      const dir = join(fs.tree.root, "odd");
      await Deno.mkdir(dir);
      await Deno.writeTextFile(join(dir, "Caf\uFFFD menu.txt"), "real\n");
      // "Caf\xE9 old.txt": Latin-1 bytes, not UTF-8 (Deno's API takes only strings).
      const made = await new Deno.Command("sh", {
        args: ["-c", `printf x > "$(printf '%s/Caf\\351 old.txt' "$1")"`, "sh", dir],
      }).output();
      assert(made.success, new TextDecoder().decode(made.stderr));
      const listing = await (await fetch(fs.url("/files/odd/?format=json"))).json();
      assertEquals(listing.entries.map((e: { name: string }) => e.name), ["Caf\uFFFD menu.txt"]);
      const found = await (await fetch(fs.url("/files/odd/?q=menu&format=json"))).json();
      assertEquals(found.entries.map((e: { name: string }) => e.name), ["Caf\uFFFD menu.txt"]);
      const zip = await fetch(fs.url("/files/odd/?zip"));
      const { names } = await zipNames(new Uint8Array(await zip.arrayBuffer()));
      assertEquals(names.length, 1);
      const file = await fetch(fs.url(`/files/odd/${encodeURIComponent("Caf\uFFFD menu.txt")}`));
      assertEquals([file.status, await file.text()], [200, "real\n"]);
    } finally {
      await fs.close();
    }
  },
});
