/**
 * Raw option values → one validated `Config`, before anything starts. Every bad value becomes
 * one line naming where it came from and what was expected:
 * `--port: expected a port from 0 to 65535, got "99999"`.
 *
 * This module must not read the disk, start anything or exit: whether folders and certificate
 * files exist is checked by `main.ts` when it starts, since that can change.
 * @module
 */

import { isAbsolute, relative, resolve, sep } from "node:path";
import { type AppConfig, appConfig, DEFAULT_APP_CONFIG } from "../app/app_config.ts";
import { hidePatternProblem, MAX_HIDE_PATTERNS } from "../app/hidden_paths.ts";
import type { Limits } from "../http/limits.ts";
import { VERSION } from "../version.ts";
import { LOG_FORMATS, type LogFormat } from "../log/access_log.ts";
import { type CliError, LIST_SEPARATOR, type RawValue } from "./args.ts";
import { parseCount, parseDurationMs, parsePort, parseSize, parseSwitch } from "./parse_values.ts";

export { LOG_FORMATS, type LogFormat };

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

/** What the machine offers, for `--workers auto` (injectable for tests). */
export interface SystemFacts {
  /** `Deno.build.os`. */
  os: string;
  /** Logical CPUs. */
  cpus: number;
}

/** The machine wireserve runs on. */
export function systemFacts(): SystemFacts {
  return { os: Deno.build.os, cpus: navigator.hardwareConcurrency || 1 };
}

/** Most workers `--workers` accepts (each is an isolate of its own: memory, start-up time). */
export const MAX_WORKERS = 256;

/** Loopback only: nothing is reachable from the network unless asked for. */
export const DEFAULT_HOSTNAME = "127.0.0.1";
/** The port when none is given. */
export const DEFAULT_PORT = 8000;
/** Time in-flight requests get to finish after SIGINT/SIGTERM. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** The access log format when none is given. */
export const DEFAULT_LOG: LogFormat = "common";

const MS_PER_SECOND = 1000;
/** Host names and IP literals (an IPv6 zone like `fe80::1%eth0` included); brackets stripped. */
const HOST = /^[A-Za-z0-9.:%_-]{1,253}$/;
/** RFC 6750 §2.1 b64token: what a Bearer token can be on the wire. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/** Digits and dots only: meant as an IPv4 address, so it must be one (RFC 791 dotted quad). */
const DOTTED = /^[0-9.]+$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * Flags that allow or shape changes: none means anything beside `--read-only`, which refuses every
 * change, so asking for both is a mistake to point out rather than a silent winner.
 */
export const WRITE_FLAGS: readonly string[] = ["allow-delete", "allow-mkdir", "no-overwrite"];

/** Options whose values are never repeated in an error message. */
const SECRET_OPTIONS: ReadonlySet<string> = new Set(["auth", "token"]);

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
    return { ok: true, config: build(new Reader(values), cwd, system) };
  } catch (err) {
    if (err instanceof BadValue) return { ok: false, message: err.message };
    throw err;
  }
}

