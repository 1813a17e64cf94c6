import { cpuPerRequest } from "./workers_load.ts";
import {
  type PairRound,
  perWorkerGrowthMiB,
  renderWorkersReport,
  summarizePair,
  type WorkersReport,
} from "./workers_report.ts";

function assertEquals(actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`Expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

function assert(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

function round(subject: number | null, baseline: number, cpu: [number, number]): PairRound {
  return {
    subject: {
      value: subject,
      p99Ms: subject === null ? null : subject / 10_000,
      cpuUsPerRequest: cpu[0],
    },
    baseline: { value: baseline, p99Ms: 1, cpuUsPerRequest: cpu[1] },
  };
}

Deno.test("summarizePair: median of per-round ratios, CPU ratio, p99 of the median round", () => {
  const s = summarizePair([
    round(90_000, 100_000, [9, 6]), // 0.9×, CPU 1.5×
    round(120_000, 100_000, [6, 6]), // 1.2×, CPU 1.0×
    round(100_000, 100_000, [7, 7]), // 1.0×, CPU 1.0×
  ]);
  assertEquals(s.ratio, 1.0);
  assertEquals(s.ratioRange, { min: 0.9, max: 1.2 });
  assertEquals(s.cpuRatio, 1.0);
  assertEquals(s.subject.value, 100_000);
  assertEquals(s.subject.p99Ms, 10); // from the 100,000 req/s round
  assertEquals(s.subject.cpuUsPerRequest, 7);
});

Deno.test("summarizePair leaves a failed run out of the ratios", () => {
  const s = summarizePair([round(null, 100_000, [1, 1]), round(80_000, 100_000, [1, 1])]);
  assertEquals(s.ratio, 0.8);
  assertEquals(s.subject.value, 80_000);
});

Deno.test("perWorkerGrowthMiB: 2 − 1 workers, (4 − 1) ÷ 3 and (4 − 2) ÷ 2 per extra worker", () => {
  const g = perWorkerGrowthMiB([
    { workers: 1, rssAnonKiB: [40 * 1024, 41 * 1024, 42 * 1024] },
    { workers: 2, rssAnonKiB: [51 * 1024] },
    { workers: 4, rssAnonKiB: [71 * 1024] },
  ]);
  assertEquals(g, { fromTwo: 10, fromMost: 10, twoToMost: 10, most: 4 });
  const pool = perWorkerGrowthMiB([
    { workers: 1, rssAnonKiB: [30 * 1024] },
    { workers: 2, rssAnonKiB: [60 * 1024] },
    { workers: 4, rssAnonKiB: [86 * 1024] },
  ]);
  assertEquals(pool, { fromTwo: 30, fromMost: 56 / 3, twoToMost: 13, most: 4 });
});

Deno.test("cpuPerRequest: ticks → µs over wrk's response count; null without a count", () => {
  const run = (requests: number) => ({
    command: [],
    output: "",
    result: { requestsPerSec: 1, p99Ms: 1, requests, socketErrors: null, non2xx: 0 },
  });
  // 150 ticks at 100 per second = 1.5 s of CPU over 100,000 responses = 15 µs each.
  assertEquals(cpuPerRequest(1_000, 1_150, run(100_000), 100), 15);
  assertEquals(cpuPerRequest(null, 1_150, run(100_000), 100), null);
  assertEquals(cpuPerRequest(1_000, 1_150, run(0), 100), null);
});

function report(over: Partial<WorkersReport>): string {
  return renderWorkersReport({
    date: new Date(0),
    environment: [],
    rounds: 3,
    pairs: [],
    perWorker: [],
    idleConnections: null,
    targets: { perWorkerMiB: 16, idleConnectionsMiB: 30, p99Ms: 5 },
    commands: [],
    warnings: [],
    ...over,
  });
}

Deno.test("targets table: ratio, CPU and p99 verdicts against the issue's numbers", () => {
  const text = report({
    pairs: [{
      title: "echo",
      unit: "req/s",
      subject: "wireserve",
      baseline: "Deno.serve",
      minRatio: 1.0,
      maxCpuRatio: 1.0,
      p99Judged: true,
      rounds: [round(95_000, 100_000, [12, 10]), round(99_000, 100_000, [10, 10])],
    }],
  });
  assert(text.includes("| echo: wireserve ≥ 1× Deno.serve | 0.97× | FAIL |"), text);
  assert(text.includes("| echo: server CPU per request ≤ 1× Deno.serve | 1.10× | FAIL |"), text);
  // The median of two rounds is the lower one: 95,000 req/s, p99 9.5 ms.
  assert(
    text.includes("| p99 at 64 connections ≤ 5 ms (echo, wireserve) | 9.50 ms | FAIL |"),
    text,
  );
});

Deno.test("targets table: memory per worker and idle connections pass under the ceilings", () => {
  const text = report({
    perWorker: [
      { workers: 1, rssAnonKiB: [40 * 1024], coldKiB: [30 * 1024] },
      { workers: 2, rssAnonKiB: [52 * 1024] },
      { workers: 4, rssAnonKiB: [76 * 1024] },
    ],
    idleConnections: {
      workers: 2,
      count: 1000,
      rounds: [{ growthKiB: 20 * 1024, opened: 1000, heldByServer: 1000 }],
    },
  });
  assert(
    text.includes(
      "| 1→2: +12.0 MiB; 1→4: +12.0 MiB each; 2→4: +12.0 MiB each (not judged) | PASS |",
    ),
    `per-worker row missing:\n${text}`,
  );
  assert(text.includes("over all 2 workers | +20.0 MiB | PASS |"), text);
  // Cold and after-use figures side by side; a count read only after use shows n/a when cold.
  assert(text.includes("| 1 | 30.0 MiB | 40.0 MiB | 40.0 |"), text);
  assert(text.includes("| 2 | n/a | 52.0 MiB | 52.0 |"), text);
});
