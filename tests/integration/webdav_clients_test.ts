/**
 * Real WebDAV clients against a real `wireserve --allow-delete --allow-mkdir`: rclone (a nested
 * tree up, listed, checked, a folder moved server-side, synced down and compared, then moveto,
 * copyto, deletefile and purge), cadaver (a scripted session: put, get, mkcol, copy, move,
 * propset, propget, lock, unlock), and a davfs2 mount (read, write, rename, delete, names that
 * need percent-encoding, an editor's save over a locked file, `rm -r`, an 8 MiB file, through the
 * kernel) where FUSE and mounting are possible — skipped with the exact reason elsewhere. Each program is a Debian package that
 * .ci/run installs.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { installed, runClient, withDavServer } from "./webdav_process_fixture.ts";

const ALLOW = ["--allow-delete", "--allow-mkdir"];
const HAS_RCLONE = await installed("rclone", ["version"]);
const HAS_CADAVER = await installed("cadaver", ["--version"]);

/** Every file below `dir` with its contents, as "path=contents" lines (not property records). */
async function tree(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.name === ".wireserve-dav") continue;
    const rel = `${prefix}${e.name}`;
    if (e.isDirectory) out.push(`${rel}/`, ...await tree(`${dir}/${e.name}`, `${rel}/`));
    else out.push(`${rel}=${await Deno.readTextFile(`${dir}/${e.name}`)}`);
  }
  return out.sort();
}

Deno.test({
  name: "rclone: mkdir, copy a nested tree up, lsf, sync down, moveto, copyto, deletefile, purge",
  ignore: !HAS_RCLONE,
  fn: async () => {
    await withDavServer(ALLOW, async (s) => {
      const work = await Deno.makeTempDir({ prefix: "wireserve-rclone-" });
      try {
        await Deno.mkdir(`${work}/up/a/b c/ü`, { recursive: true });
        await Deno.writeTextFile(`${work}/up/top.txt`, "top");
        await Deno.writeTextFile(`${work}/up/a/mid.txt`, "mid");
        await Deno.writeTextFile(`${work}/up/a/b c/ü/deep €.txt`, "deep");
        await Deno.writeTextFile(`${work}/empty.conf`, "");
        // An inline remote "w:" from the environment; no config file of the user's is read.
        const env = {
          RCLONE_CONFIG: `${work}/empty.conf`,
          RCLONE_CONFIG_W_TYPE: "webdav",
          RCLONE_CONFIG_W_URL: s.url,
          RCLONE_CONFIG_W_VENDOR: "other",
        };
        const rclone = async (...args: string[]) => {
          const r = await runClient("rclone", args, { env });
          assertEquals(r.code, 0, `rclone ${args.join(" ")}: ${r.err}`);
          return r.out;
        };
        await rclone("mkdir", "w:r");
        assert((await Deno.stat(`${s.root}/r`)).isDirectory);
        await rclone("copy", `${work}/up`, "w:r/tree");
        assertEquals(await tree(`${s.root}/r/tree`), await tree(`${work}/up`));
        const listed = (await rclone("lsf", "-R", "w:r")).trim().split("\n").sort();
        assertEquals(listed, [
          "tree/",
          "tree/a/",
          "tree/a/b c/",
          "tree/a/b c/ü/",
          "tree/a/b c/ü/deep €.txt",
          "tree/a/mid.txt",
          "tree/top.txt",
        ]);
        await rclone("sync", "w:r/tree", `${work}/down`);
        assertEquals(await tree(`${work}/down`), await tree(`${work}/up`));
        await rclone("check", `${work}/up`, "w:r/tree"); // exits 1 on any difference
        await rclone("move", "w:r/tree/a/b c", "w:r/tree/moved dir"); // a folder, server-side
        assertEquals(await tree(`${s.root}/r/tree/moved dir`), ["ü/", "ü/deep €.txt=deep"]);
        await rclone("moveto", "w:r/tree/moved dir", "w:r/tree/a/b c");
        await rclone("moveto", "w:r/tree/top.txt", "w:r/moved.txt");
        await rclone("copyto", "w:r/moved.txt", "w:r/copied.txt");
        await rclone("deletefile", "w:r/moved.txt");
        assertEquals(await Deno.readTextFile(`${s.root}/r/copied.txt`), "top");
        assert(
          !(await tree(`${s.root}/r`)).some((p) => p.includes("top.txt") || p.includes("moved")),
        );
        await rclone("purge", "w:r");
        assertEquals(await tree(s.root), []);
      } finally {
        await Deno.remove(work, { recursive: true });
      }
    });
  },
});

Deno.test({
  name: "cadaver: a scripted session puts, gets, copies, moves, sets properties and locks",
  ignore: !HAS_CADAVER,
  fn: async () => {
    await withDavServer(ALLOW, async (s) => {
      const home = await Deno.makeTempDir({ prefix: "wireserve-cadaver-" }); // no ~/.cadaverrc
      try {
        await Deno.writeTextFile(`${home}/local.txt`, "hello cadaver\n");
        const script = [
          "mkcol cad",
          "cd cad",
          "put local.txt a.txt",
          "get a.txt back.txt",
          "copy a.txt b.txt",
          "move b.txt c.txt",
          "propset c.txt color blue",
          "propget c.txt color",
          "lock c.txt",
          "put local.txt c.txt",
          "unlock c.txt",
          "ls",
          "quit",
        ].join("\n") + "\n";
        const r = await runClient("cadaver", [s.url], {
          stdin: script,
          cwd: home,
          env: { HOME: home },
          timeoutMs: 60_000,
        });
        const out = r.out + r.err;
        assert(!out.includes("failed"), out);
        assert(out.includes("Value of color is: blue"), out);
        assertEquals(await Deno.readTextFile(`${home}/back.txt`), "hello cadaver\n");
        assertEquals(await tree(`${s.root}/cad`), [
          "a.txt=hello cadaver\n",
          "c.txt=hello cadaver\n",
        ]);
      } finally {
        await Deno.remove(home, { recursive: true });
      }
    });
  },
});

