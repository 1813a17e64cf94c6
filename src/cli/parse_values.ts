/**
 * Parsers for the kinds of values options take: ports, sizes, durations, switches. Each returns
 * the value or null; the caller (`config.ts`) turns null into one line naming the option.
 *
 * Sizes use binary units (K = 1024 bytes), like nginx's `client_max_body_size` and curl's
 * `--limit-rate`: `1024`, `64K`, `500M`, `1.5G`, `1T`, with an optional `B` or `iB` (`500MB`
 * and `500MiB` both mean 500 × 2^20). Durations are seconds unless a unit says otherwise:
 * `30`, `1.5`, `500ms`, `30s`, `5m`, `1h`.
 *
 * Every parser here ignores surrounding whitespace and reads its words (switches, `auto`) in any
 * case: `PORT=' 8000'` from a template or a systemd unit means 8000 as surely as
 * `WIRESERVE_QUIET=' yes'` means on, and taking one while refusing the other would be a rule
 * nobody can guess. Whitespace inside a value (`1 G`) is still refused.
 *
 * This module must not read flags, the environment or the disk.
 * @module
 */

/** Highest TCP port. */
export const MAX_PORT = 65535;
/** Longest duration accepted: timers in JavaScript overflow past 2^31 − 1 ms (about 24.8 days). */
export const MAX_DURATION_MS = 2 ** 31 - 1;

const SIZE_FACTORS: Readonly<Record<string, number>> = {
  "": 1,
  K: 1024,
  M: 1024 ** 2,
  G: 1024 ** 3,
  T: 1024 ** 4,
};
const DURATION_FACTORS_MS: Readonly<Record<string, number>> = {
  ms: 1,
  "": 1000,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const SIZE = /^(\d{1,15}(?:\.\d{1,6})?)([KMGT]?)(?:i?B)?$/i;
const DURATION = /^(\d{1,10}(?:\.\d{1,6})?)(ms|s|m|h)?$/;
const PORT = /^\d{1,5}$/;
const COUNT = /^\d{1,9}$/;
const AUTO = "auto";

/** A port number 0–65535 written in decimal digits only, or null. */
export function parsePort(text: string): number | null {
  const digits = text.trim();
  if (!PORT.test(digits)) return null;
  const port = Number(digits);
  return port <= MAX_PORT ? port : null;
}

/** A whole number from 1 up, written in decimal digits only (`4096`), or null. */
export function parseCount(text: string): number | null {
  const digits = text.trim();
  if (!COUNT.test(digits)) return null;
  const n = Number(digits);
  return n >= 1 ? n : null;
}

/** Whether `text` is the word `auto` (any case), the value that lets wireserve pick. */
export function isAuto(text: string): boolean {
  return text.trim().toLowerCase() === AUTO;
}

/** A size in whole bytes (`500M` → 524288000), or null when malformed or too large. */
export function parseSize(text: string): number | null {
  const m = SIZE.exec(text.trim());
  if (m === null) return null;
  const unit = m[2].toUpperCase();
  // "1.5" bytes names no size; with a unit the fraction is rounded down (1.3G → 1395864371).
  if (unit === "" && m[1].includes(".")) return null;
  const bytes = Math.floor(Number(m[1]) * SIZE_FACTORS[unit]);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** A duration in whole milliseconds (`1.5` → 1500, `500ms` → 500), or null. */
export function parseDurationMs(text: string): number | null {
  const m = DURATION.exec(text.trim());
  if (m === null) return null;
  const unit = m[2] ?? "";
  // Milliseconds are the finest unit: "1.5ms" names no whole duration, "1.0005s" rounds down.
  if (unit === "ms" && m[1].includes(".")) return null;
  const ms = Math.floor(Number(m[1]) * DURATION_FACTORS_MS[unit]);
  return ms <= MAX_DURATION_MS ? ms : null;
}

const TRUE_WORDS = new Set(["1", "true", "yes", "on"]);
const FALSE_WORDS = new Set(["0", "false", "no", "off"]);

/** A switch from the environment: `1/true/yes/on` or `0/false/no/off` (any case), or null. */
export function parseSwitch(text: string): boolean | null {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return null;
}

/** `size` in the units the help uses: 1073741824 → "1G", 1536 → "1.5K", 1000 → "1000". */
export function formatSize(bytes: number): string {
  for (const unit of ["T", "G", "M", "K"]) {
    const factor = SIZE_FACTORS[unit];
    const n = bytes / factor;
    // Show a unit only when it is exact to one decimal place, so the text parses back the same.
    if (n >= 1 && Number.isInteger(n * 10)) return `${n}${unit}`;
  }
  return String(bytes);
}

/** `ms` as the help writes durations: 10000 → "10s", 1500 → "1.5s", 250 → "250ms", 3600000 → "1h". */
export function formatDuration(ms: number): string {
  if (ms >= DURATION_FACTORS_MS.h && ms % DURATION_FACTORS_MS.h === 0) {
    return `${ms / DURATION_FACTORS_MS.h}h`;
  }
  if (ms >= DURATION_FACTORS_MS.m && ms % DURATION_FACTORS_MS.m === 0) {
    return `${ms / DURATION_FACTORS_MS.m}m`;
  }
  if (ms >= DURATION_FACTORS_MS.s) return `${ms / DURATION_FACTORS_MS.s}s`;
  return `${ms}ms`;
}
