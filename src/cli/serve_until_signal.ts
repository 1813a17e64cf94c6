/**
 * Serving until told to stop: the first SIGINT/SIGTERM starts a graceful shutdown bounded by
 * `--shutdown-timeout`, a second one forces the exit (128 + its number); a server that ends on
 * its own is a clean stop.
 *
 * This module must not start the server or exit: it resolves to the exit code.
 * @module
 */

import type { LineSink } from "../log/line_sink.ts";
import type { Config } from "./config.ts";
import { EXIT, signalExitCode } from "./exit_codes.ts";
import type { MainIo, StopSignal } from "./main_io.ts";
import { formatDuration } from "./parse_values.ts";
import type { Serving } from "./start_serving.ts";

/** Waits for `server` to end or for the stop signals of `io`; resolves to the exit code. */
export async function serveUntilSignal(
  server: Serving,
  config: Config,
  io: MainIo,
  out: LineSink,
): Promise<number> {
  let first!: (s: StopSignal) => void;
  let again!: (s: StopSignal) => void;
  const firstSignal = new Promise<StopSignal>((r) => first = r);
  const secondSignal = new Promise<StopSignal>((r) => again = r);
  let count = 0;
  const unsubscribe = io.onSignal((signal) => {
    count++;
    if (count === 1) first(signal);
    else again(signal);
  });
  try {
    const signal = await Promise.race([firstSignal, server.finished.then(() => null)]);
    if (signal === null) return EXIT.ok;
    if (!config.quiet) {
      out.line(
        `wireserve: ${signal}: stopping; waiting up to ${
          formatDuration(config.shutdownTimeoutMs)
        }` +
          ` for ${server.connectionCount} open connection(s) (signal again to force)`,
      );
    }
    const graceful = server.shutdown(config.shutdownTimeoutMs).then(() => EXIT.ok);
    const forced = secondSignal.then(signalExitCode);
    const code = await Promise.race([graceful, forced]);
    if (code !== EXIT.ok) server.terminate?.();
    if (!config.quiet) out.line(code === EXIT.ok ? "wireserve: stopped" : "wireserve: forced exit");
    return code;
  } finally {
    unsubscribe();
  }
}