/** Why a davfs2 mount cannot be tried here, or null when it can. */
async function davfsSkipReason(): Promise<string | null> {
  if (Deno.build.os !== "linux") return "davfs2 is Linux only";
  if (!(await installed("mount.davfs", ["-V"]))) return "mount.davfs is not installed (davfs2)";
  // Asked of the shell: Deno lets only --allow-all stat a device, and the suite runs without it.
  const fuse = await new Deno.Command("test", { args: ["-c", "/dev/fuse"] }).output()
    .then((r) => r.success, () => false);
  if (!fuse) return "/dev/fuse is missing (no FUSE in this kernel or container)";
  if (Deno.uid() !== 0) return "mounting needs root (uid is not 0)";
  return null;
}

/** Linux 6.16 and later need `buf_size 64` or davfs2 reads fail (its default buffer is 16 KiB). */
function needsBigBuffer(): boolean {
  const m = /^(\d+)\.(\d+)/.exec(Deno.osRelease());
  if (m === null) return true;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 6 || (major === 6 && minor >= 16);
}

const DAVFS_SKIP = await davfsSkipReason();
/** File names a mount must carry to the server unchanged. */
const NAMES = ["sp ace.txt", "ünï 日本😀.txt", "h#sh.txt", "pc%25t.txt", "pc%t.txt", "q?.txt"];
/** Larger than davfs2's buffers and the server's small-file cache: many reads and writes. */
const BIG = new Uint8Array(8 * 1024 * 1024).map((_, i) => (i * 7919 + (i >> 13)) & 0xff);

Deno.test({
  name: DAVFS_SKIP === null
    ? "davfs2: a mounted share reads, writes, renames and deletes through the kernel"
    : `davfs2 mount skipped: ${DAVFS_SKIP}`,
  ignore: DAVFS_SKIP !== null,
  fn: async () => {
    await withDavServer(ALLOW, async (s) => {
      const work = await Deno.makeTempDir({ prefix: "wireserve-davfs-" });
      const mnt = `${work}/mnt`;
      const cache = `${work}/cache`;
      await Deno.mkdir(mnt);
      await Deno.mkdir(cache);
      await Deno.chmod(cache, 0o777); // mount.davfs drops to the davfs2 user
      await Deno.chmod(work, 0o755);
      const conf = [
        `cache_dir ${cache}`,
        "use_locks 1",
        "delay_upload 0",
        ...(needsBigBuffer() ? ["buf_size 64"] : []),
      ].join("\n") + "\n";
      await Deno.writeTextFile(`${work}/davfs2.conf`, conf);
      await Deno.writeTextFile(`${s.root}/hello.txt`, "from the server\n");
      // No credentials: mount.davfs asks for a user name and a password; empty lines answer.
      const mounted = await runClient(
        "mount.davfs",
        ["-o", `conf=${work}/davfs2.conf,uid=0,gid=0`, s.url, mnt],
        { stdin: "\n\n", timeoutMs: 30_000 },
      );
      if (mounted.code !== 0) {
        // The kernel or the container refuses the mount itself: say so, do not pretend.
        console.log(`davfs2 mount refused here (${mounted.err.trim()}); nothing more to check`);
        await Deno.remove(work, { recursive: true });
        return;
      }
      try {
        assertEquals(await Deno.readTextFile(`${mnt}/hello.txt`), "from the server\n");
        await Deno.mkdir(`${mnt}/dfs`);
        await Deno.writeTextFile(`${mnt}/dfs/a.txt`, "via davfs\n");
        await Deno.rename(`${mnt}/dfs/a.txt`, `${mnt}/dfs/b.txt`);
        assertEquals(await Deno.readTextFile(`${mnt}/dfs/b.txt`), "via davfs\n");
        await Deno.remove(`${mnt}/hello.txt`);
        // Names that need percent-encoding in every request davfs2 makes for them.
        for (const name of NAMES) await Deno.writeTextFile(`${mnt}/dfs/${name}`, name);
        // An editor's save (sed -i too): a new file beside the original, renamed over it — a
        // MOVE onto a file davfs2 holds locked.
        await Deno.writeTextFile(`${mnt}/dfs/edit.txt`, "first\n");
        await Deno.writeTextFile(`${mnt}/dfs/edit.txt.new`, "second\n");
        await Deno.rename(`${mnt}/dfs/edit.txt.new`, `${mnt}/dfs/edit.txt`);
        await Deno.writeFile(`${mnt}/dfs/big.bin`, BIG);
        await Deno.mkdir(`${mnt}/gone/deeper`, { recursive: true });
        await Deno.writeTextFile(`${mnt}/gone/deeper/x.txt`, "x");
        await Deno.remove(`${mnt}/gone`, { recursive: true });
      } finally {
        const u = await runClient("umount", [mnt], { timeoutMs: 60_000 });
        assertEquals(u.code, 0, u.err);
      }
      // After the unmount every change has reached the server.
      const files = (await tree(s.root)).filter((p) => !p.startsWith("dfs/big.bin="));
      assertEquals(
        files,
        [
          "dfs/",
          "dfs/b.txt=via davfs\n",
          "dfs/edit.txt=second\n",
          ...NAMES.map((n) => `dfs/${n}=${n}`),
        ].sort(),
      );
      assertEquals(await Deno.readFile(`${s.root}/dfs/big.bin`), BIG);
      await Deno.remove(work, { recursive: true });
    });
  },
});
