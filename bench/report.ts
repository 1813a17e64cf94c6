/**
 * The markdown report: throughput table with ratios and floors, memory table, and the facts
 * needed to reproduce the run (command line, date, versions, exact wrk and server commands).
 *
 * This module must not run anything: it formats what `run.ts` measured.
 * @module
 */

import type { MemoryResult } from "./memory.ts";
import { headerValue, type RawResponse } from "./raw_http.ts";
import { type Round, type RoundsSummary, summarizeRounds } from "./rounds.ts";
import { IDLE_CONNECTIONS, MEMORY_CHECK, type Scenario, SMALL_PATH } from "./scenarios.ts";
import type { WrkRun } from "./wrk.ts";

/** One scenario's rounds, each a back-to-back run against the subject and the baseline. */
export interface ScenarioOutcome {
  scenario: Scenario;
  rounds: Round[];
}

/** The memory check for one server: its result or why there is none. */
export interface MemoryOutcome {
  server: string;
  result: MemoryResult | { error: string };
  /** The ceiling applies to the subject only. */
  judged: boolean;
}

/** Everything the report shows. */
export interface ReportInput {
  subjectName: string;
  baselineName: string;
  date: Date;
  commandLine: string;
  /** Rounds per throughput scenario (`--rounds`). */
  rounds: number;
  /** `key: value` facts about the machine and tools. */
  environment: string[];
  /** Lines about the page both servers send (sizes, equality). */
  page: string[];
  scenarios: ScenarioOutcome[];
  memory: MemoryOutcome[];
  /** Exact commands: servers and every measured wrk run. */
  commands: string[];
  /** Anything that makes a number suspect. */
  warnings: string[];
}

/** Renders the whole report as markdown. */
export function renderReport(r: ReportInput): string {
  const out: string[] = [`# wireserve benchmark — ${r.date.toISOString()}`, ""];
  out.push("```", r.commandLine, "```", "");
  if (r.scenarios.length > 0) out.push(roundsLine(r), "");
  for (const e of r.environment) out.push(`- ${e}`);
  out.push("", ...r.page.map((p) => `- ${p}`), "");
  if (r.scenarios.length > 0) out.push(...throughputTable(r), "");
  if (r.memory.length > 0) out.push(...memoryTable(r.memory), "");
  if (r.warnings.length > 0) {
    out.push("## Warnings", "", ...r.warnings.map((w) => `- ${w}`), "");
  }
  out.push("Floors are a report, not a gate: the bench exits 0 whether they pass or fail.", "");
  out.push("<details><summary>Commands</summary>", "", "```", ...r.commands, "```", "");
  out.push("</details>", "");
  return out.join("\n");
}

/** Lines describing both pages; a warning when they differ. */
export function describePages(a: RawResponse, b: RawResponse, warnings: string[]): string[] {
  const same = a.body.length === b.body.length && a.body.every((x, i) => x === b.body[i]);
  const typeA = headerValue(a, "content-type");
  const typeB = headerValue(b, "content-type");
  if (!same) {
    warnings.push(
      `The two servers' \`GET ${SMALL_PATH}\` bodies differ: ratios compare unlike pages.`,
    );
  }
  if (typeA !== typeB) warnings.push(`Content-Type differs: "${typeA}" vs "${typeB}".`);
  if (a.status !== 200 || b.status !== 200) {
    warnings.push(`GET ${SMALL_PATH} answered ${a.status} and ${b.status}, not 200 and 200.`);
  }
  return [
    `GET ${SMALL_PATH} body: wireserve ${a.body.length} B, Deno.serve ${b.body.length} B ` +
    `(${same ? "identical bytes" : "DIFFERENT"}), Content-Type \`${typeA}\``,
    `GET ${SMALL_PATH} response head: wireserve ${a.headBytes} B (${names(a)}), ` +
    `Deno.serve ${b.headBytes} B (${names(b)})`,
  ];
}

function names(r: RawResponse): string {
  return r.headers.map(([k]) => k.toLowerCase()).join(", ");
}

/**
 * The wrk problems worth a warning for one run (socket errors, non-2xx, unreadable output);
 * `round` (e.g. `round 2/3`) says which run when there are several.
 */
export function wrkWarnings(
  server: string,
  scenario: Scenario,
  run: WrkRun,
  round?: string,
): string[] {
  const where = `${server}, ${scenario.name}${round === undefined ? "" : `, ${round}`}`;
  if (run.result === null) {
    return [`${where}: wrk printed no report: \`${run.output.trim().slice(0, 300)}\``];
  }
  const w: string[] = [];
  if (run.result.socketErrors !== null) {
    w.push(`${where}: wrk Socket errors: ${run.result.socketErrors}`);
  }
  if (run.result.p99Ms === null && scenario.latencyCaveat === undefined) {
    w.push(`${where}: wrk's latency percentiles are inconsistent (one reads 0), so p99 is n/a`);
  }
  if (run.result.non2xx > 0) {
    w.push(`${where}: ${run.result.non2xx} Non-2xx or 3xx responses`);
  }
  return w;
}