function build(r: Reader, cwd: string, system: SystemFacts): Config {
  const d = DEFAULT_APP_CONFIG;
  const auth = r.string("auth", checkAuth, "user:password (no ':' in the user, no controls)");
  const token = r.string("token", (t) => B64TOKEN.test(t), "a token of A-Z a-z 0-9 - . _ ~ + /");
  const authAll = r.flag("auth-all");
  if (authAll && auth === undefined && token === undefined) {
    throw new BadValue(`${r.source("auth-all")}: needs --auth or --token to protect anything`);
  }
  const cacheMs = r.duration("cache");
  if (cacheMs !== undefined && cacheMs % MS_PER_SECOND !== 0) {
    throw new BadValue(`${r.source("cache")}: expected whole seconds, got ${r.quoted("cache")}`);
  }
  const certFile = r.string("tls-cert");
  const keyFile = r.string("tls-key");
  if ((certFile === undefined) !== (keyFile === undefined)) {
    const [given, missing] = certFile === undefined
      ? ["tls-key", "--tls-cert"]
      : ["tls-cert", "--tls-key"];
    throw new BadValue(`${r.source(given)}: needs ${missing} as well`);
  }
  const log = r.string(
    "log",
    (t) => (LOG_FORMATS as readonly string[]).includes(t),
    LOG_FORMATS.join(", "),
  );
  const quiet = r.flag("quiet");
  const hostText = r.string(
    "host",
    (t) => HOST.test(stripBrackets(t)) && (!DOTTED.test(t) || IPV4.test(t)),
    "an IP address or host name",
  );
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
  const directory = resolve(cwd, r.string("directory") ?? d.directory);
  const www = nullable(r.string("www"), (w) => resolve(cwd, w));
  const templates = r.flag("templates");
  if (templates && www === null) {
    throw new BadValue(`${r.source("templates")}: needs --www (the built-in UI is never rendered)`);
  }
  const resumableDir = nullable(r.string("resumable-dir"), (dir) => resolve(cwd, dir));
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
    hostname: hostText === undefined ? DEFAULT_HOSTNAME : stripBrackets(hostText),
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

/**
 * `--workers`: `auto` is one per CPU where the kernel balances a shared port (Linux
 * SO_REUSEPORT), else 1. Elsewhere (macOS, Windows) a port shared by several listeners is not
 * balanced — one listener gets every connection — so more than one worker is refused.
 */
function workerCount(r: Reader, system: SystemFacts): number {
  const text = r.string("workers");
  const balanced = system.os === "linux";
  if (text === undefined || text === "auto") return balanced ? Math.max(1, system.cpus) : 1;
  const n = parseCount(text);
  if (n === null || n < 1 || n > MAX_WORKERS) {
    throw new BadValue(
      `${r.source("workers")}: expected auto or a number from 1 to ${MAX_WORKERS}, got ${
        r.quoted("workers")
      }`,
    );
  }
  if (n > 1 && !balanced) {
    throw new BadValue(
      `${r.source("workers")}: more than 1 worker needs a port the system shares out ` +
        `(SO_REUSEPORT on Linux); on ${system.os} use 1`,
    );
  }
  return n;
}

/**
 * The `--hide` patterns: every flag's value and the variable's, split on commas (dufs' form),
 * each trimmed and checked, so a typo is refused at start instead of hiding nothing.
 */
function hidePatterns(r: Reader): string[] {
  const text = r.string("hide");
  if (text === undefined) return [];
  // An empty pattern is refused, not skipped: `--hide ''` (an unset shell variable) hides
  // nothing, and starting as if it did would be the silent mistake the check is there for.
  const patterns = text.split(LIST_SEPARATOR).map((p) => p.trim());
  if (patterns.length > MAX_HIDE_PATTERNS) {
    throw new BadValue(
      `${r.source("hide")}: expected at most ${MAX_HIDE_PATTERNS} patterns, got ${patterns.length}`,
    );
  }
  for (const pattern of patterns) {
    const problem = hidePatternProblem(pattern);
    if (problem !== null) {
      throw new BadValue(`${r.source("hide")}: cannot use ${JSON.stringify(pattern)}: ${problem}`);
    }
  }
  return patterns;
}

/** Whether `path` is `folder` or below it (both absolute). */
function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  // "..data" is a name inside, not a way up
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The engine's timeouts must be positive: a zero clock would close every connection at once. */
function positive(r: Reader, name: string, ms: number): number {
  if (ms > 0) return ms;
  throw new BadValue(`${r.source(name)}: expected a duration above 0, got ${r.quoted(name)}`);
}

/** RFC 7617 §2: the user-id cannot contain ":", and neither part may hold control characters. */
function checkAuth(text: string): boolean {
  const colon = text.indexOf(":");
  return colon > 0 && colon < text.length - 1 && !CONTROL.test(text);
}

function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

function nullable<T>(value: string | undefined, f: (v: string) => T): T | null {
  return value === undefined ? null : f(value);
}

/** A value that failed validation; caught by `buildConfig` and turned into its message. */
class BadValue extends Error {}

/** Typed access to the raw values; each getter throws `BadValue` with the option's source. */
class Reader {
  #values: ReadonlyMap<string, RawValue>;

  constructor(values: ReadonlyMap<string, RawValue>) {
    this.#values = values;
  }

  source(name: string): string {
    return this.#values.get(name)?.source ?? `--${name}`;
  }

  quoted(name: string): string {
    return JSON.stringify(this.#values.get(name)?.value);
  }

  string(name: string, ok?: (t: string) => boolean, expected?: string): string | undefined {
    const raw = this.#values.get(name);
    if (raw === undefined) return undefined;
    const text = String(raw.value);
    if (ok !== undefined && !ok(text)) this.#bad(name, raw, expected ?? "a valid value");
    return text;
  }

  flag(name: string): boolean {
    const raw = this.#values.get(name);
    if (raw === undefined) return false;
    if (raw.value === true) return true;
    const on = parseSwitch(raw.value);
    if (on === null) this.#bad(name, raw, "1, true, yes, on or 0, false, no, off");
    return on!;
  }

  port(name: string): number | undefined {
    return this.#parsed(name, parsePort, "a port from 0 to 65535");
  }

  size(name: string): number | undefined {
    return this.#parsed(name, parseSize, "a size like 1024, 64K, 500M or 2G");
  }

  count(name: string): number | undefined {
    return this.#parsed(name, parseCount, "a whole number from 1 up");
  }

  duration(name: string): number | undefined {
    return this.#parsed(name, parseDurationMs, "a duration like 30, 1.5, 500ms, 30s, 5m or 1h");
  }

  #parsed(name: string, parse: (t: string) => number | null, expected: string) {
    const raw = this.#values.get(name);
    if (raw === undefined) return undefined;
    const n = parse(String(raw.value));
    if (n === null) this.#bad(name, raw, expected);
    return n!;
  }

  #bad(name: string, raw: RawValue, expected: string): never {
    // Secrets stay out of error output: the line may end up in a shared terminal or a CI log.
    const shown = SECRET_OPTIONS.has(name) ? "(hidden)" : JSON.stringify(String(raw.value));
    throw new BadValue(`${raw.source}: expected ${expected}, got ${shown}`);
  }
}
