/**
 * The stall watch's rounds without workers: who is pinged, when a silent worker is reported, and
 * that it is reported once per stall and again when it answers.
 */

import { assertEquals } from "../support/assert.ts";
import { freshWatch, heardFrom, type Watched, watchRound } from "../../src/workers/stall_watch.ts";

const STALLED_MS = 10_000;

function watched(index: number, listening = true): Watched & { pings: number } {
  const w = {
    index,
    ...freshWatch(),
    listening,
    heardAt: 0,
    pings: 0,
    ping: () => w.pings++,
  };
  return w;
}

Deno.test("a listening worker is pinged once per answer, a starting one not at all", () => {
  const a = watched(0);
  const starting = watched(1, false);
  const lines: string[] = [];
  watchRound([a, starting], 1000, STALLED_MS, (l) => lines.push(l));
  watchRound([a, starting], 2000, STALLED_MS, (l) => lines.push(l));
  assertEquals([a.pings, starting.pings], [1, 0], "no second ping while the first is unanswered");
  heardFrom(a, (l) => lines.push(l));
  watchRound([a, starting], 3000, STALLED_MS, (l) => lines.push(l));
  assertEquals(a.pings, 2);
  assertEquals(lines, []);
});

Deno.test("a worker silent past the limit is reported once, and again when it answers", () => {
  const a = watched(1);
  const lines: string[] = [];
  watchRound([a], 0, STALLED_MS, (l) => lines.push(l));
  watchRound([a], STALLED_MS - 1, STALLED_MS, (l) => lines.push(l));
  assertEquals(lines, [], "not before the limit");
  watchRound([a], STALLED_MS, STALLED_MS, (l) => lines.push(l));
  watchRound([a], STALLED_MS + 5000, STALLED_MS, (l) => lines.push(l));
  assertEquals(lines.length, 1, lines.join("\n"));
  assertEquals(lines[0].startsWith("wireserve: worker 2 has not answered for 10 s"), true);
  heardFrom(a, (l) => lines.push(l));
  assertEquals(lines.length, 2);
  assertEquals(/^wireserve: worker 2 answers again after \d+ s$/.test(lines[1]), true, lines[1]);
  heardFrom(a, (l) => lines.push(l));
  assertEquals(lines.length, 2, "said once");
});

Deno.test("a worker that was not pinged is not reported however long it was quiet", () => {
  // A worker that has just started listening was never asked: its silence means nothing yet.
  const a = watched(0);
  const lines: string[] = [];
  watchRound([a], 60_000, STALLED_MS, (l) => lines.push(l));
  assertEquals([lines.length, a.pings], [0, 1]);
});
