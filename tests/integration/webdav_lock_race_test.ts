/**
 * A lock taken while a plain PUT's body is still arriving stops that PUT (RFC 4918 §7: a write
 * lock keeps every PUT without its token from succeeding): the write guard is asked again before
 * the file shows under its name, as a form's and a resumable upload's publish ask it. A probe
 * found the PUT answered 204 and replaced what the lock holder had written meanwhile.
 * With `WIRESERVE_TEST_WORKERS=2` the PUT and the LOCK may be on different workers.
 * @module
 */

import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";
import { dav, withShare } from "./webdav_share_fixture.ts";

const LOCKINFO = '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope>' +
  "<D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>";

Deno.test("a PUT whose body was still arriving when the file was locked answers 423", async () => {
  await withShare({}, async (s, root, base) => {
    await Deno.writeTextFile(`${root}/race.txt`, "original");
    const slow = await RawClient.connect(s.port);
    try {
      const length = 20_000;
      await slow.send(
        `PUT /files/race.txt HTTP/1.1\r\nHost: t\r\nContent-Length: ${length}\r\n\r\n` +
          "S".repeat(length / 2),
      );
      const locked = await dav(`${base}/files/race.txt`, "LOCK", { Depth: "0" }, LOCKINFO);
      assertEquals(locked.status, 200);
      const token = locked.headers.get("lock-token")!;
      const edit = await dav(`${base}/files/race.txt`, "PUT", { If: `(${token})` }, "the edit");
      assertEquals(edit.status, 204);
      await slow.send("S".repeat(length / 2));
      const answer = await slow.readResponse();
      assertEquals(answer?.status, 423);
      assertEquals(await Deno.readTextFile(`${root}/race.txt`), "the edit");
      // No temp file of the refused PUT is left beside it.
      const names = [];
      for await (const e of Deno.readDir(root)) names.push(e.name);
      assert(names.every((n) => n === "race.txt" || n.startsWith(".wireserve")), names.join());
    } finally {
      slow.close();
    }
  });
});
