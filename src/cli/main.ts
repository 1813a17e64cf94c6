/**
 * The program a person runs, as a function: `main(args, env, io)` parses and validates
 * everything before starting, starts the server, prints the banner, and on SIGINT/SIGTERM shuts
 * down gracefully; it resolves to the exit code. Output and signals come through `io`, so tests
 * run it in-process; `main.ts` at the root passes the real ones and is the only `Deno.exit`.
 *
 * Exit codes: 0 stopped cleanly; 1 could not start (a file, folder or port problem); 2 bad
 * option or value; 128 + the signal number (130 for SIGINT, 143 for SIGTERM) when a second
 * signal forced the exit before in-flight requests finished.
 *
 * This module must not call Deno.exit.
 * @module
 */

import { SHARED_COUNTERS, sharedServices, startBackgroundTasks } from "../app/services.ts";
import { canSharePort, WorkerPool } from "../workers/worker_pool.ts";
import type { AppHooks } from "../app/app_hooks.ts";
import { bannerLines, type InterfaceAddress, isWildcard, urls, warningLines } from "./banner.ts";
import { HttpServer } from "../http/server.ts";
import { reclaimWhenIdle } from "../app/idle_memory.ts";
import { type ByteWriter, LineSink } from "../log/line_sink.ts";
import { accessLogger } from "../log/access_log.ts";
import { collectValues, type EnvVars, parseFlags } from "./args.ts";
import { buildConfig, type Config } from "./config.ts";
import { DEFAULT_ENV_FILE, loadEnvFile } from "./env_file.ts";
import { formatDuration } from "./parse_values.ts";
import { checkStartup } from "./startup_checks.ts";
import { readProcessVar, templateVariables, templateVarReader } from "../app/template_vars.ts";
import { usageText, versionText } from "./usage.ts";
import { lanUrls, withZone } from "../app/lan_urls.ts";
import { qrTerminal } from "../app/qr_code.ts";
import { resolve } from "node:path";

/** The signals that stop wireserve. */
export type StopSignal = "SIGINT" | "SIGTERM";

/** Everything `main` touches outside itself. */
export interface MainIo {
  /** Banner and access log. */
  stdout: ByteWriter;
  /** Errors and warnings. */
  stderr: ByteWriter;
  /** Subscribes to the stop signals; returns the unsubscribe. */
  onSignal(listener: (signal: StopSignal) => void): () => void;
  /** The working folder: relative paths and ./.env resolve against it. */
  cwd: string;
  /** The machine's addresses for the banner; [] when they cannot be read. */
  networkInterfaces(): readonly InterfaceAddress[];
  /**
   * One `WIRESERVE_VAR_*` variable of the process environment, read when a template asks for it
   * (Deno cannot list the variables it may read); undefined when unset or not readable.
   */
  readVar?(name: string): string | undefined;
  /** Whether stdout is a terminal (the banner then draws a QR code); absent: it is not. */
  isTerminal?(): boolean;
}

/** Exit codes, as documented in the help. */
export const EXIT = { ok: 0, cannotStart: 1, usage: 2 } as const;

/** Shell convention for "ended by signal N": 128 + N. */
const SIGNAL_EXIT_BASE = 128;
const SIGNAL_NUMBERS: Readonly<Record<StopSignal, number>> = { SIGINT: 2, SIGTERM: 15 };
/** How long the last log lines may take to leave before the process exits anyway. */
const FINAL_FLUSH_MS = 2000;

/** Runs wireserve with `args`; resolves to the exit code. */
export async function main(args: readonly string[], env: EnvVars, io: MainIo): Promise<number> {
  const out = new LineSink(io.stdout);
  const err = new LineSink(io.stderr);
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

  // An empty WIRESERVE_ENV_FILE counts as unset, like every other variable.
  const named = parsed.flags.get("env-file")?.value ?? (env.WIRESERVE_ENV_FILE || undefined);
  const envFilePath = typeof named === "string" ? named : DEFAULT_ENV_FILE;
  const envFile = await loadEnvFile(resolve(io.cwd, envFilePath), named !== undefined);
  if (!envFile.ok) {
    // Name where the file came from: `--env-file` (as typed) or WIRESERVE_ENV_FILE.
    const from = parsed.flags.get("env-file")?.source ??
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
    ));
  } catch (e) {
    // A host name nothing resolves is a bad --host value (exit 2), like a malformed one.
    const code = isLookupFailure(e) ? EXIT.usage : EXIT.cannotStart;
    return failWith(code, listenError(config, e, values.get("host")?.source ?? "--host"));
  }
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
  try {
    return await serveUntilSignal(server, config, io, out);
  } finally {
    stopTasks();
  }
}

/** A running server: one HttpServer in this thread, or a pool of workers. */
interface Serving extends Pick<HttpServer, "addr" | "finished" | "connectionCount" | "shutdown"> {
  /** Ends the workers at once (a second signal); the main thread's server just goes away. */
  terminate?(): void;
}

/**
 * Starts serving `config`: in this thread with one worker, else a pool of worker isolates on one
 * port. Without `--unstable-net` (a plain `deno run`) SO_REUSEPORT is unavailable: it says so
 * and serves with one worker rather than not at all.
 */
