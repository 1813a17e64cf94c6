/**
 * Command line → validated `Config`, and the usage text. Parsing and validation are separate
 * from starting anything, so both are testable without a socket.
 *
 * This module must not start servers or exit the process.
 * @module
 */

import { parseArgs } from "node:util";

/** Version printed by `--version`. */
export const VERSION = "0.1.0";

/** The validated configuration everything starts from. */
export interface Config {
  hostname: string;
  port: number;
  directory: string;
}

/** Defaults: loopback only, a fixed port, the current folder. */
export const DEFAULTS: Readonly<Config> = Object.freeze({
  hostname: "127.0.0.1",
  port: 8000,
  directory: ".",
});

/** What the command line asked for. */
export type CliResult =
  | { kind: "run"; config: Config }
  | { kind: "help"; text: string }
  | { kind: "version"; text: string }
  | { kind: "error"; message: string };

/** The --help text. */
export const USAGE = `wireserve ${VERSION} — a single-binary HTTP/1.1 file, upload and echo server

Usage: wireserve [DIR] [options]

Options:
  -d, --directory <dir>  folder shared at /files/            (default: .)
  -p, --port <n>         port to listen on, 0 picks a free one (default: ${DEFAULTS.port})
  -H, --host <addr>      address to bind                      (default: ${DEFAULTS.hostname})
  -h, --help             show this help
  -V, --version          show the version

Example:
  wireserve --port 4221 --directory /tmp/share
`;

/** Parses `args` (and `env` for PORT/HOST) into a result; never throws, never exits. */
export function parseCli(args: string[], env: Record<string, string | undefined> = {}): CliResult {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        directory: { type: "string", short: "d" },
        port: { type: "string", short: "p" },
        host: { type: "string", short: "H" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "V" },
      },
    });
  } catch (err) {
    return { kind: "error", message: (err as Error).message };
  }
  const v = parsed.values;
  if (v.help) return { kind: "help", text: USAGE };
  if (v.version) return { kind: "version", text: `wireserve ${VERSION}\n` };
  if (parsed.positionals.length > 1) {
    return { kind: "error", message: "Too many folders given: pass at most one DIR" };
  }
  const portText = v.port ?? env.PORT ?? String(DEFAULTS.port);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    return { kind: "error", message: `Invalid --port "${portText}": expected 0 to 65535` };
  }
  return {
    kind: "run",
    config: {
      hostname: v.host ?? env.HOST ?? DEFAULTS.hostname,
      port: Number(portText),
      directory: v.directory ?? parsed.positionals[0] ?? DEFAULTS.directory,
    },
  };
}
