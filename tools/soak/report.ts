/**
 * The soak's printed table: one row per sample of the server, and each action's latency during
 * the warm-up against during the load.
 *
 * This module must not start the server, send load or judge.
 * @module
 */

import type { LoadCounts } from "./soak_load.ts";

/** One sample of the server. */
export interface Sample {
  atS: number;
  phase: "start" | "warm-up" | "load" | "settled";
  rssMiB: number | null;
  /** The process's own memory (heaps, buffers), without mapped files: what a leak grows. */
  rssAnonMiB: number | null;
  fds: number | null;
  tempFiles: number;
  requests: number;
  /** V8 heap used, heap reserved and external MiB of the serving isolate (with --workers 1). */
  heapMiB: number | null;
  heapTotalMiB: number | null;
  externalMiB: number | null;
}

/** Completed actions and the ms they took, by name, at one instant. */
export interface Timing {
  done: Record<string, number>;
  ms: Record<string, number>;
}

export function timing(counts: LoadCounts): Timing {
  return { done: { ...counts.done }, ms: { ...counts.ms } };
}

/**
 * Each action's mean latency during the warm-up against after it (a server that slows down as it
 * runs shows here before it shows in RSS), slowest growth first.
 */
export function latencyLine(warm: Timing, end: Timing): string {
  const rows = Object.keys(end.done).map((name) => {
    const before = (warm.ms[name] ?? 0) / Math.max(1, warm.done[name] ?? 0);
    const n = (end.done[name] ?? 0) - (warm.done[name] ?? 0);
    const after = ((end.ms[name] ?? 0) - (warm.ms[name] ?? 0)) / Math.max(1, n);
    return { name, before, after, ratio: before > 0 ? after / before : 1 };
  }).sort((a, b) => b.ratio - a.ratio);
  return "soak: mean ms per action, warm-up → load: " +
    rows.map((r) => `${r.name} ${r.before.toFixed(0)}→${r.after.toFixed(0)}`).join(", ");
}

export function header(): string {
  return "   time  phase       RSS MiB  anon MiB   fds  temp  requests  heap used/total MiB" +
    "  external MiB";
}

export function row(s: Sample): string {
  return `${s.atS.toFixed(0).padStart(6)} s  ${s.phase.padEnd(10)}${
    (s.rssMiB?.toFixed(1) ?? "n/a").padStart(8)
  }${(s.rssAnonMiB?.toFixed(1) ?? "n/a").padStart(10)}${String(s.fds ?? "n/a").padStart(6)}${
    String(s.tempFiles).padStart(6)
  }${String(s.requests).padStart(10)}${
    (s.heapMiB === null ? "-" : `${s.heapMiB.toFixed(1)}/${s.heapTotalMiB?.toFixed(1)}`).padStart(
      21,
    )
  }${(s.externalMiB?.toFixed(1) ?? "-").padStart(14)}`;
}
