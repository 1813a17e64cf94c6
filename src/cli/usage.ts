/**
 * The `--help` text, generated from the option table so every flag shows its default, its
 * environment variables and an example. A test pins the exact text.
 *
 * This module must not read flags, the environment or the disk.
 * @module
 */

import { VERSION } from "../version.ts";
import { OPTION_GROUPS, OPTIONS, type OptionSpec } from "./options.ts";

/** Width the help is laid out for (a standard terminal is 80; lines stay under 100). */
const MAX_WIDTH = 100;
/** Column where help text starts after the flag names. */
const HELP_COLUMN = 34;
const INDENT = "  ";

const HEADER = `wireserve ${VERSION}: a single-binary HTTP/1.1 file, upload and echo server

Usage: wireserve [DIR] [options]

Serves the web UI at / and the folder DIR (default: the working folder) at /files/.
Every option can also be set by the environment variable shown, or in a .env file in the
working folder: flags win over the environment, the environment over .env, .env over defaults.
  sizes      1024, 64K, 500M, 1.5G, 2G (binary units: K = 1024 bytes, M = 1024 K, ...)
  durations  30 (seconds), 1.5, 500ms, 30s, 5m, 1h
  switches   given as a flag, or in the environment as 1/true/yes/on or 0/false/no/off
`;

const FOOTER = `Examples:
  wireserve                                 share the working folder on http://127.0.0.1:8000/
  wireserve ~/Music --port 0                share ~/Music on a free port (printed at start)
  wireserve --host 0.0.0.0 --auth me:pw     open to the LAN; uploads need the password
  wireserve --read-only --cors              read-only, callable from any web page
  wireserve --tls-cert cert.pem --tls-key key.pem --port 8443
  PORT=9000 wireserve --quiet --log json    JSON access log only

Put secrets (--auth, --token) in the environment or .env rather than on the command line,
where other users of the machine can see them in the process list.

Exit codes: 0 stopped cleanly; 1 could not start (port in use, folder missing, unreadable
certificate); 2 bad option or value; 130 (SIGINT), 143 (SIGTERM) or 129 (SIGHUP) when a second
signal forced the exit before in-flight requests finished.
`;

function flagNames(o: OptionSpec): string {
  const long = `--${o.name}${o.placeholder ? ` ${o.placeholder}` : ""}`;
  return o.short ? `-${o.short}, ${long}` : `    ${long}`;
}

function optionLines(o: OptionSpec): string[] {
  const names = INDENT + flagNames(o);
  const pad = " ".repeat(HELP_COLUMN);
  const first = names.length <= HELP_COLUMN - INDENT.length
    ? names.padEnd(HELP_COLUMN) + o.help
    : `${names}\n${pad}${o.help}`;
  const facts: string[] = [];
  if (o.defaultText !== "") facts.push(`default: ${o.defaultText}`);
  if (o.env.length > 0) facts.push(`env: ${o.env.join(", ")}`);
  const lines = [first];
  if (facts.length > 0) lines.push(pad + facts.join(" · "));
  if (o.example !== undefined) {
    const withExample = `${lines[lines.length - 1]} · e.g. ${o.example}`;
    if (facts.length > 0 && withExample.length <= MAX_WIDTH) lines[lines.length - 1] = withExample;
    else lines.push(`${pad}e.g. ${o.example}`);
  }
  return lines;
}

/** The full `--help` text, ending with a newline. */
export function usageText(): string {
  const sections = OPTION_GROUPS.map((group) => {
    const lines = OPTIONS.filter((o) => o.group === group).flatMap(optionLines);
    return `${group}:\n${lines.join("\n")}\n`;
  });
  return [HEADER, ...sections, FOOTER].join("\n");
}

/** The `--version` text, ending with a newline. */
export function versionText(): string {
  return `wireserve ${VERSION}\n`;
}
