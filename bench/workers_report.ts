/**
 * The workers benchmark's markdown report (issue 13): each comparison against its baseline with
 * medians over rounds, server CPU per request, memory per worker and per idle connection, and
 * one table saying which of the issue's targets hold.
 *
 * This module must not run anything: it formats what `workers_bench.ts` measured.
 * @module
 */

import { median, medianIndex } from "./rounds.ts";

const KIB_PER_MIB = 1024;

/** One server's figures from one run. */
export interface RunFigures {
  /** Throughput in the comparison's unit; null when the run failed. */
  value: number | null;
  /** wrk's p99 in ms; null for curl runs or an unusable distribution. */
  p99Ms: number | null;
  /** Server user + system CPU per request in µs; null when not measured. */
  cpuUsPerRequest: number | null;
}

/** One round of a comparison: both servers' runs, back to back. */
export interface PairRound {
  subject: RunFigures;
  baseline: RunFigures;
}

/** A comparison of wireserve against a baseline over several rounds. */
export interface PairOutcome {
  title: string;
  unit: "req/s" | "MB/s";
  subject: string;
  baseline: string;
  /** The issue's target: the median ratio must be at least this. */
  /** The floor; null for a reference row, shown but judged by no target. */
  minRatio: number | null;
  rounds: PairRound[];
  /** When set, server CPU per request must be at most this × the baseline's. */
  maxCpuRatio?: number;
  /** Whether wireserve's p99 here counts for the latency target. */
  p99Judged?: boolean;
}

/** Idle anonymous RSS of a fresh wireserve with `workers` workers, one figure per round. */
export interface WorkerMemory {
  workers: number;
  /** After a short keep-alive run and a rest: what the targets are judged on. */
  rssAnonKiB: number[];
  /** Right after start, before any request (optional: older callers leave it out). */
  coldKiB?: number[];
}

/** Anonymous RSS growth with idle keep-alive connections, one round. */
export interface IdleConnectionsRound {
  growthKiB: number;
  opened: number;
  heldByServer: number | null;
}

/** The ceilings the issue sets. */
export interface WorkersTargets {
  perWorkerMiB: number;
  idleConnectionsMiB: number;
  p99Ms: number;
}

/** Everything the report shows. */
export interface WorkersReport {
  date: Date;
  environment: string[];
  rounds: number;
  pairs: PairOutcome[];
  perWorker: WorkerMemory[];
  idleConnections: { workers: number; count: number; rounds: IdleConnectionsRound[] } | null;
  targets: WorkersTargets;
  commands: string[];
  warnings: string[];
}

/** A comparison's figures across rounds. */
export interface PairSummary {
  subject: ServerFigures;
  baseline: ServerFigures;
  /** Median of the per-round subject ÷ baseline throughput; null without a usable round. */
  ratio: number | null;
  ratioRange: { min: number; max: number } | null;
  /** Median of the per-round subject ÷ baseline CPU per request; null when unmeasured. */
  cpuRatio: number | null;
}

/** One server's medians over the rounds. */
export interface ServerFigures {
  value: number | null;
  /** p99 of the median round (by throughput). */
  p99Ms: number | null;
  cpuUsPerRequest: number | null;
}

/** Medians and ratios of one comparison; rounds with a failed run are left out of the ratios. */
export function summarizePair(rounds: readonly PairRound[]): PairSummary {
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (const r of rounds) {
    const a = r.subject;
    const b = r.baseline;
    if (a.value !== null && b.value !== null && b.value > 0) ratios.push(a.value / b.value);
    if (a.cpuUsPerRequest !== null && b.cpuUsPerRequest !== null && b.cpuUsPerRequest > 0) {
      cpuRatios.push(a.cpuUsPerRequest / b.cpuUsPerRequest);
    }
  }
  return {
    subject: summarizeServer(rounds.map((r) => r.subject)),
    baseline: summarizeServer(rounds.map((r) => r.baseline)),
    ratio: median(ratios),
    ratioRange: ratios.length === 0 ? null : { min: Math.min(...ratios), max: Math.max(...ratios) },
    cpuRatio: median(cpuRatios),
  };
}

function summarizeServer(runs: readonly RunFigures[]): ServerFigures {
  const ok = runs.filter((r) => r.value !== null);
  const mid = medianIndex(ok.map((r) => r.value!));
  const cpu = runs.map((r) => r.cpuUsPerRequest).filter((c): c is number => c !== null);
  return {
    value: median(ok.map((r) => r.value!)),
    p99Ms: mid === null ? null : ok[mid].p99Ms,
    cpuUsPerRequest: median(cpu),
  };
}

