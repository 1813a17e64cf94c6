import { median, medianIndex, pairOrder, type Round, summarizeRounds } from "./rounds.ts";
import type { WrkRun } from "./wrk.ts";

function assertEquals(actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`Expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

function run(requestsPerSec: number | null, p99Ms: number | null = null): WrkRun {
  const result = requestsPerSec === null
    ? null
    : { requestsPerSec, p99Ms, requests: 0, socketErrors: null, non2xx: 0 };
  return { command: [], output: "", result };
}

function round(subject: number | null, baseline: number | null, p99s = [0, 0]): Round {
  return { subject: run(subject, p99s[0]), baseline: run(baseline, p99s[1]) };
}

Deno.test("pairOrder puts the subject first in odd rounds and the baseline first in even ones", () => {
  assertEquals([0, 1, 2, 3].map(pairOrder), [[0, 1], [1, 0], [0, 1], [1, 0]]);
});

Deno.test("median sorts before picking, and averages the middle two for an even count", () => {
  assertEquals(median([3, 1, 2]), 2);
  assertEquals(median([4, 1, 3, 2]), 2.5);
  assertEquals(median([7]), 7);
  assertEquals(median([]), null);
});

Deno.test("medianIndex points at the median round, the lower middle one for an even count", () => {
  assertEquals(medianIndex([300, 100, 200]), 2);
  assertEquals(medianIndex([400, 100, 300, 200]), 3);
  assertEquals(medianIndex([]), null);
});

Deno.test("summarizeRounds takes the median of per-round ratios, not the ratio of medians", () => {
  // Per-round ratios 1, 2.5, 0.5 → median 1; the medians would give 200 ÷ 120 ≈ 1.67.
  const sum = summarizeRounds([
    round(100, 100, [1, 10]),
    round(300, 120, [3, 20]),
    round(200, 400, [2, 30]),
  ]);
  assertEquals(sum.ratios, [1, 2.5, 0.5]);
  assertEquals(sum.ratio, 1);
  assertEquals(sum.ratioRange, { min: 0.5, max: 2.5 });
  assertEquals(sum.subject, { requestsPerSec: 200, p99Ms: 2 });
  assertEquals(sum.baseline, { requestsPerSec: 120, p99Ms: 20 });
});

Deno.test("summarizeRounds leaves out rounds wrk did not report on", () => {
  const sum = summarizeRounds([round(50, 100), round(null, 100), round(100, 100)]);
  assertEquals(sum.ratios, [0.5, 1]);
  assertEquals(sum.ratio, 0.75);
  assertEquals(sum.subject.requestsPerSec, 75);
  assertEquals(sum.baseline.requestsPerSec, 100);
});

Deno.test("summarizeRounds has no ratio when no round has both numbers", () => {
  const sum = summarizeRounds([round(null, 100), round(100, 0)]);
  assertEquals(sum.ratio, null);
  assertEquals(sum.ratioRange, null);
});
