/**
 * The program a person runs, as a function: `main(args, env, io)` parses and validates
 * everything before starting, starts the server, prints the banner, and on SIGINT/SIGTERM/SIGHUP
 * shuts down gracefully; it resolves to the exit code (`exit_codes.ts`). Output and signals come
 * through `io` (`main_io.ts`), so tests run it in-process; `main.ts` at the root passes the real
 * ones and is the only `Deno.exit`.
 *
 * This module is the start-up sequence and what it prints; starting the server is
 * `start_serving.ts`, watching the signals `stop_signals.ts`, the wait for them
 * `serve_until_signal.ts`, and the wording of a failure to listen `listen_error.ts`.
 *
 * This module must not call Deno.exit.
 * @module
 */

import { startBackgroundTasks } from "../app/services.ts";
import type { AppHooks } from "../app/app_hooks.ts";
import { bannerLines, type InterfaceAddress, isWildcard, urls, warningLines } from "./banner.ts";
import { LineSink } from "../log/line_sink.ts";
import { collectValues, type EnvVars, parseFlags } from "./args.ts";
import { buildConfig, type Config } from "./config.ts";
import { DEFAULT_ENV_FILE, loadEnvFile, unknownVariable } from "./env_file.ts";
import { LIKELY_TYPOS } from "./options.ts";
import { EXIT } from "./exit_codes.ts";
import { errorText, isLookupFailure, listenError } from "./listen_error.ts";
import type { MainIo } from "./main_io.ts";
import { serveUntilSignal } from "./serve_until_signal.ts";
import { type Serving, startServing } from "./start_serving.ts";
import { type StopSignals, watchStopSignals } from "./stop_signals.ts";
import { checkStartup } from "./startup_checks.ts";
import { templateVariables, templateVarReader } from "../app/template_vars.ts";
import { usageText, versionText } from "./usage.ts";
import { lanUrls, withZone } from "../app/lan_urls.ts";
import { qrTerminal } from "../app/qr_code.ts";
import { resolve } from "node:path";

export { EXIT } from "./exit_codes.ts";
export { denoIo, type MainIo, type StopSignal } from "./main_io.ts";

/** How long the last log lines may take to leave before the process exits anyway. */
const FINAL_FLUSH_MS = 2000;

/** Runs wireserve with `args`; resolves to the exit code. */
export async function main(args: readonly string[], env: EnvVars, io: MainIo): Promise<number> {
  const err = new LineSink(io.stderr);
  // stdout after the banner is the access log alone: its "lines dropped" notice goes to stderr.
  const out = new LineSink(io.stdout, undefined, (line) => err.line(line));
  try {
    return await run(args, env, io, out, err);
  } finally {
    await flushBounded([out, err]);
  }
}

