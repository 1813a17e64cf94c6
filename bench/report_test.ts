import { renderReport, type ReportInput } from "./report.ts";
import { SCENARIOS } from "./scenarios.ts";
import type { WrkRun } from "./wrk.ts";

function assert(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

function run(requestsPerSec: number, p99Ms: number): WrkRun {
  return {
    command: [],
    output: "",
    result: { requestsPerSec, p99Ms, requests: 0, socketErrors: null, non2xx: 0 },
  };
}

const KEEPALIVE = SCENARIOS.find((s) => s.name === "keepalive")!;

function report(rounds: ReportInput["scenarios"][number]["rounds"]): string {
  return renderReport({
    subjectName: "wireserve",
    baselineName: "Deno.serve",
    date: new Date(0),
    commandLine: "bench/run.ts",
    rounds: rounds.length,
    environment: [],
    page: [],
    scenarios: [{ scenario: KEEPALIVE, rounds }],
    memory: [],
    commands: [],
    warnings: [],
  });
}

Deno.test("throughput row shows medians, the median round's p99 and the ratio range", () => {
  // Ratios 0.74, 0.86, 0.81: median 0.81 passes the 0.8 floor though one round is below it.
  const text = report([
    { subject: run(74_000, 3), baseline: run(100_000, 4) },
    { subject: run(86_000, 5), baseline: run(100_000, 4) },
    { subject: run(81_000, 7), baseline: run(100_000, 4) },
  ]);
  const row = `| ${KEEPALIVE.title} | 81,000 | 7.00 ms | 100,000 | 4.00 ms | 0.81× | 0.74–0.86 | ` +
    "≥ 0.8× | PASS |";
  assert(text.includes(row), `row missing:\n${row}\nin:\n${text}`);
  assert(text.includes("3 rounds per scenario"), "header does not give the rounds");
});

Deno.test("throughput verdict fails when the median ratio is under the floor", () => {
  const text = report([
    { subject: run(90_000, 1), baseline: run(100_000, 1) },
    { subject: run(70_000, 1), baseline: run(100_000, 1) },
    { subject: run(75_000, 1), baseline: run(100_000, 1) },
  ]);
  assert(/\| 0\.75× \| 0\.70–0\.90 \| ≥ 0\.8× \| FAIL \|/.test(text), text);
});
