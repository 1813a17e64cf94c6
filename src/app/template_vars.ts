/**
 * The values `${env.NAME}` shows: `WIRESERVE_VAR_NAME` from the process environment or the .env
 * file, and no other variable, ever. Deno cannot list the variables a program granted
 * `--allow-env=WIRESERVE_*` may read, so they are read by name when a template asks; the name
 * is checked first, so the prefix always stands in front of it.
 *
 * Precedence as for options: the environment over .env. An empty variable counts as unset, as
 * for options and as templates.md tells users: one empty in the environment lets .env's value
 * show, and with no value anywhere `${env.NAME}` is the "not set" error box. An empty variable
 * is far more often a deployment's unfilled placeholder (`WIRESERVE_VAR_TAGLINE=${TAGLINE}` in a
 * unit file) than a wish for blank text, and the box says so where a blank would hide it; a page
 * that means "maybe none" writes `${if env.NAME}`.
 *
 * Shared by the program (src/cli) and each worker, which build the same reader.
 *
 * This module must not read the environment itself: `readProcess` does.
 * @module
 */

import { TEMPLATE_VAR_NAME, TEMPLATE_VAR_PREFIX } from "./app_hooks.ts";

/** Variables by name, as a .env file gives them. */
export type VarTable = Readonly<Record<string, string | undefined>>;

/** Whether a whole variable name is a template variable (`WIRESERVE_VAR_SITE_NAME`). */
export function isTemplateVariable(name: string): boolean {
  return name.startsWith(TEMPLATE_VAR_PREFIX) &&
    TEMPLATE_VAR_NAME.test(name.slice(TEMPLATE_VAR_PREFIX.length));
}

/**
 * The reader behind `${env.NAME}`: `readProcess(fullName)` reads the process environment,
 * `fileVars` are the .env file's variables.
 */
export function templateVarReader(
  readProcess: (fullName: string) => string | undefined,
  fileVars: VarTable,
): (name: string) => string | undefined {
  return (name) => {
    // refuse: only WIRESERVE_VAR_ + a plain name is ever read, whatever a template asks for
    if (!TEMPLATE_VAR_NAME.test(name)) return undefined;
    const full = TEMPLATE_VAR_PREFIX + name;
    const fromProcess = readProcess(full);
    if (fromProcess !== undefined && fromProcess !== "") return fromProcess;
    const fromFile = fileVars[full];
    return fromFile === "" ? undefined : fromFile;
  };
}

/** Only the template variables of `vars` (what a worker is sent of the .env file). */
export function templateVariables(vars: VarTable): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(vars)) {
    if (value !== undefined && isTemplateVariable(name)) out[name] = value;
  }
  return out;
}

/** Reads a template variable from this process's environment (never any other variable). */
export function readProcessVar(name: string): string | undefined {
  // refuse: this reads template variables only, never any other part of the environment
  if (!isTemplateVariable(name)) return undefined;
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // not granted: the variable is as good as unset
  }
}
