/** The change board: a write on one worker reaches every read cache at once. */

import { CHANGE_BUCKETS, CHANGE_CELLS, ChangeBoard } from "../../src/app/change_board.ts";
import { FileCache } from "../../src/files/file_cache.ts";
import { assert, assertEquals } from "../support/assert.ts";

Deno.test("changed moves the stamp of the path and of its folder", () => {
  const board = new ChangeBoard();
  const file = board.bucketOf("/srv/a/b.txt");
  const folder = board.bucketOf("/srv/a");
  const [s1, s2, writes] = [board.stamp(file), board.stamp(folder), board.writes()];
  board.changed("/srv/a/b.txt");
  assert(board.stamp(file) !== s1);
  assert(board.stamp(folder) !== s2);
  assertEquals(board.writes(), writes + 1, "every write is counted once");
});

Deno.test("bucketOf spreads the names of one folder over many buckets", () => {
  const board = new ChangeBoard();
  const buckets = new Set<number>();
  for (let i = 0; i < 1000; i++) buckets.add(board.bucketOf(`/srv/share/file-${i}.txt`));
  assert(buckets.size > 990, `${buckets.size} buckets for 1000 names`);
  for (const b of buckets) assert(b >= 0 && b < CHANGE_BUCKETS);
});

Deno.test("a cache on another board holder reads the disk again after a write, within its TTL", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-board-" });
  try {
    // Two caches over one shared board stand for two workers.
    const board = new ChangeBoard(new Int32Array(new SharedArrayBuffer(CHANGE_CELLS * 4)));
    const opts = { root: dir, followSymlinks: false, dotfiles: false, ttlMs: 60_000 };
    const reader = new FileCache({ ...opts, changes: board });
    const path = `${dir}/a.txt`;
    await Deno.writeTextFile(path, "one");
    const before = await reader.lookup(path);
    assertEquals(before.kind === "file" && before.size, 3);
    await Deno.writeTextFile(path, "three");
    // Without the board the cache trusts its entry for a minute.
    assert(!((await reader.lookup(path)) instanceof Promise));
    assertEquals((await reader.lookup(path) as { size: number }).size, 3);
    board.changed(path); // the writer (another worker) says so
    const after = await reader.lookup(path);
    assertEquals(after.kind === "file" && after.size, 5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "changed through a linked folder moves the stamps of the real path and its real folder",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-board-" }));
    try {
      await Deno.mkdir(`${base}/big`);
      await Deno.symlink("big", `${base}/biglink`);
      const board = new ChangeBoard();
      const file = board.bucketOf(`${base}/big/new.txt`);
      const folder = board.bucketOf(`${base}/big`);
      const [s1, s2] = [board.stamp(file), board.stamp(folder)];
      board.changed(`${base}/biglink/new.txt`);
      assert(board.stamp(file) !== s1, "the file's real path");
      assert(board.stamp(folder) !== s2, "the real folder, whose listing changed");
    } finally {
      await Deno.remove(base, { recursive: true });
    }
  },
});
