/**
 * The probe that found the server writing and deleting outside its root, run against the real
 * program: the server's state folders inside the share (`.wireserve-dav` in any folder, the root's
 * holding the lock table, and `.wireserve-uploads`) made symlinks to a folder outside by someone
 * who writes in the share. Nothing is created, written or removed there; what cannot be done
 * without it answers 500 and says why on stderr, with the path (docs/webdav.md, docs/resumable.md).
 * @module
 */

import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { spawnWireserve } from "../support/wireserve_process.ts";

const PROPPATCH = '<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop>' +
  '<x xmlns="urn:x">1</x></D:prop></D:set></D:propertyupdate>';
const LOCK = '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/>' +
  "</D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>";

/** The names in `dir`, sorted. */
function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test({
  name:
    "state folders that are links out of the share: nothing written or deleted there, 500s told",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const base = await Deno.makeTempDir({ prefix: "wireserve-state-links-" });
    const share = join(base, "share");
    const x = join(base, "X");
    await Deno.mkdir(join(share, "sub"), { recursive: true });
    await Deno.mkdir(x);
    await Deno.writeTextFile(join(x, "p-victim"), "precious\n");
    await Deno.writeTextFile(join(share, "sub/victim"), "v\n");
    await Deno.writeTextFile(join(share, "sub/g.txt"), "g\n");
    await Deno.writeTextFile(join(share, "top.txt"), "t\n");
    await Deno.symlink(x, join(share, "sub/.wireserve-dav"));
    await Deno.symlink(x, join(share, ".wireserve-dav"));
    const p = spawnWireserve([share, "--port", "0", "--log", "off", "--quiet", "--allow-delete"]);
    try {
      const base = `http://127.0.0.1:${await p.port()}/files`;
      // A link at the uploads' state folder is refused at start (tests/cli/main_test.ts); one put
      // there while the server runs is met where it is used.
      await Deno.symlink(x, join(share, ".wireserve-uploads"));
      const call = async (method: string, path: string, body?: string, headers = {}) => {
        const res = await fetch(`${base}${path}`, { method, body, headers });
        await res.body?.cancel();
        return res.status;
      };
      assertEquals(await call("DELETE", "/sub/victim"), 204);
      assertEquals(await call("PROPPATCH", "/sub/g.txt", PROPPATCH), 500);
      assertEquals(await call("PROPPATCH", "/sub/", PROPPATCH), 500);
      assertEquals(await call("LOCK", "/top.txt", LOCK), 200, "the lock holds, in memory");
      const tus = {
        "Tus-Resumable": "1.0.0",
        "Upload-Length": "4",
        "Upload-Metadata": `filename ${btoa("new.txt")}`,
      };
      assertEquals(await call("POST", "/", undefined, tus), 500);
      assertEquals(names(x), ["p-victim"], "nothing created or removed outside the share");
      assertEquals(await Deno.readTextFile(join(x, "p-victim")), "precious\n");
      const told = [
        `Refusing to use "${join(share, "sub/.wireserve-dav")}"`,
        `Refusing to use "${join(share, ".wireserve-uploads")}"`,
        "saving the WebDAV locks",
      ];
      // The lines go out as they are written: give stderr a moment to arrive.
      for (let i = 0; i < 100 && !told.every((t) => p.stderr().includes(t)); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const err = p.stderr();
      for (const t of told) assert(err.includes(t), err);
    } finally {
      p.child.kill("SIGTERM");
      await p.exit();
      await Deno.remove(base, { recursive: true });
    }
  },
});
