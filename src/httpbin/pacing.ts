/**
 * How the paced httpbin streams (`/drip`, `/sse`, `/jsonl`) space their writes, as go-httpbin's
 * `computePausePerWrite` and `applyJitter` do: the first write at once, then one pause before
 * each of the others, so that the last one lands at the end of the duration.
 *
 * This module must not know about requests.
 * @module
 */

import { parseGoDecimal } from "./go_decimal.ts";

const NANOS_PER_MS = 1e6;
/** The largest jitter: a pause moved by up to all of itself. */
const MAX_JITTER = 1;

/**
 * The pause between `count` writes spread over `durationMs`: duration / (count - 1), rounded up
 * to a whole nanosecond (Go's ceiling division, so pause × (count - 1) ≥ duration); the whole
 * duration when there are fewer than two writes.
 */
export function pausePerWriteMs(durationMs: number, count: number): number {
  if (count <= 1) return durationMs;
  const nanos = Math.round(durationMs * NANOS_PER_MS);
  return Math.ceil(nanos / (count - 1)) / NANOS_PER_MS;
}

/**
 * A `jitter` query value (`/sse`, `/jsonl`): a decimal from 0 to 1 as {@link parseGoDecimal}
 * reads it (`0.5`, `.5`, `+1`, `-0`), or null otherwise (go-httpbin refuses those with 400).
 */
export function parseJitter(text: string): number | null {
  const jitter = parseGoDecimal(text);
  return jitter === null || jitter < 0 || jitter > MAX_JITTER ? null : jitter;
}

/** `pauseMs` moved at random by up to ±`jitter` of itself (0 leaves it as it is). */
export function jittered(pauseMs: number, jitter: number): number {
  if (jitter <= 0) return pauseMs;
  return Math.max(0, pauseMs * (1 + jitter * (2 * Math.random() - 1)));
}
