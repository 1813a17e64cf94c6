/**
 * No lost update under concurrency: PUTs racing on one file, each with `If-Match` carrying the
 * file's current tag, must let exactly one through (RFC 9110 §13.1.1: after the first replace the
 * old tag no longer matches). With `WIRESERVE_TEST_WORKERS=2` the racers land on several
 * isolates, which only a lock the kernel holds (`src/uploads/guarded_publish.ts`) orders.
 */

import { withUploadServer } from "./upload_fixture.ts";
import { assertEquals } from "../support/assert.ts";

/** Racers per round and rounds: unguarded, 2 racers already both won in 13 of 20 rounds. */
const RACERS = 6;
const ROUNDS = 20;
const BODY_BYTES = 64 * 1024;

Deno.test("PUTs racing with one If-Match tag: exactly one replaces the file, the rest get 412", async () => {
  await withUploadServer({}, async (s) => {
    const url = s.url("/files/race.bin");
    const bodies = Array.from(
      { length: RACERS },
      (_, i) => new Uint8Array(BODY_BYTES).fill(65 + i),
    );
    for (let round = 0; round < ROUNDS; round++) {
      const seeded = await fetch(url, { method: "PUT", body: `seed ${round}` });
      await seeded.body?.cancel();
      const tag = seeded.headers.get("etag")!;
      const answers = await Promise.all(bodies.map(async (body) => {
        const res = await fetch(url, { method: "PUT", body, headers: { "If-Match": tag } });
        await res.body?.cancel();
        return res.status;
      }));
      const winners = answers.flatMap((status, i) => status === 204 ? [i] : []);
      assertEquals(winners.length, 1, `round ${round}: ${answers.join(" ")}`);
      assertEquals(answers.filter((status) => status === 412).length, RACERS - 1, `round ${round}`);
      const stored = await Deno.readFile(`${s.root}/race.bin`);
      assertEquals(stored, bodies[winners[0]], `round ${round}: the winner's bytes`);
    }
  });
});

Deno.test("PUTs racing with a condition true for every file all replace it: none gets 412", async () => {
  // Each winner replaces the file the others wait to lock, so they look again; however often
  // that happens, a condition that holds for whatever file is there must not turn into a 412.
  await withUploadServer({}, async (s) => {
    const url = s.url("/files/storm.txt");
    const seeded = await fetch(url, { method: "PUT", body: "seed" });
    await seeded.body?.cancel();
    const answers = await Promise.all(Array.from({ length: 100 }, async (_, i) => {
      const res = await fetch(url, {
        method: "PUT",
        body: `writer ${i}`,
        headers: { "If-Unmodified-Since": "Fri, 01 Jan 2100 00:00:00 GMT" },
      });
      await res.body?.cancel();
      return res.status;
    }));
    assertEquals(answers.filter((status) => status !== 204), []);
  });
});
