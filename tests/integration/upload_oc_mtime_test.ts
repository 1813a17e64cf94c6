/**
 * `X-OC-Mtime` over the real server: a PUT that carries it stores the file with that time, which
 * every read shows at once (the file on disk, `Last-Modified`, the ETag, PROPFIND's
 * `getlastmodified`, the JSON listing), and answers `X-OC-MTime: accepted`; a value that is not a
 * time is ignored and the upload stored as usual. Then rclone with `--webdav-vendor owncloud`,
 * which sends it on every upload: a second `copy` of an unchanged tree transfers nothing.
 */

import { MAX_OC_MTIME_SECONDS } from "../../src/uploads/oc_mtime.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { filesBelow, request, withUploadServer } from "./upload_fixture.ts";
import { installed, runClient, withDavServer } from "./webdav_process_fixture.ts";

/** 2001-02-03T04:05:06Z, in seconds. */
const OLD_SECONDS = 981_173_106;
const OLD_HTTP_DATE = "Sat, 03 Feb 2001 04:05:06 GMT";
const MS_PER_SECOND = 1000;

/** The modification time of `path`, in ms since the epoch. */
async function mtimeMs(path: string): Promise<number> {
  return (await Deno.stat(path)).mtime!.getTime();
}

Deno.test("a PUT with X-OC-Mtime stores that time, answers accepted, and every read shows it", async () => {
  await withUploadServer({ statCacheMs: 60_000 }, async (s) => {
    // Read first, so the read side holds facts for the name that the write must replace.
    assertEquals((await request(s.port, "GET", "/files/a.txt")).status, 404);
    const put = await request(
      s.port,
      "PUT",
      "/files/a.txt",
      [["X-OC-Mtime", `${OLD_SECONDS}`]],
      "a",
    );
    assertEquals([put.status, put.header("x-oc-mtime")], [201, "accepted"]);
    assertEquals(await mtimeMs(`${s.root}/a.txt`), OLD_SECONDS * MS_PER_SECOND);
    const got = await request(s.port, "GET", "/files/a.txt");
    assertEquals([got.status, got.text], [200, "a"]);
    assertEquals(got.header("last-modified"), OLD_HTTP_DATE);
    assertEquals(got.header("etag"), put.header("etag"));
    const dav = await request(s.port, "PROPFIND", "/files/a.txt", [["Depth", "0"]]);
    assertEquals(dav.status, 207);
    assert(dav.text.includes(`<D:getlastmodified>${OLD_HTTP_DATE}</D:getlastmodified>`), dav.text);
    const listing = await request(s.port, "GET", "/files/?format=json");
    const entry = JSON.parse(listing.text).entries.find((e: { name: string }) =>
      e.name === "a.txt"
    );
    assertEquals(entry.mtime, "2001-02-03T04:05:06.000Z");

    // A replacement keeps the time it is given too (204), with a fraction as ownCloud allows.
    const again = await request(
      s.port,
      "PUT",
      "/files/a.txt",
      [["X-OC-Mtime", `${OLD_SECONDS + 60}.5`]],
      "b",
    );
    assertEquals([again.status, again.header("x-oc-mtime")], [204, "accepted"]);
    assertEquals(await mtimeMs(`${s.root}/a.txt`), (OLD_SECONDS + 60) * MS_PER_SECOND + 500);
    const after = await request(s.port, "GET", "/files/a.txt");
    assertEquals(after.header("last-modified"), "Sat, 03 Feb 2001 04:06:06 GMT");
    assertEquals(after.header("etag"), again.header("etag"));
    assertEquals(await filesBelow(s.root), ["a.txt"]);
  });
});

Deno.test("a PUT with an X-OC-Mtime that is not a time stores the file and ignores the time", async () => {
  await withUploadServer({}, async (s) => {
    const bad = [
      "-5",
      "abc",
      "1e9",
      " ",
      "0x10",
      "1.",
      `${OLD_SECONDS}, ${OLD_SECONDS}`,
      "9".repeat(30),
      `${MAX_OC_MTIME_SECONDS + 1}`,
    ];
    for (const [i, value] of bad.entries()) {
      const before = Date.now();
      const put = await request(s.port, "PUT", `/files/f${i}.txt`, [["X-OC-Mtime", value]], "x");
      assertEquals([put.status, put.header("x-oc-mtime")], [201, undefined], value);
      assertEquals(await Deno.readTextFile(`${s.root}/f${i}.txt`), "x");
      // The upload's own time: not 1970, not 2001, not the far future.
      const stored = await mtimeMs(`${s.root}/f${i}.txt`);
      assert(stored >= before - 2 * MS_PER_SECOND && stored <= Date.now() + MS_PER_SECOND, value);
    }
    // The same server keeps a time that is one: the epoch itself.
    const epoch = await request(s.port, "PUT", "/files/epoch.txt", [["X-OC-Mtime", "0"]], "x");
    assertEquals([epoch.status, epoch.header("x-oc-mtime")], [201, "accepted"]);
    assertEquals(await mtimeMs(`${s.root}/epoch.txt`), 0);
  });
});

const HAS_RCLONE = await installed("rclone", ["version"]);

Deno.test({
  name: HAS_RCLONE
    ? "rclone --webdav-vendor owncloud: a second copy of an unchanged tree transfers nothing"
    : "rclone --webdav-vendor owncloud copies once (SKIPPED: rclone is not installed)",
  ignore: !HAS_RCLONE,
  fn: async () => {
    await withDavServer(["--allow-mkdir"], async (s) => {
      const work = await Deno.makeTempDir({ prefix: "wireserve-rclone-oc-" });
      try {
        await Deno.mkdir(`${work}/up/sub`, { recursive: true });
        await Deno.writeTextFile(`${work}/up/old.txt`, "old");
        await Deno.utime(`${work}/up/old.txt`, OLD_SECONDS, OLD_SECONDS);
        await Deno.writeTextFile(`${work}/up/sub/new.txt`, "new");
        await Deno.writeTextFile(`${work}/empty.conf`, "");
        const env = {
          RCLONE_CONFIG: `${work}/empty.conf`,
          RCLONE_CONFIG_OC_TYPE: "webdav",
          RCLONE_CONFIG_OC_URL: s.url,
          RCLONE_CONFIG_OC_VENDOR: "owncloud",
        };
        const copy = async () => {
          const r = await runClient("rclone", ["copy", "-v", `${work}/up`, "oc:t"], { env });
          assertEquals(r.code, 0, r.err);
          return r.err.split("\n").filter((line) => line.includes("Copied")).sort();
        };
        assertEquals((await copy()).length, 2);
        assertEquals(await mtimeMs(`${s.root}/t/old.txt`), OLD_SECONDS * MS_PER_SECOND);
        assertEquals(await copy(), []); // before X-OC-Mtime: "Copied (replaced existing)" twice
      } finally {
        await Deno.remove(work, { recursive: true });
      }
    });
  },
});
