/**
 * Human-readable sizes, speeds, dates and names. Pure functions, no DOM.
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

/** C0 controls and DEL, shown as their Control Pictures (U+2400 block), as the server's listing does. */
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;
const CONTROL_PICTURES = 0x2400;
const DEL = 0x7f;
const SYMBOL_FOR_DEL = 0x2421;
/**
 * The invisible characters that reorder text around them: bidi embeddings and overrides
 * (U+202A–U+202E), isolates (U+2066–U+2069) and marks (LRM, RLM, ALM). Left in a name they make
 * `invoice\u202Efdp.exe` read as "invoiceexe.pdf". The server's set (src/app/bidi_control.ts,
 * which this module cannot import), checked against it by tests/app/bidi_control_test.ts.
 */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/**
 * A name as shown (never as used in a URL or a request): control characters become visible
 * symbols (a newline shows as ␊) and bidi controls their code point (`<U+202E>`), so that no
 * name can pass for another — the same as `visibleName` in the server's listing
 * (src/files/listing_text.ts). Where a name is shown it is also isolated (`unicode-bidi:
 * isolate`), so right-to-left letters in it cannot reorder the text around it.
 */
export function visibleName(name) {
  return String(name).replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return String.fromCharCode(code === DEL ? SYMBOL_FOR_DEL : CONTROL_PICTURES + code);
  }).replace(
    BIDI_CONTROL,
    (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}>`,
  );
}
