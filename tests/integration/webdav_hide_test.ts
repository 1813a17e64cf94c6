/**
 * A folder-only `--hide` pattern (`private/`) hides folders of that name, never a file of it: WebDAV
 * treats such a file as the listing and GET do. It was missing to PROPFIND Depth 0, COPY, MOVE,
 * LOCK and PROPPATCH (their lookup applied the pattern without saying it was a file), while GET,
 * the listing, PUT and DELETE saw it.
 * @module
 */

import { assertEquals } from "../support/assert.ts";
import { dav, withShare } from "./webdav_share_fixture.ts";

const PROPPATCH = '<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop>' +
  '<x xmlns="urn:t">v</x></D:prop></D:set></D:propertyupdate>';

Deno.test("a file named like a folder-only --hide pattern is an ordinary WebDAV resource", async () => {
  await withShare({ hide: ["private/"], allowDelete: true }, async (_s, root, base) => {
    await Deno.mkdir(`${root}/pub/private`, { recursive: true }); // a folder: hidden
    await Deno.mkdir(`${root}/other`);
    await Deno.writeTextFile(`${root}/other/private`, "a file called private\n");
    const file = `${base}/files/other/private`;
    assertEquals((await dav(file, "GET")).status, 200);
    assertEquals((await dav(file, "PROPFIND", { Depth: "0" })).status, 207);
    assertEquals((await dav(file, "PROPPATCH", {}, PROPPATCH)).status, 207);
    const locked = await dav(
      file,
      "LOCK",
      { Depth: "0" },
      '<?xml version="1.0"?>' +
        '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope>' +
        "<D:locktype><D:write/></D:locktype></D:lockinfo>",
    );
    assertEquals(locked.status, 200);
    const token = locked.headers.get("lock-token")!;
    assertEquals((await dav(file, "UNLOCK", { "Lock-Token": token })).status, 204);
    assertEquals(
      (await dav(file, "COPY", { Destination: `${base}/files/other/copy.txt` })).status,
      201,
    );
    // The folder of that name stays hidden, to WebDAV as to GET.
    assertEquals((await dav(`${base}/files/pub/private/`, "PROPFIND", { Depth: "0" })).status, 404);
    assertEquals((await dav(`${base}/files/pub/private/`, "GET")).status, 404);
    assertEquals(
      (await dav(file, "MOVE", { Destination: `${base}/files/other/moved.txt` })).status,
      201,
    );
  });
});
