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
import { spawnWireserve, withoutReadOverride } from "../support/wireserve_process.ts";

const WRAPPER = await withoutReadOverride();

Deno.test({
  name: "DELETE of a folder the server may not read answers 403 alone and removes nothing" +
    (WRAPPER === null
      ? " (skipped: running as root without setpriv to drop its read override)"
      : ""),
  ignore: WRAPPER === null || Deno.build.os === "windows",
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "wireserve-delete-unreadable-" });
    await Deno.chmod(root, 0o755);
    await Deno.mkdir(join(root, "locked"));
    await Deno.writeTextFile(join(root, "locked/keep.txt"), "kept\n");
    await Deno.chmod(join(root, "locked"), 0o000);
    const p = spawnWireserve([root, "--port", "0", "--log", "off", "--quiet", "--allow-delete"], {
      wrapper: WRAPPER!,
    });
    try {
      const base = `http://127.0.0.1:${await p.port()}`;
      for (const path of ["/files/locked/", "/files/locked"]) {
        const res = await fetch(`${base}${path}`, { method: "DELETE" });
        const text = await res.text();
        assertEquals(res.status, 403, `${path}: ${text}`);
        assert(!text.includes("multistatus"), text);
      }
    } finally {
      p.child.kill("SIGTERM");
      await p.exit();
      await Deno.chmod(join(root, "locked"), 0o755);
      assertEquals(await Deno.readTextFile(join(root, "locked/keep.txt")), "kept\n");
      await Deno.remove(root, { recursive: true });
    }
  },
});
