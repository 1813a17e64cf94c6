/**
 * DELETE of a folder the server may not read: the folder itself is what fails, so the answer is
 * that failure alone (403), as a file's DELETE gets — not a 207 naming the request URI (RFC 4918
 * §9.6.1: a 207 reports members). Nothing is removed.
 *
 * An unreadable folder needs file permissions to hold for the server: run as another user, or as
 * root without the capabilities that read anything (`withoutReadOverride`).
 * @module
 */

import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { unreadableTest, withUnreadableShare } from "../support/unreadable_share.ts";

unreadableTest(
  "DELETE of a folder the server may not read answers 403 alone and removes nothing",
  () =>
    withUnreadableShare(
      async (root) => {
        await Deno.mkdir(join(root, "locked"));
        await Deno.writeTextFile(join(root, "locked/keep.txt"), "kept\n");
      },
      { locked: 0o000 },
      ["--allow-delete"],
      async ({ base }) => {
        for (const path of ["/files/locked/", "/files/locked"]) {
          const res = await fetch(`${base}${path}`, { method: "DELETE" });
          const text = await res.text();
          assertEquals(res.status, 403, `${path}: ${text}`);
          assert(!text.includes("multistatus"), text);
        }
      },
      async (root) => {
        assertEquals(await Deno.readTextFile(join(root, "locked/keep.txt")), "kept\n");
      },
    ),
);
