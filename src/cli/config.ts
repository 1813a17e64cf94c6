/**
 * Raw option values → one validated `Config`, before anything starts. Every bad value becomes
 * one line naming where it came from and what was expected:
 * `--port: expected a port from 0 to 65535, got "99999"`.
 *
 * Reading one value is `option_reader.ts`; the options with rules of their own have their own
 * files (`access_options.ts`, `host_option.ts`, `hide_patterns.ts`, `worker_count.ts`). This
 * module holds the defaults, how options combine (`--read-only` against the write flags, TLS
 * files in pairs, the state folder outside the share), and the order values are checked in,
 * which decides the error reported first.
 *
 * This module must not read the disk, start anything or exit: whether folders and certificate
 * files exist is checked by `main.ts` when it starts, since that can change.
 * @module
 */

import { isAbsolute, relative, resolve, sep } from "node:path";
import { type AppConfig, appConfig, DEFAULT_APP_CONFIG } from "../app/app_config.ts";
import type { Limits } from "../http/limits.ts";
import { VERSION } from "../version.ts";
import { LOG_FORMATS, type LogFormat } from "../log/access_log.ts";
import type { CliError, RawValue } from "./args.ts";
import { accessOptions } from "./access_options.ts";
import { hidePatterns } from "./hide_patterns.ts";
import { hostOption } from "./host_option.ts";
import { BadValue, OptionReader } from "./option_reader.ts";
import { envName } from "./options.ts";
import { type SystemFacts, systemFacts, workerCount } from "./worker_count.ts";

export { LOG_FORMATS, type LogFormat };
export { MAX_WORKERS, type SystemFacts, systemFacts } from "./worker_count.ts";

/** Everything wireserve starts from. */
export interface Config {
  /** What the routes and handlers are configured with (directory made absolute). */
  app: AppConfig;
  /** Address to bind. */
  hostname: string;
  /** Port to bind; 0 picks a free one. */
  port: number;
  /** Certificate and key files for HTTPS, or null for plain HTTP. */
  tls: { certFile: string; keyFile: string } | null;
  /** Engine limits changed from their defaults by flags. */
  limits: Partial<Limits>;
  /** How long a graceful shutdown waits for in-flight requests, in milliseconds. */
  shutdownTimeoutMs: number;
  /** Access log format. */
  log: LogFormat;
  /** No banner (the access log follows --log, off by default when quiet). */
  quiet: boolean;
  /** Isolates serving the port: 1 serves in the main thread. */
  workers: number;
}

/** Loopback only: nothing is reachable from the network unless asked for. */
export const DEFAULT_HOSTNAME = "127.0.0.1";
/** The port when none is given. */
export const DEFAULT_PORT = 8000;
/** Time in-flight requests get to finish after SIGINT/SIGTERM/SIGHUP. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** The access log format when none is given. */
export const DEFAULT_LOG: LogFormat = "common";

const MS_PER_SECOND = 1000;

/**
 * Flags that allow or shape changes: none means anything beside `--read-only`, which refuses every
 * change, so asking for both is a mistake to point out rather than a silent winner.
 */
export const WRITE_FLAGS: readonly string[] = ["allow-delete", "allow-mkdir", "no-overwrite"];

/** A validated config, or the first error found. */
export type ConfigResult = { ok: true; config: Config } | CliError;

/**
 * Validates `values` (from `collectValues`) into a `Config`; a relative directory is resolved
 * against `cwd`. Options that are absent take their defaults.
 */
export function buildConfig(
  values: ReadonlyMap<string, RawValue>,
  cwd: string,
  system: SystemFacts = systemFacts(),
): ConfigResult {
  try {
    return { ok: true, config: build(new OptionReader(values), cwd, system) };
  } catch (err) {
    if (err instanceof BadValue) return { ok: false, message: err.message };
    throw err;
  }
}