/**
 * Anonymous RSS each extra worker adds, from the medians: `fromTwo` is 2 workers − 1, `fromMost`
 * is (most − 1) ÷ (most − 1 workers), `twoToMost` is (most − 2) ÷ (most − 2 workers): a worker
 * added to a pool, without the step from 1 to 2 where the main thread stops serving and starts
 * coordinating; null when a count is missing.
 */
export function perWorkerGrowthMiB(
  perWorker: readonly WorkerMemory[],
): {
  fromTwo: number | null;
  fromMost: number | null;
  twoToMost: number | null;
  most: number | null;
} {
  const at = (n: number) => median(perWorker.find((w) => w.workers === n)?.rssAnonKiB ?? []);
  const one = at(1);
  const two = at(2);
  const most = Math.max(...perWorker.map((w) => w.workers));
  const atMost = most > 2 ? at(most) : null;
  return {
    fromTwo: one === null || two === null ? null : (two - one) / KIB_PER_MIB,
    fromMost: one === null || atMost === null ? null : (atMost - one) / KIB_PER_MIB / (most - 1),
    twoToMost: two === null || atMost === null ? null : (atMost - two) / KIB_PER_MIB / (most - 2),
    most: atMost === null ? null : most,
  };
}

/** Renders the whole report as markdown. */
export function renderWorkersReport(r: WorkersReport): string {
  const out = [`## Workers (issue 13) — ${r.date.toISOString()}`, ""];
  for (const e of r.environment) out.push(`- ${e}`);
  out.push("", ...pairTable(r), "");
  if (r.perWorker.length > 0 || r.idleConnections !== null) out.push(...memoryTable(r), "");
  out.push(...targetTable(r), "");
  if (r.warnings.length > 0) out.push("### Warnings", "", ...r.warnings.map((w) => `- ${w}`), "");
  out.push("<details><summary>Commands</summary>", "", "```", ...r.commands, "```", "");
  out.push("</details>", "");
  return out.join("\n");
}

function pairTable(r: WorkersReport): string[] {
  const rows = [
    "| scenario | wireserve | value | p99 | CPU/req | baseline | value | p99 | CPU/req | ratio | " +
    "ratio range |",
    "|---|---|--:|--:|--:|---|--:|--:|--:|--:|--:|",
  ];
  for (const p of r.pairs) {
    const s = summarizePair(p.rounds);
    rows.push(
      `| ${p.title} | ${p.subject} | ${amount(s.subject.value, p.unit)} | ${
        ms(s.subject.p99Ms)
      } | ` +
        `${us(s.subject.cpuUsPerRequest)} | ${p.baseline} | ${
          amount(s.baseline.value, p.unit)
        } | ` +
        `${ms(s.baseline.p99Ms)} | ${us(s.baseline.cpuUsPerRequest)} | ${ratio(s.ratio)} | ` +
        `${range(s)} |`,
    );
  }
  return [
    "### Throughput against baselines in the same run",
    "",
    ...rows,
    "",
    `${r.rounds} round(s) per row, the two servers back to back with the order alternating. ` +
    "value: each server's median (req/s from wrk, or MB/s over a batch of transfers at once); p99: " +
    "wrk's, from that server's median round; CPU/req: server user + system CPU over the run ÷ " +
    "responses, in µs (the whole process, all threads); ratio: median of the per-round " +
    "wireserve ÷ baseline throughput.",
  ];
}

function memoryTable(r: WorkersReport): string[] {
  const out = ["### Memory (anonymous RSS, `RssAnon` in /proc/<pid>/status)", ""];
  if (r.perWorker.length > 0) {
    out.push(
      "| workers | cold (median) | idle after use (median) | idle after use, per round |",
      "|--:|--:|--:|---|",
    );
    for (const w of r.perWorker) {
      const med = median(w.rssAnonKiB);
      const cold = median(w.coldKiB ?? []);
      out.push(
        `| ${w.workers} | ${cold === null ? "n/a" : mib(cold / KIB_PER_MIB)} | ` +
          `${med === null ? "n/a" : mib(med / KIB_PER_MIB)} | ` +
          `${w.rssAnonKiB.map((k) => (k / KIB_PER_MIB).toFixed(1)).join(", ")} |`,
      );
    }
    out.push(
      "",
      "Each a fresh server. cold: read once it answers its first probe; idle after use: after a " +
        "short keep-alive run and 12 s without a request (an isolate gives its grown heap back " +
        "after 10 s idle; what the target is judged on).",
      "",
    );
  }
  if (r.idleConnections !== null) {
    const c = r.idleConnections;
    const growth = c.rounds.map((x) => x.growthKiB / KIB_PER_MIB);
    const held = c.rounds.map((x) => `${x.heldByServer ?? "n/a"} of ${x.opened}`).join(", ");
    out.push(
      `${c.count.toLocaleString("en")} idle keep-alive connections to ${c.workers} workers: ` +
        `RssAnon growth ${growth.map((g) => `+${g.toFixed(1)}`).join(", ")} MiB per round ` +
        `(connections held by the server: ${held}).`,
    );
  }
  return out;
}

