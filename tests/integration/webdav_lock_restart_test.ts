/**
 * WebDAV locks survive a restart of the real program: a client (davfs2) goes on using the token
 * it got before, and with the table emptied its save was refused (412) and its edit moved to
 * `lost+found`. Each case runs with one worker (the main thread serves) and with a pool (the main
 * thread hosts the table, the workers serve): the two build the lock service differently.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { spawnWireserve } from "../support/wireserve_process.ts";
import { dav } from "./webdav_share_fixture.ts";

const EXCLUSIVE_LOCK = '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:">' +
  "<D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>" +
  "<D:owner><D:href>ann</D:href></D:owner></D:lockinfo>";

/** Runs wireserve over `root` until `fn` is done, then stops it with SIGTERM; its stderr. */
async function serving(
  root: string,
  workers: string,
  fn: (files: string) => Promise<void>,
): Promise<string> {
  const p = spawnWireserve([root, "--port", "0", "--log", "off", "--workers", workers]);
  try {
    await fn(`http://127.0.0.1:${await p.port()}/files`);
  } finally {
    p.child.kill("SIGTERM");
    await p.exit();
  }
  return p.stderr();
}

for (const workers of ["1", "2"]) {
  Deno.test(`a lock taken before a restart still holds after it (--workers ${workers})`, async () => {
    const root = await Deno.makeTempDir({ prefix: "wireserve-lock-restart-" });
    try {
      await Deno.writeTextFile(`${root}/doc.txt`, "old text");
      let token = "";
      await serving(root, workers, async (files) => {
        const locked = await dav(`${files}/doc.txt`, "LOCK", {
          "Depth": "0",
          "Timeout": "Second-3600",
          "Content-Type": "application/xml",
        }, EXCLUSIVE_LOCK);
        assertEquals(locked.status, 200);
        token = locked.headers.get("lock-token") ?? "";
        assert(token.startsWith("<urn:uuid:"), token);
      });
      const stderr = await serving(root, workers, async (files) => {
        // Without the token the file is still locked…
        const refused = await dav(`${files}/doc.txt`, "PUT", {}, "someone else");
        assertEquals(refused.status, 423);
        // …and the holder's save with the old token goes through (was 412: no such lock).
        const saved = await dav(`${files}/doc.txt`, "PUT", { "If": `(${token})` }, "new text");
        assert(saved.status >= 200 && saved.status < 300, `PUT with the token: ${saved.status}`);
        const found = await dav(`${files}/doc.txt`, "PROPFIND", { "Depth": "0" });
        assert(found.text.includes(`<href xmlns="DAV:">ann</href>`), found.text); // the owner is kept
        const unlocked = await dav(`${files}/doc.txt`, "UNLOCK", { "Lock-Token": token });
        assertEquals(unlocked.status, 204);
      });
      assertEquals(await Deno.readTextFile(`${root}/doc.txt`), "new text");
      assert(!stderr.includes("warning"), stderr);
      // The UNLOCK was saved too: after the next restart anyone may write.
      await serving(root, workers, async (files) => {
        const free = await dav(`${files}/doc.txt`, "PUT", {}, "anyone");
        assert(free.status >= 200 && free.status < 300, `PUT after UNLOCK: ${free.status}`);
      });
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  });
}
