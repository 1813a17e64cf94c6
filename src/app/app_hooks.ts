/**
 * What the app needs from the program around it besides its configuration: a place for the
 * operator's warnings, and the `WIRESERVE_VAR_*` values templates show. Functions rather than
 * data, so they stay out of `AppConfig` (plain data a worker can receive as is); whoever builds
 * the app in a process or a worker passes its own.
 *
 * This module must not read the environment or write anywhere itself.
 * @module
 */

/** The prefix of the variables `${env.NAME}` reads: `WIRESERVE_VAR_NAME`. */
export const TEMPLATE_VAR_PREFIX = "WIRESERVE_VAR_";
/** The names `${env.NAME}` accepts (so the variable is `WIRESERVE_VAR_` + one of these). */
export const TEMPLATE_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The app's links to the program that runs it. */
export interface AppHooks {
  /** One line for the operator (stderr): what went wrong where, never request bytes. */
  warn(line: string): void;
  /**
   * The value of `WIRESERVE_VAR_<name>` (the environment first, then the .env file), or
   * undefined when it is not set. No other variable is ever asked for.
   */
  templateVar(name: string): string | undefined;
  /**
   * The URLs a phone on the LAN can open (`/api/info`'s `lanUrls`), known once the server is
   * listening; none when bound to loopback only. Absent: none.
   */
  lanUrls?(): readonly string[];
}

/** Hooks that do nothing: no warnings shown, no template variables (tests, defaults). */
export const NO_HOOKS: AppHooks = Object.freeze({
  warn: () => {},
  templateVar: () => undefined,
});