async function run(
  args: readonly string[],
  env: EnvVars,
  io: MainIo,
  out: LineSink,
  err: LineSink,
): Promise<number> {
  const failWith = (code: number, message: string) => {
    err.line(`wireserve: ${message}`);
    return code;
  };
  const parsed = parseFlags(args);
  if (!parsed.ok) return failWith(EXIT.usage, parsed.message);
  if (parsed.flags.has("help")) return print(out, usageText());
  if (parsed.flags.has("version")) return print(out, versionText());

  // refuse: a misspelt variable would be ignored, and `WIRESERVE_READONLY=1` leave writes open
  const unknown = unknownVariable(Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  ));
  if (unknown !== undefined) {
    const meant = LIKELY_TYPOS.get(unknown);
    return failWith(
      EXIT.usage,
      `${unknown}: unknown variable${meant === undefined ? "" : `; did you mean ${meant}?`} ` +
        "(see --help)",
    );
  }
  const envFileFlag = parsed.flags.get("env-file");
  // refuse: an empty path (`--env-file="$FILE"` with FILE unset) would resolve to the working
  // folder; it is a bad value (exit 2), worded as `--directory ''` is, not an unreadable file
  if (envFileFlag?.value === "") {
    return failWith(EXIT.usage, `${envFileFlag.source}: expected a path, got ""`);
  }
  // An empty WIRESERVE_ENV_FILE counts as unset, like every other variable.
  const named = envFileFlag?.value ?? (env.WIRESERVE_ENV_FILE || undefined);
  const envFilePath = typeof named === "string" ? named : DEFAULT_ENV_FILE;
  const envFile = await loadEnvFile(resolve(io.cwd, envFilePath), named !== undefined);
  if (!envFile.ok) {
    // Name where the file came from: `--env-file` (as typed) or WIRESERVE_ENV_FILE.
    const from = envFileFlag?.source ??
      (named === undefined ? null : "WIRESERVE_ENV_FILE");
    return failWith(
      envFile.exitCode,
      from === null ? envFile.message : `${from}: ${envFile.message}`,
    );
  }
  const values = collectValues(parsed, env, envFile.vars, envFilePath);
  const built = buildConfig(values, io.cwd);
  if (!built.ok) return failWith(EXIT.usage, built.message);
  // refuse: the settings file holds the credentials; no served folder may hand it out
  const secretFiles = envFile.path === null ? [] : [envFile.path];
  let config: Config = { ...built.config, app: { ...built.config.app, secretFiles } };
  const checked = await checkStartup(config, values);
  if (!checked.ok) return failWith(EXIT.cannotStart, checked.message);

  // Filled in once the server listens (the port may be the system's pick).
  let lan: readonly string[] = [];
  const hooks: AppHooks = {
    warn: (line) => err.line(line),
    templateVar: templateVarReader((name) => io.readVar?.(name), envFile.vars),
    lanUrls: () => lan,
  };
  // Interfaces are listed only when bound to all of them: that is when LAN URLs are shown. Read
  // once, here, so the banner and every worker's /api/info give the same URLs.
  const interfaces = isWildcard(config.hostname) ? safeInterfaces(io) : [];
  // Watched before any worker starts: workers answer while the others are still starting, and a
  // signal then, with no handler installed yet, would kill the process with requests in flight.
  const signals = watchStopSignals(io);
  let server: Serving;
  try {
    const fileVars = templateVariables(envFile.vars);
    ({ server, config } = await startServing(
      config,
      { tls: checked.tls, interfaces },
      hooks,
      fileVars,
      out,
      err,
      signals.startAborted,
    ));
  } catch (e) {
    signals.close();
    // A host name nothing resolves is a bad --host value (exit 2), like a malformed one.
    const code = isLookupFailure(e) ? EXIT.usage : EXIT.cannotStart;
    return failWith(code, listenError(config, e, values.get("host")?.source ?? "--host"));
  }
  // A signal during the start stops it at once: no banner, no background walk.
  if (signals.received) return await serveWatched(server, config, signals, err, () => {});
  const banner = { config, addr: server.addr, interfaces, realFolders: checked.realFolders };
  const host = withZone(server.addr.hostname, config.hostname);
  lan = lanUrls(host, server.addr.port, config.tls !== null, interfaces);
  if (!config.quiet) {
    for (const line of bannerLines(banner)) out.line(line);
    // A QR code of the first LAN URL for a phone; only on a terminal (a log file gets none).
    if (lan.length > 0 && io.isTerminal?.() === true) {
      for (const line of await qrBannerLines(lan[0])) out.line(line);
    }
  } // Even when quiet, a port picked by the system must be told, or nobody can connect.
  else if (config.port === 0) out.line(urls(banner)[0]);
  for (const line of warningLines(banner)) err.line(line);
  const stopTasks = startBackgroundTasks(
    config.app,
    (e) => err.line(`wireserve: cleaning unfinished uploads failed: ${errorText(e)}`),
  );
  // The shutdown's status lines go to stderr: stdout is the access log's alone once it runs.
  return await serveWatched(server, config, signals, err, stopTasks);
}

/** Serves until a signal, then stops the background tasks and the signal watch. */
async function serveWatched(
  server: Serving,
  config: Config,
  signals: StopSignals,
  status: LineSink,
  stopTasks: () => void,
): Promise<number> {
  try {
    return await serveUntilSignal(server, config, signals, status);
  } finally {
    stopTasks();
    signals.close();
  }
}

/** The banner's QR code of `url`, with a line saying what it is; none if it cannot be drawn. */
async function qrBannerLines(url: string): Promise<string[]> {
  try {
    return [`  scan to open ${url} on a phone:`, ...await qrTerminal(url)];
  } catch {
    return []; // a banner without its picture is still a banner
  }
}

function print(out: LineSink, text: string): number {
  out.line(text.trimEnd());
  return EXIT.ok;
}

function safeInterfaces(io: MainIo): readonly InterfaceAddress[] {
  try {
    return io.networkInterfaces();
  } catch {
    return []; // the banner then shows the bound address only
  }
}

async function flushBounded(sinks: LineSink[]): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((r) => timer = setTimeout(r, FINAL_FLUSH_MS));
  await Promise.race([Promise.all(sinks.map((s) => s.flush())), timeout]);
  clearTimeout(timer);
}
