/**
 * Command line and environment → raw option values, each remembering where it came from so an
 * error can name it (`--port`, `PORT`, `PORT in .env`). Nothing is validated here beyond the
 * shape of the command line: values stay strings until `config.ts` checks them.
 *
 * Precedence, strongest first: flags (and the DIR argument), the process environment, the .env
 * file, the defaults (which `config.ts` fills in).
 *
 * This module must not read the disk, start anything or exit.
 * @module
 */

import { parseArgs } from "node:util";
import { OPTIONS, OPTIONS_BY_NAME, type OptionSpec } from "./options.ts";
import { quoted, shownPath } from "./shown_path.ts";

/** One option's value and where it was found. */
export interface RawValue {
  /** The text given, or true for a switch given as a flag. */
  readonly value: string | true;
  /** What to call it in an error: `--port`, `-p`, `PORT`, `PORT in .env`, `DIR`. */
  readonly source: string;
  /** Whether it came from the command line (flags win, and --quiet respects an explicit --log). */
  readonly fromFlag: boolean;
}

/** The command line as given: option values by long name, and the positional arguments. */
export interface ParsedFlags {
  readonly ok: true;
  readonly flags: ReadonlyMap<string, RawValue>;
  readonly positionals: readonly string[];
}

/** A command line that cannot be understood; `message` names the offending argument. */
export interface CliError {
  readonly ok: false;
  readonly message: string;
}

/** Variables read from the environment or a .env file. */
export type EnvVars = Readonly<Record<string, string | undefined>>;

/** An argument that looks like an option rather than a value. */
const OPTION_LIKE = /^-[^0-9]/;

type ParseOptions = Record<string, { type: "string" | "boolean"; short?: string }>;

const PARSE_OPTIONS: ParseOptions = Object.fromEntries(
  OPTIONS.map((o) => [o.name, o.short ? { type: o.kind, short: o.short } : { type: o.kind }]),
);

/** What joins the values of a repeated flag: the same list the variable's form takes. */
export const LIST_SEPARATOR = ",";

/**
 * Reads `args` into flag values. Unknown options, a missing value, a value given to a switch
 * (`--cors=yes`) and more than one DIR are errors. Repeating a flag keeps the last value, except
 * for repeatable ones (`--hide`), whose values are joined with commas into one list.
 */
export function parseFlags(args: readonly string[]): ParsedFlags | CliError {
  // Non-strict with tokens: node's strict errors are long and vary; ours name the flag once.
  const { tokens } = parseArgs({
    args: [...args],
    options: PARSE_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const flags = new Map<string, RawValue>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== "option") continue;
    const spec = OPTIONS_BY_NAME.get(token.name);
    if (spec === undefined) {
      return fail(`${shownPath(token.rawName)}: unknown option (see --help)`);
    }
    const value = optionValue(spec, token.rawName, token.value, token.inlineValue);
    if (typeof value === "object") return value;
    const before = flags.get(spec.name);
    if (spec.repeatable && before !== undefined && typeof value === "string") {
      const joined = `${before.value}${LIST_SEPARATOR}${value}`;
      flags.set(spec.name, { value: joined, source: token.rawName, fromFlag: true });
      continue;
    }
    flags.set(spec.name, { value, source: token.rawName, fromFlag: true });
  }
  if (positionals.length > 1) {
    return fail(`DIR: expected one folder, got ${positionals.length}: ${quoteList(positionals)}`);
  }
  if (positionals.length === 1 && flags.has("directory")) {
    return fail(`DIR: given together with ${flags.get("directory")!.source}: pass one of them`);
  }
  return { ok: true, flags, positionals };
}

function optionValue(
  spec: OptionSpec,
  rawName: string,
  value: string | undefined,
  inline: boolean | undefined,
): string | true | CliError {
  if (spec.kind === "boolean") {
    if (value !== undefined) {
      return fail(`${rawName}: takes no value, got ${quoted(value)}`);
    }
    return true;
  }
  // `--port --host x` would otherwise take "--host" as the port: ask for `--port=--host`.
  // A dash and a digit (`-1`) is a value, so it gets the option's own "expected" message.
  if (value === undefined || (!inline && OPTION_LIKE.test(value))) {
    const hint = spec.example ? ` (e.g. ${spec.example})` : "";
    return fail(`${rawName}: expected a value${hint}`);
  }
  return value;
}

/**
 * Every option's raw value: the flags, then `env` (the process environment), then `envFile`
 * (the variables of a .env file, called `envFileName` in errors). Options nobody set are absent.
 */
export function collectValues(
  parsed: ParsedFlags,
  env: EnvVars,
  envFile: EnvVars = {},
  envFileName = ".env",
): Map<string, RawValue> {
  const values = new Map(parsed.flags);
  if (parsed.positionals.length === 1 && !values.has("directory")) {
    values.set("directory", { value: parsed.positionals[0], source: "DIR", fromFlag: true });
  }
  for (const spec of OPTIONS) {
    if (values.has(spec.name)) continue;
    const found = lookup(spec, env, "") ?? lookup(spec, envFile, ` in ${envFileName}`);
    if (found !== undefined) values.set(spec.name, found);
  }
  return values;
}

function lookup(spec: OptionSpec, vars: EnvVars, where: string): RawValue | undefined {
  for (const name of spec.env) {
    const value = vars[name];
    // An empty variable counts as unset, as most tools treat it (`WIRESERVE_AUTH=` in a template).
    if (value !== undefined && value !== "") {
      return { value, source: `${name}${where}`, fromFlag: false };
    }
  }
  return undefined;
}

function fail(message: string): CliError {
  return { ok: false, message };
}

function quoteList(values: readonly string[]): string {
  return values.map(quoted).join(", ");
}
