/**
 * The values `${env.NAME}` shows: `WIRESERVE_VAR_NAME` from the process environment or the .env
 * file, and no other variable, ever. Deno cannot list the variables a program granted
 * `--allow-env=WIRESERVE_*` may read, so they are read by name when a template asks; the name
 * is checked first, so the prefix always stands in front of it.
 *
 * Precedence as for options: the environment over .env. An empty variable in the environment
 * counts as unset (as for options), so .env's value shows; with neither, an empty one shows as
 * empty rather than as an error.
 *
 * This module must not read the environment itself: `readProcess` does.
 * @module
 */

import { TEMPLATE_VAR_NAME, TEMPLATE_VAR_PREFIX } from "../app/app_hooks.ts";
import type { EnvVars } from "./args.ts";

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
  fileVars: EnvVars,
): (name: string) => string | undefined {
  return (name) => {
    // refuse: only WIRESERVE_VAR_ + a plain name is ever read, whatever a template asks for
    if (!TEMPLATE_VAR_NAME.test(name)) return undefined;
    const full = TEMPLATE_VAR_PREFIX + name;
    const fromProcess = readProcess(full);
    if (fromProcess !== undefined && fromProcess !== "") return fromProcess;
    return fileVars[full] ?? fromProcess;
  };
}