function targetTable(r: WorkersReport): string[] {
  const rows = ["| target (issue 13) | measured | result |", "|---|--:|:-:|"];
  const p99s: Array<{ title: string; p99: number | null }> = [];
  for (const p of r.pairs) {
    const s = summarizePair(p.rounds);
    const floor = p.minRatio;
    if (floor === null) {
      rows.push(`| ${p.title}: ${p.subject} vs ${p.baseline} | ${ratio(s.ratio)} | reference |`);
      continue;
    }
    rows.push(
      `| ${p.title}: ${p.subject} ≥ ${floor}× ${p.baseline} | ${ratio(s.ratio)} | ` +
        `${verdict(s.ratio, (v) => v >= floor)} |`,
    );
    if (p.maxCpuRatio !== undefined) {
      rows.push(
        `| ${p.title}: server CPU per request ≤ ${p.maxCpuRatio}× ${p.baseline} | ` +
          `${ratio(s.cpuRatio)} | ${verdict(s.cpuRatio, (v) => v <= p.maxCpuRatio!)} |`,
      );
    }
    if (p.p99Judged) p99s.push({ title: `${p.title}, ${p.subject}`, p99: s.subject.p99Ms });
  }
  const g = perWorkerGrowthMiB(r.perWorker);
  if (g.fromTwo !== null || g.fromMost !== null) {
    const worst = Math.max(...[g.fromTwo, g.fromMost].filter((v): v is number => v !== null));
    const parts = [`1→2: +${mibOrNa(g.fromTwo)}`];
    if (g.most !== null) {
      parts.push(`1→${g.most}: +${mibOrNa(g.fromMost)} each`);
      parts.push(`2→${g.most}: +${mibOrNa(g.twoToMost)} each (not judged)`);
    }
    rows.push(
      `| each extra worker ≤ +${r.targets.perWorkerMiB} MiB anonymous RSS idle | ` +
        `${parts.join("; ")} | ${verdict(worst, (v) => v <= r.targets.perWorkerMiB)} |`,
    );
  }
  if (r.idleConnections !== null) {
    const c = r.idleConnections;
    const growth = median(c.rounds.map((x) => x.growthKiB / KIB_PER_MIB));
    rows.push(
      `| ${c.count.toLocaleString("en")} idle keep-alive connections ≤ ` +
        `+${r.targets.idleConnectionsMiB} MiB over all ${c.workers} workers | ` +
        `+${mibOrNa(growth)} | ${verdict(growth, (v) => v <= r.targets.idleConnectionsMiB)} |`,
    );
  }
  for (const p of p99s) {
    rows.push(
      `| p99 at 64 connections ≤ ${r.targets.p99Ms} ms (${p.title}) | ${ms(p.p99)} | ` +
        `${verdict(p.p99, (v) => v <= r.targets.p99Ms)} |`,
    );
  }
  return ["### Issue 13 targets", "", ...rows];
}

function verdict(v: number | null, ok: (v: number) => boolean): string {
  return v === null ? "n/a" : ok(v) ? "PASS" : "FAIL";
}

function amount(v: number | null, unit: PairOutcome["unit"]): string {
  if (v === null) return "n/a";
  return unit === "req/s"
    ? `${Math.round(v).toLocaleString("en")} req/s`
    : `${(v / 1e6).toFixed(0)} MB/s`;
}

function ratio(v: number | null): string {
  return v === null ? "n/a" : `${v.toFixed(2)}×`;
}

function range(s: PairSummary): string {
  if (s.ratioRange === null) return "n/a";
  const lo = s.ratioRange.min.toFixed(2);
  const hi = s.ratioRange.max.toFixed(2);
  return lo === hi ? lo : `${lo}–${hi}`;
}

function ms(v: number | null): string {
  if (v === null) return "—";
  return `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
}

function us(v: number | null): string {
  return v === null ? "—" : `${v.toFixed(1)} µs`;
}

function mib(v: number): string {
  return `${v.toFixed(1)} MiB`;
}

function mibOrNa(v: number | null): string {
  return v === null ? "n/a" : mib(v);
}
