/**
 * The .env file: `KEY=value` lines (quotes, `export`, comments, as the `dotenv` package reads
 * them) feeding the same variables as the environment. Only wireserve's own variables are kept —
 * its options' and the template values `WIRESERVE_VAR_<NAME>`; nothing is written into the
 * process environment.
 *
 * This module reads one file; it must not start anything or exit.
 * @module
 */

import { FileTooLarge, readSmallText } from "./read_small_text.ts";
import dotenv from "dotenv";
import { ENV_NAMES } from "./options.ts";
import { isTemplateVariable } from "../app/template_vars.ts";
import { shownPath } from "./shown_path.ts";

/** The .env file read when none is named. */
export const DEFAULT_ENV_FILE = ".env";

/**
 * Variables of a .env file and the `path` read (null when the optional default was missing: no
 * file was read), or why it could not be read.
 */
export type EnvFileResult =
  | { ok: true; vars: Record<string, string>; path: string | null }
  | { ok: false; message: string; exitCode: 1 | 2 };

const KNOWN: ReadonlySet<string> = new Set(ENV_NAMES);
const PREFIX = "WIRESERVE_";
const ENV_FILE_VARIABLE = "WIRESERVE_ENV_FILE";

/**
 * Reads `path` (the caller keeps it private: it holds credentials). A missing file is fine when `required` is false (the default ./.env is
 * optional); a named file that cannot be read is an error (exit 1), and so is an unknown
 * `WIRESERVE_*` name in it (exit 2, like a bad flag).
 */
export async function loadEnvFile(path: string, required: boolean): Promise<EnvFileResult> {
  let text: string;
  try {
    text = await readSmallText(path);
  } catch (err) {
    if (!required && err instanceof Deno.errors.NotFound) return { ok: true, vars: {}, path: null };
    return {
      ok: false,
      exitCode: 1,
      message: `${shownPath(path)}: cannot read: ${errorText(err)}`,
    };
  }
  const parsed: Record<string, string> = dotenv.parse(text);
  const unknown = unknownVariable(parsed);
  if (unknown !== undefined) {
    return {
      ok: false,
      exitCode: 2,
      message: `${unknown} in ${shownPath(path)}: unknown variable (see --help)`,
    };
  }
  // The file to read is chosen before any file is read: named inside one, it could only be
  // ignored (a typo's silence, as above).
  if (ENV_FILE_VARIABLE in parsed) {
    return {
      ok: false,
      exitCode: 2,
      message: `${ENV_FILE_VARIABLE} in ${
        shownPath(path)
      }: names the settings file, so it cannot be set inside one (use --env-file or the environment)`,
    };
  }
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (KNOWN.has(name) || isTemplateVariable(name)) vars[name] = value;
  }
  return { ok: true, vars, path };
}

/**
 * The first `WIRESERVE_*` variable wireserve does not know, or undefined: a typo such as
 * `WIRESERVE_READONLY=1` would otherwise be ignored and leave writes open.
 */
export function unknownVariable(vars: Readonly<Record<string, unknown>>): string | undefined {
  return Object.keys(vars).find((name) =>
    name.startsWith(PREFIX) && !KNOWN.has(name) && !isTemplateVariable(name)
  );
}

function errorText(err: unknown): string {
  if (err instanceof FileTooLarge) return err.message;
  if (err instanceof Deno.errors.NotFound) return "no such file";
  if (err instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (err instanceof Deno.errors.IsADirectory) return "is a folder";
  return err instanceof Error ? err.message : String(err);
}
