/**
 * What locks can put into answers, over the wire: a shared LOCK past the cap of one resource is
 * refused with 503, and the PROPFIND answers of the locked folder stay small (an attack probe
 * took 10,000 shared locks with 4 KB owners on one folder, and each PROPFIND of it was 43 MB).
 * With `WIRESERVE_TEST_WORKERS=2` the LOCKs land on both workers and the cap is still the
 * server's.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { MAX_SHARED_LOCKS_PER_RESOURCE } from "../../src/webdav/lock_table.ts";
import { dav, withShare } from "./webdav_share_fixture.ts";

const OWNER = `<D:owner><D:href>${"o".repeat(4000)}</D:href></D:owner>`;
const SHARED_LOCK = '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:">' +
  "<D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype>" +
  `${OWNER}</D:lockinfo>`;
const LOCK_FIELDS = { "Depth": "0", "Timeout": "Infinite", "Content-Type": "application/xml" };

Deno.test("a shared LOCK past the cap answers 503 and PROPFIND of the folder stays small", async () => {
  await withShare({}, async (_s, root, base) => {
    await Deno.mkdir(`${root}/lk`);
    await Deno.writeTextFile(`${root}/lk/member.txt`, "x");
    for (let i = 0; i < MAX_SHARED_LOCKS_PER_RESOURCE; i++) {
      const res = await dav(`${base}/files/lk/`, "LOCK", LOCK_FIELDS, SHARED_LOCK);
      assertEquals(res.status, 200, `lock ${i}`);
    }
    const past = await dav(`${base}/files/lk/`, "LOCK", LOCK_FIELDS, SHARED_LOCK);
    assertEquals(past.status, 503);
    for (const depth of ["0", "1"]) {
      const found = await dav(`${base}/files/lk/`, "PROPFIND", { Depth: depth });
      assertEquals(found.status, 207, `Depth ${depth}`);
      const listed = found.text.split("<D:activelock>").length - 1;
      assertEquals(listed, MAX_SHARED_LOCKS_PER_RESOURCE, `Depth ${depth}: the folder's locks`);
      assert(found.text.length < 100_000, `Depth ${depth}: ${found.text.length} bytes`);
    }
    assertEquals(await fetch(`${base}/echo/still-here`).then((r) => r.text()), "still-here");
  });
});
