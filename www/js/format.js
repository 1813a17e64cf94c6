/**
 * Human-readable sizes, speeds and dates. Pure functions, no DOM.
 * @module
 */

/** Bytes in a kibibyte: sizes are shown in binary units, like the `--max-upload 500M` flag. */
const KIB = 1024;
const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
/** Values under this many units get one decimal ("1.5 MiB"), larger ones none ("150 MiB"). */
const ONE_DECIMAL_BELOW = 10;

/** `bytes` as "1.5 MiB" (exact "123 B" under a kibibyte). */
export function formatBytes(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return "";
  let value = bytes;
  let unit = 0;
  while (value >= KIB && unit < UNITS.length - 1) {
    value /= KIB;
    unit += 1;
  }
  if (unit === 0) return `${bytes} B`;
  const digits = value < ONE_DECIMAL_BELOW ? 1 : 0;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** A transfer speed in bytes per second as "2.3 MiB/s". */
export function formatSpeed(bytesPerSecond) {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return "";
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

/** A date in the reader's locale, or "" when unknown. */
export function formatDate(date) {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? dateFormat.format(date) : "";
}

/** `count` with the right noun: "1 file", "3 files". */
export function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}
