/**
 * Rounds of a throughput scenario: which server goes first in each round, and the figures the
 * report shows across rounds (median req/s, the median round's p99, the median and range of the
 * per-round ratios).
 *
 * Load on a shared machine drifts between two runs, so the ratio comes from runs made back to back
 * in the same round, with the order alternating so drift favours neither server.
 *
 * This module must not run anything or format text.
 * @module
 */

import type { WrkResult, WrkRun } from "./wrk.ts";

/** One round: the subject's and the baseline's run, made back to back. */
export interface Round {
  subject: WrkRun;
  baseline: WrkRun;
}

/** One server's figures across rounds. */
export interface ServerSummary {
  /** Median req/s over the rounds wrk reported on; null when it reported on none. */
  requestsPerSec: number | null;
  /** p99 of the median round (see `medianIndex`); null when there is none or wrk's is unusable. */
  p99Ms: number | null;
}

/** A scenario's figures across rounds. */
export interface RoundsSummary {
  subject: ServerSummary;
  baseline: ServerSummary;
  /** Each usable round's subject ÷ baseline req/s, in round order. */
  ratios: number[];
  /** Median of `ratios`; null when no round had both numbers. */
  ratio: number | null;
  /** Lowest and highest of `ratios`; null when there are none. */
  ratioRange: { min: number; max: number } | null;
}

/**
 * Indices into the [subject, baseline] pair in the order round `round` (0-based) runs them: the
 * subject first in even rounds, the baseline first in odd ones.
 */
export function pairOrder(round: number): readonly [number, number] {
  return round % 2 === 0 ? [0, 1] : [1, 0];
}

/** The median of `values` (the mean of the two middle ones for an even count); null if empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Index in `values` of the median element; for an even count, of the lower of the two middle
 * ones, so the round picked really was measured. Null if empty.
 */
export function medianIndex(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v || a.i - b.i);
  return order[Math.floor((order.length - 1) / 2)].i;
}

/** The report's figures for a scenario's rounds; rounds wrk did not report on are left out. */
export function summarizeRounds(rounds: readonly Round[]): RoundsSummary {
  const ratios: number[] = [];
  for (const r of rounds) {
    const a = r.subject.result;
    const b = r.baseline.result;
    if (a !== null && b !== null && b.requestsPerSec > 0) {
      ratios.push(a.requestsPerSec / b.requestsPerSec);
    }
  }
  return {
    subject: summarizeServer(rounds.map((r) => r.subject.result)),
    baseline: summarizeServer(rounds.map((r) => r.baseline.result)),
    ratios,
    ratio: median(ratios),
    ratioRange: ratios.length === 0 ? null : { min: Math.min(...ratios), max: Math.max(...ratios) },
  };
}

function summarizeServer(results: ReadonlyArray<WrkResult | null>): ServerSummary {
  const ok = results.filter((r): r is WrkResult => r !== null);
  const rps = ok.map((r) => r.requestsPerSec);
  const mid = medianIndex(rps);
  return { requestsPerSec: median(rps), p99Ms: mid === null ? null : ok[mid].p99Ms };
}
