/**
 * `Repr-Digest` on downloads is computed once per file and ETag however many ask at once, and at
 * most MAX_HASHES_RUNNING files are hashed at a time: each request hashed the whole file itself
 * before, on the worker's thread (100 HEADs of a 200 MB file held it for seconds). Through the
 * real app, without sockets, in this isolate (whose counters the app's hashing shares).
 */

import { createHash } from "node:crypto";
import { join } from "node:path";
import { appConfig } from "../../src/app/app_config.ts";
import { createApp } from "../../src/app/routes.ts";
import { hashingSeen, MAX_HASHES_RUNNING } from "../../src/files/repr_digest.ts";
import { discardBody } from "../../src/http/discard_body.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { buildRequest, header } from "../support/request_builder.ts";

Deno.test("concurrent Want-Repr-Digest requests share one hash per file, a few files at a time", async () => {
  const root = await Deno.makeTempDir({ prefix: "wireserve-digest-" });
  try {
    const names = ["a", "b", "c", "d", "e"].map((n) => `${n}.bin`);
    const expected = new Map<string, string>();
    for (const [i, name] of names.entries()) {
      const bytes = new Uint8Array(3 * 1024 * 1024).fill(i + 1); // past the small-file cache
      await Deno.writeFile(join(root, name), bytes);
      expected.set(name, `sha-256=:${createHash("sha256").update(bytes).digest("base64")}:`);
    }
    const app = createApp(appConfig({ directory: root }));
    const ask = async (name: string, method: string) => {
      const res = await app(buildRequest({
        method,
        target: `/files/${name}`,
        headers: [["Host", "t"], ["Want-Repr-Digest", "sha-256=10"], ["Range", "bytes=0-0"]],
      }));
      await discardBody(res.body);
      return [name, header(res, "repr-digest")];
    };
    const before = hashingSeen.files;
    // 20 for the first file, 2 for each of the others, all at once.
    const asks = [
      ...Array.from({ length: 20 }, (_, i) => ask(names[0], i % 2 === 0 ? "GET" : "HEAD")),
      ...names.slice(1).flatMap((n) => [ask(n, "GET"), ask(n, "HEAD")]),
    ];
    for (const [name, digest] of await Promise.all(asks)) {
      assertEquals(digest, expected.get(name!), name);
    }
    assertEquals(hashingSeen.files - before, names.length, "one hash per file");
    assert(hashingSeen.mostAtOnce <= MAX_HASHES_RUNNING, `${hashingSeen.mostAtOnce} at once`);
    // Remembered: asking again hashes nothing.
    assertEquals((await ask(names[2], "HEAD"))[1], expected.get(names[2]));
    assertEquals(hashingSeen.files - before, names.length);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
