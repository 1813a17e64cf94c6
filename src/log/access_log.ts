/**
 * The access log: one line per response in the format asked for, handed to a `LineSink` so
 * the request path never waits for the output.
 *
 * - `common`: the Common Log Format (`host ident user [time] "request" status bytes`) with the
 *   duration in milliseconds appended as a last field (`12.345ms`), as Apache's `%D` is usually
 *   appended; bytes are the body bytes sent, `-` for none, as in CLF.
 * - `combined`: `common` plus `"referer" "user-agent"` before the duration (NCSA combined).
 * - `json`: one object per line (see `formatJson` for the fields).
 *
 * Security: request fields reach the log verbatim only when they are printable ASCII. Quotes,
 * backslashes, control characters and bytes past 0x7e are written as `\xHH` (JSON: `\uHHHH`), so
 * a crafted User-Agent cannot forge a second log line or hide terminal escape sequences.
 *
 * This module must not know sockets or routes.
 * @module
 */

import type { AccessEntry } from "../http/access_entry.ts";
import type { LineSink } from "./line_sink.ts";

/** Access log formats. */
export const LOG_FORMATS = ["common", "combined", "json", "off"] as const;
/** An access log format; "off" writes none. */
export type LogFormat = typeof LOG_FORMATS[number];

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MS_PER_SECOND = 1000;
/** Decimal places of the duration: microseconds are what performance.now() resolves here. */
const DURATION_DECIMALS = 3;

/** A clock in milliseconds since the epoch (injectable for tests). */
export type Clock = () => number;

/** `[10/Oct/2000:13:55:36 +0000]`-style time, in UTC, cached per second (it is per request). */
class ClfTime {
  #second = -1;
  #text = "";

  at(ms: number): string {
    const second = Math.floor(ms / MS_PER_SECOND);
    if (second !== this.#second) {
      const d = new Date(second * MS_PER_SECOND);
      this.#second = second;
      this.#text = `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
        `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
    }
    return this.#text;
  }
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Escapes for CLF fields: printable ASCII stays, `"`, `\` and everything else become `\xHH`. */
export function escapeClf(text: string): string {
  if (isPlain(text)) return text;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
      // Header values are latin1 strings (one char per byte); anything wider is shown per unit.
      out += c > 0xff ? `\\u${c.toString(16).padStart(4, "0")}` : `\\x${hex2(c)}`;
    } else out += text[i];
  }
  return out;
}

function hex2(c: number): string {
  return c.toString(16).toUpperCase().padStart(2, "0");
}

function duration(ms: number): string {
  return `${ms.toFixed(DURATION_DECIMALS)}ms`;
}

function requestLine(e: AccessEntry): string {
  return escapeClf(`${e.method} ${e.target} ${e.version}`);
}

function commonPrefix(e: AccessEntry, time: string): string {
  const bytes = e.bodyBytes === 0 ? "-" : String(e.bodyBytes);
  const status = e.status === 0 ? "-" : String(e.status); // 0: no response went out
  return `${escapeClf(e.remoteAddress)} - - [${time}] "${requestLine(e)}" ${status} ${bytes}`;
}

/** ` ended=<reason>` for an exchange cut short, else nothing. */
function endedSuffix(e: AccessEntry): string {
  return e.ended === undefined ? "" : ` ended=${e.ended}`;
}

/** One `common` line (without newline). */
export function formatCommon(e: AccessEntry, time: string): string {
  return `${commonPrefix(e, time)} ${duration(e.durationMs)}${endedSuffix(e)}`;
}

/** One `combined` line (without newline). */
export function formatCombined(e: AccessEntry, time: string): string {
  const referer = e.referer === undefined ? "-" : escapeClf(e.referer);
  const agent = e.userAgent === undefined ? "-" : escapeClf(e.userAgent);
  return `${commonPrefix(e, time)} "${referer}" "${agent}" ${duration(e.durationMs)}${
    endedSuffix(e)
  }`;
}

/**
 * One `json` line: `time` (ISO 8601, UTC), `remote`, `method`, `target`, `version`, `status`,
 * `bytes`, `durationMs`, `referer` and `userAgent` (null when absent), and `ended` for an
 * exchange cut short (`status` null when no response went out). Non-ASCII is escaped.
 * Built by hand: JSON.stringify of an object per request cost three times as much (measured).
 */
export function formatJson(e: AccessEntry, time: string): string {
  return `{"time":"${time}","remote":${jsonString(e.remoteAddress)},` +
    `"method":${jsonString(e.method)},"target":${jsonString(e.target)},` +
    `"version":${jsonString(e.version)},"status":${e.status === 0 ? "null" : e.status},` +
    `"bytes":${e.bodyBytes},` +
    `"durationMs":${Number(e.durationMs.toFixed(DURATION_DECIMALS))},` +
    `"referer":${e.referer === undefined ? "null" : jsonString(e.referer)},` +
    `"userAgent":${e.userAgent === undefined ? "null" : jsonString(e.userAgent)}` +
    (e.ended === undefined ? "}" : `,"ended":"${e.ended}"}`);
}

/** A JSON string literal for `text` that is pure printable ASCII (`\uHHHH` for the rest). */
export function jsonString(text: string): string {
  if (isPlain(text)) return `"${text}"`;
  // JSON.stringify escapes controls, quotes and backslashes but leaves DEL and non-ASCII as is.
  return JSON.stringify(text).replace(
    /[\x7f-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Whether `text` is printable ASCII without `"` or `\` (safe in CLF and JSON as it is). */
function isPlain(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/** ISO 8601 time cached per millisecond (a busy server logs many lines per millisecond). */
class IsoTime {
  #ms = -1;
  #text = "";

  at(ms: number): string {
    if (ms !== this.#ms) {
      this.#ms = ms;
      this.#text = new Date(ms).toISOString();
    }
    return this.#text;
  }
}

/**
 * The `onResponse` callback for `format` writing to `sink`, or undefined for "off" (so the
 * engine skips timing requests at all).
 */
export function accessLogger(
  format: LogFormat,
  sink: LineSink,
  clock: Clock = Date.now,
): ((entry: AccessEntry) => void) | undefined {
  const clf = new ClfTime();
  switch (format) {
    case "off":
      return undefined;
    case "common":
      return (e) => sink.line(formatCommon(e, clf.at(clock())));
    case "combined":
      return (e) => sink.line(formatCombined(e, clf.at(clock())));
    case "json": {
      const iso = new IsoTime();
      return (e) => sink.line(formatJson(e, iso.at(clock())));
    }
  }
}
