/**
 * Serving until told to stop: the first SIGINT/SIGTERM/SIGHUP starts a graceful shutdown bounded
 * by `--shutdown-timeout`, a second one forces the exit (128 + its number); a server that ends on
 * its own is a clean stop. The signals are watched from before the start (`stop_signals.ts`), so
 * a first signal may already have come when this is called: the shutdown then begins at once.
 *
 * Its status lines (`stopping`, `stopped`, `forced exit`) go to `status`, which `main` makes
 * stderr: stdout carries the access log, and a line of another shape there breaks whoever reads
 * the log (`--log json` piped into `jq`).
 *
 * This module must not start the server, subscribe to signals or exit: it resolves to the exit
 * code.
 * @module
 */

import type { LineSink } from "../log/line_sink.ts";
import type { Config } from "./config.ts";
import { EXIT, signalExitCode } from "./exit_codes.ts";
import { formatDuration } from "./parse_values.ts";
import type { Serving } from "./start_serving.ts";
import type { StopSignals } from "./stop_signals.ts";

/** Waits for `server` to end or for `signals`, saying so on `status`; resolves to the exit code. */
export async function serveUntilSignal(
  server: Serving,
  config: Config,
  signals: StopSignals,
  status: LineSink,
): Promise<number> {
  const signal = await Promise.race([signals.first, server.finished.then(() => null)]);
  if (signal === null) return EXIT.ok;
  if (!config.quiet) {
    status.line(
      `wireserve: ${signal}: stopping; waiting up to ${formatDuration(config.shutdownTimeoutMs)}` +
        ` for ${server.connectionCount} open connection(s) (signal again to force)`,
    );
  }
  const graceful = server.shutdown(config.shutdownTimeoutMs).then(() => EXIT.ok);
  const forced = signals.second.then(signalExitCode);
  const code = await Promise.race([graceful, forced]);
  if (code !== EXIT.ok) server.terminate?.();
  if (!config.quiet) {
    status.line(code === EXIT.ok ? "wireserve: stopped" : "wireserve: forced exit");
  }
  return code;
}
