/**
 * Typed access to the raw option values (`collectValues`): each getter parses one option and,
 * when its value is bad, throws `BadValue` with one line naming where the value came from and
 * what was expected (`--port: expected a port from 0 to 65535, got "99999"`). Secrets are never
 * repeated in that line.
 *
 * This module decides how a single value reads and how its error is worded; it must not know the
 * `Config`, the defaults or how options combine (that is `config.ts`).
 * @module
 */

import type { RawValue } from "./args.ts";
import { parseCount, parseDurationMs, parsePort, parseSize, parseSwitch } from "./parse_values.ts";
import { quoted } from "./shown_path.ts";

/** Options whose values are never repeated in an error message. */
const SECRET_OPTIONS: ReadonlySet<string> = new Set(["auth", "token"]);

/** A value that failed validation; caught by `buildConfig` and turned into its message. */
export class BadValue extends Error {}

/** Typed access to the raw values; each getter throws `BadValue` with the option's source. */
export class OptionReader {
  #values: ReadonlyMap<string, RawValue>;

  constructor(values: ReadonlyMap<string, RawValue>) {
    this.#values = values;
  }

  /** What to call the option in an error: where its value came from, else `--name`. */
  source(name: string): string {
    return this.#values.get(name)?.source ?? `--${name}`;
  }

  /** Whether the option was given on the command line (not in the environment or an env file). */
  fromFlag(name: string): boolean {
    return this.#values.get(name)?.fromFlag ?? false;
  }

  /** The option's raw value quoted (`shown_path.ts`), for an error message (never for secrets). */
  quoted(name: string): string {
    return quoted(String(this.#values.get(name)?.value));
  }

  /** The option's text, checked by `ok` when given; undefined when unset. */
  string(name: string, ok?: (t: string) => boolean, expected?: string): string | undefined {
    const raw = this.#values.get(name);
    if (raw === undefined) return undefined;
    const text = String(raw.value);
    if (ok !== undefined && !ok(text)) this.#bad(name, raw, expected ?? "a valid value");
    return text;
  }

  /** A switch: given as a flag, or a 1/true/yes/on or 0/false/no/off word; false when unset. */
  flag(name: string): boolean {
    const raw = this.#values.get(name);
    if (raw === undefined) return false;
    if (raw.value === true) return true;
    const on = parseSwitch(raw.value);
    if (on === null) this.#bad(name, raw, "1, true, yes, on or 0, false, no, off");
    return on!;
  }

  /** A port from 0 to 65535; undefined when unset. */
  port(name: string): number | undefined {
    return this.#parsed(name, parsePort, "a port from 0 to 65535");
  }

  /** A size in bytes (`64K`, `2G`); undefined when unset. */
  size(name: string): number | undefined {
    return this.#parsed(name, parseSize, "a size like 1024, 64K, 500M or 2G");
  }

  /** A whole number from 1 up; undefined when unset. */
  count(name: string): number | undefined {
    return this.#parsed(name, parseCount, "a whole number from 1 up");
  }

  /** A duration in milliseconds (`30`, `500ms`, `5m`); undefined when unset. */
  duration(name: string): number | undefined {
    return this.#parsed(
      name,
      parseDurationMs,
      "a duration like 30, 1.5, 500ms, 30s, 5m or 1h, at most 596h (2147483647ms)",
    );
  }

  #parsed(name: string, parse: (t: string) => number | null, expected: string) {
    const raw = this.#values.get(name);
    if (raw === undefined) return undefined;
    const n = parse(String(raw.value));
    if (n === null) this.#bad(name, raw, expected);
    return n!;
  }

  #bad(name: string, raw: RawValue, expected: string): never {
    // Secrets stay out of error output: the line may end up in a shared terminal or a CI log.
    const shown = SECRET_OPTIONS.has(name) ? "(hidden)" : quoted(String(raw.value));
    throw new BadValue(`${raw.source}: expected ${expected}, got ${shown}`);
  }
}