function roundsLine(r: ReportInput): string {
  const pairs = r.rounds === 1 ? "1 round" : `${r.rounds} rounds`;
  return `Throughput: ${pairs} per scenario, each a back-to-back pair of runs ` +
    `(${r.subjectName} first in odd rounds, ${r.baselineName} first in even ones); ` +
    "the ratio is the median of the per-round ratios.";
}

function throughputTable(r: ReportInput): string[] {
  const s = r.subjectName;
  const b = r.baselineName;
  const rows = [
    `| scenario | ${s} req/s | ${s} p99 | ${b} req/s | ${b} p99 | ratio | ratio range | floor ` +
    "| result |",
    "|---|--:|--:|--:|--:|--:|--:|--:|:-:|",
  ];
  const caveats: string[] = [];
  for (const o of r.scenarios) {
    const sum = summarizeRounds(o.rounds);
    const caveat = o.scenario.latencyCaveat;
    if (caveat !== undefined) caveats.push(`n/a* (${o.scenario.name}): ${caveat}`);
    const p99 = (v: number | null) => caveat === undefined ? ms(v) : "n/a*";
    const floor = o.scenario.floor;
    const verdict = floor === undefined ? "—" : sum.ratio === null ? "n/a" : passFail(
      sum.ratio >= floor.minRatio,
    );
    rows.push(
      `| ${o.scenario.title} | ${rps(sum.subject.requestsPerSec)} | ${p99(sum.subject.p99Ms)} | ` +
        `${rps(sum.baseline.requestsPerSec)} | ${p99(sum.baseline.p99Ms)} | ` +
        `${sum.ratio === null ? "n/a" : `${sum.ratio.toFixed(2)}×`} | ` +
        `${ratioRange(sum, o.rounds.length)} | ` +
        `${floor === undefined ? "—" : `≥ ${floor.minRatio}×`} | ${verdict} |`,
    );
  }
  return [
    "## Throughput",
    "",
    ...rows,
    "",
    `req/s: each server's median over its rounds; p99: from that server's median round (the lower ` +
    "middle one for an even count).",
    `ratio: median over the rounds of ${s} req/s ÷ ${b} req/s, each from the two runs of one ` +
    "round; ratio range: lowest–highest of those per-round ratios.",
    ...caveats,
  ];
}

/** `0.74–0.86`, noting rounds wrk did not report on. */
function ratioRange(sum: RoundsSummary, rounds: number): string {
  if (sum.ratioRange === null) return "n/a";
  const lo = sum.ratioRange.min.toFixed(2);
  const hi = sum.ratioRange.max.toFixed(2);
  const span = lo === hi ? lo : `${lo}–${hi}`;
  const used = sum.ratios.length;
  return used === rounds ? span : `${span} (${used} of ${rounds} rounds)`;
}

function memoryTable(memory: MemoryOutcome[]): string[] {
  const n = IDLE_CONNECTIONS.toLocaleString("en");
  const rows = [
    `| server | idle RSS | RSS with ${n} idle conns | growth | conns held by server | floor | result |`,
    "|---|--:|--:|--:|--:|--:|:-:|",
  ];
  for (const m of memory) {
    if ("error" in m.result) {
      rows.push(`| ${m.server} | n/a | n/a | n/a | n/a | — | n/a: ${m.result.error} |`);
      continue;
    }
    const x = m.result;
    const floor = m.judged ? `≤ +${MEMORY_CHECK.maxGrowthMiB} MiB` : "—";
    const verdict = m.judged ? passFail(x.growthMiB <= MEMORY_CHECK.maxGrowthMiB) : "—";
    rows.push(
      `| ${m.server} | ${mib(x.idleMiB)} | ${mib(x.loadedMiB)} | +${mib(x.growthMiB)} | ` +
        `${x.heldByServer ?? "n/a"} of ${x.opened} | ${floor} | ${verdict} |`,
    );
  }
  return [`## Memory: ${MEMORY_CHECK.title}`, "", ...rows];
}

function passFail(ok: boolean): string {
  return ok ? "PASS" : "FAIL";
}

function rps(v: number | null): string {
  return v === null ? "n/a" : Math.round(v).toLocaleString("en");
}

function ms(v: number | null): string {
  if (v === null) return "n/a";
  return `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
}

function mib(v: number): string {
  return `${v.toFixed(1)} MiB`;
}