/** Reads every option; the order of the reads is the order errors are found in. */
function build(r: OptionReader, cwd: string, system: SystemFacts): Config {
  const d = DEFAULT_APP_CONFIG;
  const { auth, token, authAll } = accessOptions(r);
  const cacheMs = r.duration("cache");
  if (cacheMs !== undefined && cacheMs % MS_PER_SECOND !== 0) {
    throw new BadValue(`${r.source("cache")}: expected whole seconds, got ${r.quoted("cache")}`);
  }
  const certFile = r.string("tls-cert", nonEmpty, A_PATH);
  const keyFile = r.string("tls-key", nonEmpty, A_PATH);
  if ((certFile === undefined) !== (keyFile === undefined)) {
    const [given, missing] = certFile === undefined
      ? ["tls-key", "tls-cert"]
      : ["tls-cert", "tls-key"];
    // name the missing one the way the given one was set: a .env user adds a variable, not a flag
    const wanted = r.fromFlag(given) ? `--${missing}` : envName(missing);
    throw new BadValue(`${r.source(given)}: needs ${wanted} as well`);
  }
  const log = r.string(
    "log",
    (t) => (LOG_FORMATS as readonly string[]).includes(t),
    LOG_FORMATS.join(", "),
  );
  const quiet = r.flag("quiet");
  const hostname = hostOption(r);
  const readOnly = r.flag("read-only");
  if (readOnly) {
    // refuse: `--read-only --allow-delete` would otherwise silently keep deletes off; the user
    // asked for two opposite things and should pick one.
    const contrary = WRITE_FLAGS.find((name) => r.flag(name));
    if (contrary !== undefined) {
      throw new BadValue(
        `${r.source("read-only")}: cannot be combined with ${r.source(contrary)} ` +
          "(read-only refuses every change); drop one of them",
      );
    }
  }
  const limits: Partial<Limits> = {};
  const idle = r.duration("idle-timeout");
  if (idle !== undefined) limits.idleTimeoutMs = positive(r, "idle-timeout", idle);
  const header = r.duration("header-timeout");
  if (header !== undefined) limits.headerTimeoutMs = positive(r, "header-timeout", header);
  const body = r.duration("body-timeout");
  if (body !== undefined) limits.bodyIdleTimeoutMs = positive(r, "body-timeout", body);
  const maxConnections = r.count("max-connections");
  if (maxConnections !== undefined) limits.maxConnections = maxConnections;
  const maxDelayMs = r.duration("max-delay");
  // refuse: an empty folder (`wireserve "$SHARE"` with SHARE unset) would resolve to the working
  // folder and share it, writes open, where the user meant some other folder
  const directory = resolve(cwd, r.string("directory", nonEmpty, A_PATH) ?? d.directory);
  const www = nullable(r.string("www", nonEmpty, A_PATH), (w) => resolve(cwd, w));
  const templates = r.flag("templates");
  if (templates && www === null) {
    throw new BadValue(`${r.source("templates")}: needs --www (the built-in UI is never rendered)`);
  }
  const resumableDir = nullable(
    r.string("resumable-dir", nonEmpty, A_PATH),
    (dir) => resolve(cwd, dir),
  );
  // refuse: a state folder inside the shared folder under another name would be served and
  // listed like any folder — partial uploads included (only the default name is never served)
  if (resumableDir !== null && isInside(resumableDir, directory)) {
    throw new BadValue(
      `${r.source("resumable-dir")}: expected a folder outside the shared folder, got ${
        r.quoted("resumable-dir")
      }`,
    );
  }
  const expiry = r.duration("resumable-expiry");
  const app = appConfig({
    directory,
    www,
    spa: r.flag("spa"),
    dotfiles: r.flag("dotfiles"),
    followSymlinks: r.flag("follow-symlinks"),
    hide: hidePatterns(r),
    templates,
    cacheSeconds: cacheMs === undefined ? d.cacheSeconds : cacheMs / MS_PER_SECOND,
    statCacheMs: r.duration("stat-cache") ?? d.statCacheMs,
    maxListingEntries: r.count("max-listing") ?? d.maxListingEntries,
    maxUploadBytes: r.size("max-upload") ?? d.maxUploadBytes,
    resumableDir,
    resumableExpiryMs: expiry === undefined
      ? d.resumableExpiryMs
      : positive(r, "resumable-expiry", expiry),
    resumableMaxUploads: r.count("resumable-max-uploads") ?? d.resumableMaxUploads,
    resumableMaxBytes: r.size("resumable-max-bytes") ?? d.resumableMaxBytes,
    readOnly,
    noOverwrite: r.flag("no-overwrite"),
    allowDelete: r.flag("allow-delete"),
    allowMkdir: r.flag("allow-mkdir"),
    auth: auth ?? null,
    token: token ?? null,
    authAll,
    cors: r.flag("cors"),
    maxCaptureBytes: r.size("max-capture") ?? d.maxCaptureBytes,
    maxDelaySeconds: maxDelayMs === undefined ? d.maxDelaySeconds : maxDelayMs / MS_PER_SECOND,
    maxGeneratedBytes: r.size("max-generated") ?? d.maxGeneratedBytes,
    allowExternalRedirects: r.flag("allow-external-redirects"),
    version: VERSION,
  });
  return {
    app,
    hostname: hostname ?? DEFAULT_HOSTNAME,
    port: r.port("port") ?? DEFAULT_PORT,
    tls: certFile !== undefined && keyFile !== undefined
      ? { certFile: resolve(cwd, certFile), keyFile: resolve(cwd, keyFile) }
      : null,
    limits,
    shutdownTimeoutMs: r.duration("shutdown-timeout") ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    // --quiet turns the access log off unless a format was asked for explicitly.
    log: (log as LogFormat | undefined) ?? (quiet ? "off" : DEFAULT_LOG),
    quiet,
    workers: workerCount(r, system),
  };
}

/** Whether `path` is `folder` or below it (both absolute). */
function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  // "..data" is a name inside, not a way up
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The engine's timeouts must be positive: a zero clock would close every connection at once. */
function positive(r: OptionReader, name: string, ms: number): number {
  if (ms > 0) return ms;
  throw new BadValue(`${r.source(name)}: expected a duration above 0, got ${r.quoted(name)}`);
}

/** What a path-valued option expects, in its error message. */
const A_PATH = "a path";

function nonEmpty(text: string): boolean {
  return text !== "";
}

function nullable<T>(value: string | undefined, f: (v: string) => T): T | null {
  return value === undefined ? null : f(value);
}
