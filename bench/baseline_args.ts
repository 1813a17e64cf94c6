/**
 * The command line both file baselines take: `--port <n> --root <dir> [--host <addr>]`.
 * @module
 */

import { parseArgs } from "node:util";

/** Where a baseline listens and which folder it serves or writes. */
export interface BaselineArgs {
  port: number;
  host: string;
  root: string;
}

/** Parses `args`; prints one line and exits 2 when --port or --root is missing. */
export function parseBaselineArgs(args: string[]): BaselineArgs {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      root: { type: "string" },
    },
  });
  if (!values.port || !values.root) {
    console.error("baseline: --port and --root are required (see the module doc)");
    Deno.exit(2);
  }
  return { port: Number(values.port), host: values.host, root: values.root };
}
