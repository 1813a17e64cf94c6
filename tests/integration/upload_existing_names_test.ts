/**
 * Names a write may not create for portability's sake (`:`, Windows device names, a trailing dot
 * or space) that exist already — put there by other means on Linux or macOS — stay writable: the
 * share lists, serves and locks them, so a client must be able to save them again (a davfs2
 * mount lost every edit to `12:30 notes.txt` to a 400). New such names are still refused.
 */

import { assertEquals } from "../support/assert.ts";
import { request, withUploadServer } from "./upload_fixture.ts";

const IS_WINDOWS = Deno.build.os === "windows";
const LOCK_BODY = '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/>' +
  "</D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>";

Deno.test({
  name:
    "an existing file or folder whose name has a colon, a device name or a trailing dot stays writable",
  ignore: IS_WINDOWS, // such names cannot exist there
  fn: async () => {
    await withUploadServer({ allowDelete: true }, async (s) => {
      await Deno.writeTextFile(`${s.root}/12:30 notes.txt`, "orig");
      await Deno.writeTextFile(`${s.root}/aux.c`, "orig");
      await Deno.writeTextFile(`${s.root}/draft.`, "orig");
      await Deno.mkdir(`${s.root}/Project: 2024`);
      for (
        const [path, name] of [
          ["/files/12%3A30%20notes.txt", "12:30 notes.txt"],
          ["/files/aux.c", "aux.c"],
          ["/files/draft.", "draft."],
        ]
      ) {
        const put = await request(s.port, "PUT", path, [], "edited");
        assertEquals(put.status, 204, path);
        assertEquals(await Deno.readTextFile(`${s.root}/${name}`), "edited", path);
      }
      // A new file in an existing folder of such a name is a portable name in a folder that is.
      const inFolder = await request(s.port, "PUT", "/files/Project%3A%202024/notes.txt", [], "n");
      assertEquals(inFolder.status, 201);
      assertEquals(await Deno.readTextFile(`${s.root}/Project: 2024/notes.txt`), "n");
      // A mounted drive's save: LOCK, PUT under the lock, UNLOCK.
      const lock = await request(s.port, "LOCK", "/files/12%3A30%20notes.txt", [
        ["Content-Type", "application/xml"],
        ["Timeout", "Second-60"],
      ], LOCK_BODY);
      assertEquals(lock.status, 200);
      const token = lock.headers.find(([n]) => n.toLowerCase() === "lock-token")![1];
      const locked = await request(s.port, "PUT", "/files/12%3A30%20notes.txt", [
        ["If", `(${token})`],
      ], "saved under the lock");
      assertEquals(locked.status, 204);
      assertEquals(await Deno.readTextFile(`${s.root}/12:30 notes.txt`), "saved under the lock");
      // New names of the kind are still refused, in an existing folder of such a name too.
      for (
        const path of [
          "/files/new%3Aname.txt",
          "/files/con.txt",
          "/files/x.",
          "/files/Project%3A%202024/a%3Ab",
        ]
      ) {
        const refused = await request(s.port, "PUT", path, [], "x");
        assertEquals(refused.status, 400, path);
      }
    });
  },
});
