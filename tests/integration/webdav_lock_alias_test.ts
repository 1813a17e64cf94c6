/**
 * A lock is on the resource, not on one URL of it (RFC 4918 §6.1, §7): through a symlink inside
 * the share (`sl/lndir -> realdir`, `alias.txt -> real.txt`) a change still needs the lock's
 * token, and a second exclusive lock on the same file is refused. A probe found PUT and DELETE
 * through the link answered 204/201 under a depth-infinity lock of the real folder, and two
 * exclusive locks granted on one file. With `WIRESERVE_TEST_WORKERS=2` the LOCK and the write
 * may be on different workers.
 * @module
 */

import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { dav, withShare } from "./webdav_share_fixture.ts";

const UNIX = Deno.build.os !== "windows";
const LOCKINFO = '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope>' +
  "<D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>";
const WRITES = { allowDelete: true, allowMkdir: true };

/** `sl/realdir/in.txt`, `sl/lndir -> realdir`, `real.txt` and `alias.txt -> real.txt`. */
async function linkedTree(root: string): Promise<void> {
  await Deno.mkdir(join(root, "sl", "realdir"), { recursive: true });
  await Deno.writeTextFile(join(root, "sl", "realdir", "in.txt"), "original");
  await Deno.symlink("realdir", join(root, "sl", "lndir"));
  await Deno.writeTextFile(join(root, "real.txt"), "real");
  await Deno.symlink("real.txt", join(root, "alias.txt"));
}

async function lock(url: string, depth = "infinity"): Promise<{ status: number; token: string }> {
  const r = await dav(url, "LOCK", { Depth: depth }, LOCKINFO);
  return { status: r.status, token: r.headers.get("lock-token") ?? "" };
}

Deno.test({
  name: "a change through a link to a locked folder answers 423 without the lock's token",
  ignore: !UNIX,
  fn: async () => {
    await withShare(WRITES, async (_s, root, base) => {
      await linkedTree(root);
      const files = `${base}/files`;
      const held = await lock(`${files}/sl/realdir/`);
      assertEquals(held.status, 200);
      assertEquals((await dav(`${files}/sl/lndir/in.txt`, "PUT", {}, "bypass")).status, 423);
      assertEquals((await dav(`${files}/sl/lndir/new.txt`, "PUT", {}, "bypass")).status, 423);
      assertEquals((await dav(`${files}/sl/lndir/in.txt`, "DELETE")).status, 423);
      assertEquals((await dav(`${files}/sl/lndir/sub/`, "MKCOL")).status, 423);
      assertEquals((await dav(`${files}/sl/lndir/in.txt`, "PROPPATCH", {}, PROPPATCH)).status, 423);
      const move = await dav(`${files}/sl/lndir/in.txt`, "MOVE", {
        Destination: `${files}/moved.txt`,
      });
      assertEquals(move.status, 423);
      assertEquals(await Deno.readTextFile(join(root, "sl", "realdir", "in.txt")), "original");
      // The holder writes through either spelling with its token (the If header's state too).
      const withToken = { If: `(${held.token})` };
      assertEquals((await dav(`${files}/sl/lndir/in.txt`, "PUT", withToken, "edit")).status, 204);
      assertEquals((await dav(`${files}/sl/lndir/new.txt`, "PUT", withToken, "new")).status, 201);
      assertEquals(await Deno.readTextFile(join(root, "sl", "realdir", "in.txt")), "edit");
      // And may unlock it under the link's URL: the lock covers that resource.
      const unlocked = await dav(`${files}/sl/lndir/`, "UNLOCK", { "Lock-Token": held.token });
      assertEquals(unlocked.status, 204);
      assertEquals((await dav(`${files}/sl/lndir/in.txt`, "PUT", {}, "free")).status, 204);
    });
  },
});

const PROPPATCH = '<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:z">' +
  "<D:set><D:prop><Z:p>v</Z:p></D:prop></D:set></D:propertyupdate>";

