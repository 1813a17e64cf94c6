/**
 * `--hide` holds for writes by the real path a name would be made at: a folder reached through a
 * link (`alias -> docs`, `loop -> .`) does not make its private names writable. A probe made
 * `docs/secret.txt` with `PUT /files/alias/secret.txt` (and by MKCOL, COPY, the mkdir form, tus,
 * the draft, LOCK), and learned from the 201 that the name did not exist yet.
 * With `WIRESERVE_TEST_WORKERS=2` the requests land on both workers.
 * @module
 */

import { assertEquals } from "../support/assert.ts";
import { dav, withShare } from "./webdav_share_fixture.ts";

Deno.test({
  name: "writes through a link to a folder cannot make a --hide path",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const config = {
      hide: ["docs/secret.txt", "/top.txt", "docs/privdir"],
      allowMkdir: true,
      allowDelete: true,
    };
    await withShare(config, async (_s, root, base) => {
      await Deno.mkdir(`${root}/docs`);
      await Deno.writeTextFile(`${root}/docs/public.txt`, "p\n");
      await Deno.symlink(`${root}/docs`, `${root}/alias`);
      await Deno.symlink(root, `${root}/loop`);
      const files = `${base}/files`;
      const lockinfo = '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope>' +
        "<D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>";
      const attempts: Array<[string, string, Record<string, string>, string | undefined]> = [
        ["PUT", "/alias/secret.txt", {}, "x"],
        ["PUT", "/loop/top.txt", {}, "x"],
        ["MKCOL", "/alias/privdir/", {}, undefined],
        ["COPY", "/docs/public.txt", { Destination: `${files}/loop/top.txt` }, undefined],
        ["LOCK", "/loop/top.txt", { Depth: "0" }, lockinfo],
        ["PUT", "/alias/secret.txt", { "Upload-Complete": "?1" }, "x"],
        [
          "POST",
          "/alias/",
          { "Content-Type": "application/x-www-form-urlencoded" },
          "mkdir=privdir",
        ],
      ];
      for (const [method, path, headers, body] of attempts) {
        const res = await dav(`${files}${path}`, method, headers, body);
        assertEquals(res.status, 404, `${method} ${path}`);
      }
      const made = [...Deno.readDirSync(`${root}/docs`)].map((e) => e.name).sort();
      assertEquals(made, ["public.txt"]);
      assertEquals([...Deno.readDirSync(root)].some((e) => e.name === "top.txt"), false);
      // A name that is not private is written through the link as ever.
      assertEquals((await dav(`${files}/alias/fine.txt`, "PUT", {}, "ok")).status, 201);
    });
  },
});
