/**
 * A folder the server may not read is not answered as an empty one: `PROPFIND Depth: 1` of it is
 * 403, as the listing's read fails (Apache's mod_dav_fs answers 403 too, or cuts its 207 short).
 * A 207 holding only the folder's own response told a sync client (rclone sync, bisync) that the
 * folder was empty, and it deleted its copies of what the folder holds. `Depth: 0` (the folder's
 * own properties, a stat) and the folder's members' own answers stay as they were.
 *
 * An unreadable folder needs file permissions to hold for the server: run as another user, or as
 * root without the capabilities that read anything (`withoutReadOverride`).
 * @module
 */

import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { unreadableTest, withUnreadableShare } from "../support/unreadable_share.ts";

unreadableTest(
  "PROPFIND Depth 1 of a folder the server may not read answers 403, not an empty folder",
  () =>
    withUnreadableShare(
      async (root) => {
        await Deno.mkdir(join(root, "locked"));
        await Deno.writeTextFile(join(root, "locked/keep.txt"), "the client's copy must stay\n");
      },
      { locked: 0o000 },
      [],
      async ({ base }) => {
        const propfind = (path: string, depth: string) =>
          fetch(`${base}${path}`, { method: "PROPFIND", headers: { Depth: depth } });
        for (const path of ["/files/locked/", "/files/locked"]) {
          const members = await propfind(path, "1");
          const text = await members.text();
          assertEquals(members.status, 403, `${path}: ${text}`);
          assert(!text.includes("multistatus"), text);
        }
        const own = await propfind("/files/locked/", "0");
        await own.body?.cancel();
        assertEquals(own.status, 207, "the folder's own properties are a stat");
        const top = await propfind("/files/", "1");
        const listed = await top.text();
        assertEquals(top.status, 207);
        assert(listed.includes("<D:href>/files/locked/</D:href>"), listed);
      },
    ),
);

unreadableTest(
  "COPY names an unreadable member folder in its 207 and makes nothing for it",
  () =>
    withUnreadableShare(
      async (root) => {
        await Deno.mkdir(join(root, "outer/locked"), { recursive: true });
        await Deno.mkdir(join(root, "outer/unentered"));
        await Deno.writeTextFile(join(root, "outer/a.txt"), "a\n");
        await Deno.writeTextFile(join(root, "outer/locked/x.txt"), "x\n");
        await Deno.writeTextFile(join(root, "outer/unentered/y.txt"), "y\n");
        // names readable, not enterable: `outer/unentered`
      },
      { "outer/locked": 0o000, "outer/unentered": 0o644 },
      ["--allow-mkdir"],
      async ({ root, base }) => {
        const res = await fetch(`${base}/files/outer/`, {
          method: "COPY",
          headers: { Destination: `${base}/files/outer2/` },
        });
        const text = await res.text();
        assertEquals(res.status, 207, text);
        assert(text.includes("/files/outer2/locked/"), text);
        assert(text.includes("/files/outer2/unentered/"), text);
        const made = [...Deno.readDirSync(join(root, "outer2"))].map((e) => e.name).sort();
        assertEquals(made, ["a.txt"], "nothing made for what could not be copied");
      },
    ),
);
