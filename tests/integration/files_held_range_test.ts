/**
 * Short ranges of a large file over real TCP with curl, read from a descriptor the server keeps
 * open (src/files/held_files.ts): right bytes and validators, an edit in place seen at once even
 * while the facts are cached, an upload's replacement seen at once, and the descriptor closed
 * when the server shuts down.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { curl, startFilesServer } from "./files_fixture.ts";
import { CAN_COUNT_FDS, openFdsTo } from "../support/open_fds.ts";
import { HeldFiles } from "../../src/files/held_files.ts";
import { testWorkers } from "../support/app_server.ts";

const SIZE = 300 * 1024;

function bytesOf(seed: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length: SIZE }, (_, i) => (i * 13 + seed) & 0xff);
}

Deno.test({
  name:
    "a short range of a large file is read from a held descriptor that never serves stale bytes",
  ignore: !HeldFiles.supported,
  fn: async () => {
    // Facts trusted for a minute: only the held descriptor's own check can see an edit in place.
    const fs = await startFilesServer({ statCacheMs: 60_000 });
    const path = `${fs.tree.root}/big.bin`;
    let closed = false;
    try {
      await Deno.writeFile(path, bytesOf(1));
      const url = fs.url("/files/big.bin");
      const first = await curl(["-r", "1000-2023", url]);
      assertEquals([first.status, first.headers.get("content-range")], [
        206,
        `bytes 1000-2023/${SIZE}`,
      ]);
      assertEquals(first.body, bytesOf(1).subarray(1000, 2024));
      const second = await curl(["-r", `${SIZE - 5}-`, url]);
      assertEquals(second.body, bytesOf(1).subarray(SIZE - 5));
      assertEquals(second.headers.get("etag"), first.headers.get("etag"));
      if (CAN_COUNT_FDS) {
        // One per worker that served a range (each worker holds its own).
        const held = await openFdsTo(path);
        assert(held >= 1 && held <= testWorkers(), `${held} held between requests`);
      }

      // Edited in place by another program: new bytes, new validators, at once.
      const file = await Deno.open(path, { write: true });
      await file.write(bytesOf(2).subarray(0, 4096));
      file.close();
      await Deno.utime(path, new Date(), new Date(Date.now() - 120_000));
      const edited = await curl(["-r", "1000-2023", url]);
      assertEquals(edited.status, 206);
      assertEquals(edited.body, bytesOf(2).subarray(1000, 2024), "the edit is served");
      assert(edited.headers.get("etag") !== first.headers.get("etag"), "with its own ETag");

      // Replaced by an upload (a new file renamed over the name): the new bytes at once.
      const upload = await fetch(url, { method: "PUT", body: bytesOf(3) });
      await upload.body?.cancel();
      assert(upload.ok, `PUT ${upload.status}`);
      const replaced = await curl(["-r", "1000-2023", url]);
      assertEquals(replaced.body, bytesOf(3).subarray(1000, 2024), "the upload is served");

      await fs.srv.close();
      closed = true;
      if (CAN_COUNT_FDS) assertEquals(await openFdsTo(path), 0, "closed at shutdown");
    } finally {
      if (closed) await Deno.remove(fs.tree.base, { recursive: true });
      else await fs.close();
    }
  },
});

Deno.test({
  name: "a --www site's large files are held for short ranges too, and closed at shutdown",
  ignore: !HeldFiles.supported,
  fn: async () => {
    const fs = await startFilesServer({ statCacheMs: 60_000 });
    const path = `${fs.tree.www}/video.bin`;
    let closed = false;
    try {
      await Deno.writeFile(path, bytesOf(5));
      const ranged = await curl(["-r", "5000-6023", fs.url("/video.bin")]);
      assertEquals([ranged.status, ranged.body], [206, bytesOf(5).subarray(5000, 6024)]);
      if (CAN_COUNT_FDS) {
        const held = await openFdsTo(path);
        assert(held >= 1 && held <= testWorkers(), `${held} held between requests`);
      }
      await fs.srv.close();
      closed = true;
      if (CAN_COUNT_FDS) assertEquals(await openFdsTo(path), 0, "closed at shutdown");
    } finally {
      if (closed) await Deno.remove(fs.tree.base, { recursive: true });
      else await fs.close();
    }
  },
});