Deno.test({
  name: "a file takes one exclusive lock whichever link it is locked through",
  ignore: !UNIX,
  fn: async () => {
    await withShare(WRITES, async (_s, root, base) => {
      await linkedTree(root);
      const files = `${base}/files`;
      const real = await lock(`${files}/real.txt`, "0");
      assertEquals(real.status, 200);
      assertEquals((await lock(`${files}/alias.txt`, "0")).status, 423);
      assertEquals((await lock(`${files}/sl/lndir/in.txt`, "0")).status, 200);
      assertEquals((await lock(`${files}/sl/realdir/in.txt`, "0")).status, 423);
      assertEquals((await lock(`${files}/sl/`, "infinity")).status, 207, "a member is locked");
      await dav(`${files}/real.txt`, "UNLOCK", { "Lock-Token": real.token });
      // A lock taken through the link protects the file under its own name.
      const viaAlias = await lock(`${files}/alias.txt`, "0");
      assertEquals(viaAlias.status, 200);
      assertEquals((await dav(`${files}/real.txt`, "PUT", {}, "bypass")).status, 423);
      assertEquals((await dav(`${files}/real.txt`, "DELETE")).status, 423);
      assertEquals(await Deno.readTextFile(join(root, "real.txt")), "real");
      const found = await dav(`${files}/real.txt`, "PROPFIND", { Depth: "0" });
      assert(found.text.includes(viaAlias.token.slice(1, -1)), "listed in its lockdiscovery");
      assert(found.text.includes("<D:href>/files/alias.txt</D:href></D:lockroot>"), found.text);
      const put = await dav(`${files}/real.txt`, "PUT", { If: `(${viaAlias.token})` }, "edit");
      assertEquals(put.status, 204);
    });
  },
});

Deno.test({
  name:
    "removing a link leaves the locks on what it led to, and removing the file drops its alias's",
  ignore: !UNIX,
  fn: async () => {
    await withShare(WRITES, async (_s, root, base) => {
      await linkedTree(root);
      await Deno.symlink("real.txt", join(root, "second.txt"));
      const files = `${base}/files`;
      const viaAlias = await lock(`${files}/alias.txt`, "0");
      assertEquals(viaAlias.status, 200);
      // The second link names the locked file: its removal needs the token.
      assertEquals((await dav(`${files}/second.txt`, "DELETE")).status, 423);
      const gone = await dav(`${files}/second.txt`, "DELETE", { If: `(${viaAlias.token})` });
      assertEquals(gone.status, 204);
      assertEquals((await dav(`${files}/real.txt`, "PUT", {}, "bypass")).status, 423);
      // The file itself goes, and the lock on it with it, whichever URL it was taken through.
      const removed = await dav(`${files}/real.txt`, "DELETE", { If: `(${viaAlias.token})` });
      assertEquals(removed.status, 204);
      assertEquals((await dav(`${files}/real.txt`, "PUT", {}, "anew")).status, 201);
    });
  },
});

Deno.test({
  name: "a link out of the share keeps its locks under its URL (--follow-symlinks)",
  ignore: !UNIX,
  fn: async () => {
    const outside = await Deno.makeTempDir({ prefix: "wireserve-dav-outside-" });
    try {
      await withShare({ ...WRITES, followSymlinks: true }, async (_s, root, base) => {
        await Deno.writeTextFile(join(outside, "o.txt"), "outside");
        await Deno.symlink(outside, join(root, "out"));
        const files = `${base}/files`;
        const held = await lock(`${files}/out/o.txt`, "0");
        assertEquals(held.status, 200);
        assertEquals((await lock(`${files}/out/o.txt`, "0")).status, 423);
        const found = await dav(`${files}/out/o.txt`, "PROPFIND", { Depth: "0" });
        assert(found.text.includes("<D:href>/files/out/o.txt</D:href></D:lockroot>"), found.text);
        await dav(`${files}/out/o.txt`, "UNLOCK", { "Lock-Token": held.token });
      });
    } finally {
      await Deno.remove(outside, { recursive: true });
    }
  },
});