async function startServing(
  config: Config,
  machine: { tls: { cert: string; key: string } | null; interfaces: readonly InterfaceAddress[] },
  hooks: AppHooks,
  templateFileVars: Record<string, string>,
  out: LineSink,
  err: LineSink,
): Promise<{ server: Serving; config: Config }> {
  if (config.workers > 1 && !canSharePort()) {
    err.line(`wireserve: warning: --workers needs ${UNSTABLE_NET}; serving with 1 worker`);
    config = { ...config, workers: 1 };
  }
  if (config.workers > 1) {
    const pool = await WorkerPool.start({
      count: config.workers,
      config: {
        app: config.app,
        hostname: config.hostname,
        port: config.port,
        tls: machine.tls,
        interfaces: [...machine.interfaces],
        limits: config.limits,
        log: config.log,
        templateFileVars,
      },
      services: sharedServices(config.app),
      counters: SHARED_COUNTERS,
      out,
      err,
    });
    // This thread serves nothing, but relays every worker's log lines.
    const stopReclaiming = reclaimWhenIdle(() => pool.messageCount);
    pool.finished.finally(stopReclaiming);
    return { server: pool, config };
  }
  // The app is loaded only here, where this thread serves: a pool's main thread serves nothing
  // and keeps only the shared services (../app/services.ts), each worker loading the app itself.
  const { createApp } = await import("../app/routes.ts");
  const server = new HttpServer({
    hostname: config.hostname,
    port: config.port,
    handler: createApp(config.app, hooks),
    limits: config.limits,
    tls: machine.tls ?? undefined,
    onError: (e, where) => err.line(`wireserve: ${where} failed: ${errorText(e)}`),
    onResponse: accessLogger(config.log, out),
  });
  const stopReclaiming = reclaimWhenIdle(() => server.requestCount);
  server.finished.finally(stopReclaiming);
  return { server, config };
}

/** The Deno flag SO_REUSEPORT needs (`deno task start` and the binary have it). */
const UNSTABLE_NET = "--unstable-net";

async function serveUntilSignal(
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
    const forced = secondSignal.then((s) => SIGNAL_EXIT_BASE + SIGNAL_NUMBERS[s]);
    const code = await Promise.race([graceful, forced]);
    if (code !== EXIT.ok) server.terminate?.();
    if (!config.quiet) out.line(code === EXIT.ok ? "wireserve: stopped" : "wireserve: forced exit");
    return code;
  } finally {
    unsubscribe();
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

/** Deno's error for a host name the resolver does not know (getaddrinfo failed). */
const LOOKUP_FAILED = /failed to lookup address/i;
/** The TLS layer's word for a key that does not belong to the certificate. */
const KEY_MISMATCH = /KeyMismatch/;

function isLookupFailure(e: unknown): boolean {
  return e instanceof Error && LOOKUP_FAILED.test(e.message);
}

function listenError(config: Config, e: unknown, hostSource: string): string {
  const where = `${config.hostname}:${config.port}`;
  if (isLookupFailure(e)) {
    return `${hostSource}: ${
      JSON.stringify(config.hostname)
    } is not an address of this machine or a name it can resolve`;
  }
  if (e instanceof Deno.errors.AddrInUse) {
    return `cannot listen on ${where}: the port is already in use (--port 0 picks a free one)`;
  }
  if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable) {
    return `cannot listen on ${where}: permission denied (ports below 1024 need privileges)`;
  }
  if (e instanceof Deno.errors.AddrNotAvailable) {
    return `cannot listen on ${where}: no such address on this machine (--host)`;
  }
  const message = e instanceof Error ? e.message : String(e);
  // Deno reports a certificate/key problem (mismatch, bad key type) only when listening; the
  // start-up check catches a mismatch first, this is the backstop for what it cannot parse.
  if (config.tls !== null && KEY_MISMATCH.test(message)) {
    return "--tls-key: the private key does not match the certificate in --tls-cert";
  }
  if (config.tls !== null) return `cannot use --tls-cert and --tls-key: ${message}`;
  return `cannot listen on ${where}: ${message}`;
}

function safeInterfaces(io: MainIo): readonly InterfaceAddress[] {
  try {
    return io.networkInterfaces();
  } catch {
    return []; // the banner then shows the bound address only
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

async function flushBounded(sinks: LineSink[]): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((r) => timer = setTimeout(r, FINAL_FLUSH_MS));
  await Promise.race([Promise.all(sinks.map((s) => s.flush())), timeout]);
  clearTimeout(timer);
}

/** The real `io`: Deno's stdout, stderr, signals, working folder and interfaces. */
export function denoIo(): MainIo {
  return {
    stdout: Deno.stdout,
    stderr: Deno.stderr,
    cwd: Deno.cwd(),
    networkInterfaces: () => Deno.networkInterfaces(),
    readVar: readProcessVar,
    isTerminal: () => Deno.stdout.isTerminal(),
    onSignal(listener) {
      const signals: StopSignal[] = Deno.build.os === "windows"
        ? ["SIGINT"]
        : ["SIGINT", "SIGTERM"];
      const handlers = signals.map((s) => [s, () => listener(s)] as const);
      for (const [s, h] of handlers) Deno.addSignalListener(s, h);
      return () => {
        for (const [s, h] of handlers) Deno.removeSignalListener(s, h);
      };
    },
  };
}
