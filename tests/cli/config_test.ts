/**
 * Raw values → Config: the defaults, every option reaching its field, and one line naming the
 * option for every bad value. The defaults the help shows are checked against the real ones.
 */

import { resolve } from "node:path";
import { collectValues, parseFlags } from "../../src/cli/args.ts";
import {
  buildConfig,
  type Config,
  DEFAULT_HOSTNAME,
  DEFAULT_LOG,
  DEFAULT_PORT,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
} from "../../src/cli/config.ts";
import { OPTIONS_BY_NAME } from "../../src/cli/options.ts";
import { formatDuration, formatSize } from "../../src/cli/parse_values.ts";
import { DEFAULT_APP_CONFIG } from "../../src/app/app_config.ts";
import { DEFAULT_LIMITS } from "../../src/http/limits.ts";
import { VERSION } from "../../src/version.ts";
import { assert, assertEquals } from "../support/assert.ts";

/** A working folder; expectations resolve against it the platform's way. */
const CWD = resolve("/srv");

function config(args: string[], env: Record<string, string> = {}): Config {
  const parsed = parseFlags(args);
  assert(parsed.ok);
  const built = buildConfig(collectValues(parsed, env), CWD);
  assert(built.ok, !built.ok ? built.message : "");
  return built.config;
}

function failure(args: string[], env: Record<string, string> = {}): string {
  const parsed = parseFlags(args);
  assert(parsed.ok, !parsed.ok ? parsed.message : "");
  const built = buildConfig(collectValues(parsed, env), CWD);
  assert(!built.ok, `expected ${JSON.stringify(args)} to be refused`);
  return built.message;
}

Deno.test("buildConfig gives safe defaults when nothing is set", () => {
  const c = config([]);
  assertEquals(c.hostname, "127.0.0.1");
  assertEquals(c.port, 8000);
  assertEquals(c.tls, null);
  assertEquals(c.limits, {});
  assertEquals(c.shutdownTimeoutMs, 10_000);
  assertEquals(c.log, "common");
  assertEquals(c.quiet, false);
  assertEquals(c.app, { ...DEFAULT_APP_CONFIG, directory: CWD, version: VERSION });
});

Deno.test("buildConfig sets every app field from its flag", () => {
  const c = config([
    "share",
    "--www=site",
    "--spa",
    "--templates",
    "--hide=*.key",
    "--hide",
    "private/, **/secret*",
    "--dotfiles",
    "--follow-symlinks",
    "--cache=1h",
    "--stat-cache=0",
    "--max-listing=500",
    "--max-upload=500M",
    "--resumable-dir=/var/tmp/partial",
    "--resumable-expiry=2h",
    "--resumable-max-uploads=5",
    "--resumable-max-bytes=3G",
    "--no-overwrite",
    "--allow-delete",
    "--allow-mkdir",
    "--auth=al:pw",
    "--token=abc-123",
    "--auth-all",
    "--cors",
    "--max-capture=2M",
    "--max-delay=1.5",
    "--max-generated=1G",
    "--allow-external-redirects",
  ]);
  assertEquals(c.app, {
    ...DEFAULT_APP_CONFIG,
    directory: resolve(CWD, "share"),
    www: resolve(CWD, "site"),
    spa: true,
    templates: true,
    hide: ["*.key", "private/", "**/secret*"],
    dotfiles: true,
    followSymlinks: true,
    cacheSeconds: 3600,
    statCacheMs: 0,
    maxListingEntries: 500,
    maxUploadBytes: 500 * 1024 * 1024,
    resumableDir: "/var/tmp/partial",
    resumableExpiryMs: 2 * 60 * 60 * 1000,
    resumableMaxUploads: 5,
    resumableMaxBytes: 3 * 1024 ** 3,
    noOverwrite: true,
    allowDelete: true,
    allowMkdir: true,
    auth: "al:pw",
    token: "abc-123",
    authAll: true,
    cors: true,
    maxCaptureBytes: 2 * 1024 * 1024,
    maxDelaySeconds: 1.5,
    maxGeneratedBytes: 1024 ** 3,
    allowExternalRedirects: true,
    version: VERSION,
  });
  // --read-only cannot go with the write flags above: it is set on its own.
  assertEquals(config(["--read-only"]).app.readOnly, true);
  // A field added to AppConfig without a flag would keep its default here.
  for (const [key, value] of Object.entries(DEFAULT_APP_CONFIG)) {
    // Made by the program, not chosen by the user: the version, the per-process key and the
    // settings file read (main.ts sets it); --read-only is checked on its own above.
    const made = ["version", "processKey", "secretFiles", "readOnly"];
    if (made.includes(key)) continue;
    assert(c.app[key as keyof typeof c.app] !== value, `no flag sets AppConfig.${key}`);
  }
});

Deno.test("buildConfig sets the server fields from their flags", () => {
  const c = config([
    "-p0",
    "-H[::1]",
    "--tls-cert=c.pem",
    "--tls-key=/k.pem",
    "--idle-timeout=30s",
    "--header-timeout=500ms",
    "--body-timeout=2m",
    "--max-connections=10000",
    "--shutdown-timeout=0",
    "--log=json",
  ]);
  assertEquals(c.port, 0);
  assertEquals(c.hostname, "::1");
  assertEquals(c.tls, { certFile: resolve(CWD, "c.pem"), keyFile: resolve("/k.pem") });
  assertEquals(c.limits, {
    idleTimeoutMs: 30_000,
    headerTimeoutMs: 500,
    bodyIdleTimeoutMs: 120_000,
    maxConnections: 10_000,
  });
  assertEquals(c.shutdownTimeoutMs, 0);
  assertEquals(c.log, "json");
});

Deno.test("buildConfig reads switches from the environment", () => {
  assertEquals(config([], { WIRESERVE_READ_ONLY: "yes" }).app.readOnly, true);
  assertEquals(config([], { WIRESERVE_CORS: "0" }).app.cors, false);
});

Deno.test("buildConfig ignores spaces around every kind of value, and reads auto in any case", () => {
  const c = config([], {
    PORT: " 21301",
    WIRESERVE_IDLE_TIMEOUT: " 5s ",
    WIRESERVE_QUIET: " yes",
    WIRESERVE_MAX_CONNECTIONS: "9 ",
    WIRESERVE_MAX_UPLOAD: "\t64K",
    WIRESERVE_WORKERS: "AUTO",
  });
  assertEquals(
    [c.port, c.limits.idleTimeoutMs, c.quiet, c.limits.maxConnections, c.app.maxUploadBytes],
    [21301, 5000, true, 9, 64 * 1024],
  );
  assertEquals(c.workers, config([], { WIRESERVE_WORKERS: "auto" }).workers);
  assertEquals(config(["--workers", " Auto "]).workers, c.workers);
});

Deno.test("buildConfig turns the access log off with --quiet unless a format is given", () => {
  assertEquals(config(["--quiet"]).log, "off");
  assertEquals(config(["--quiet", "--log", "json"]).log, "json");
  assertEquals(config(["--quiet"], { WIRESERVE_LOG: "combined" }).log, "combined");
});

Deno.test("buildConfig refuses bad values with one line naming the option", () => {
  const cases: Array<[string[], Record<string, string>, string]> = [
    [["--port", "99999"], {}, '--port: expected a port from 0 to 65535, got "99999"'],
    [[], { PORT: "http" }, 'PORT: expected a port from 0 to 65535, got "http"'],
    [["-p", "-1"], {}, '-p: expected a port from 0 to 65535, got "-1"'],
    [
      ["--max-upload", "lots"],
      {},
      '--max-upload: expected a size like 1024, 64K, 500M or 2G, got "lots"',
    ],
    [["--cache", "1.5"], {}, '--cache: expected whole seconds, got "1.5"'],
    [["--idle-timeout", "0"], {}, '--idle-timeout: expected a duration above 0, got "0"'],
    [
      ["--header-timeout", "soon"],
      {},
      '--header-timeout: expected a duration like 30, 1.5, 500ms, 30s, 5m or 1h, at most 596h (2147483647ms), got "soon"',
    ],
    [["--log", "xml"], {}, '--log: expected common, combined, json, off, got "xml"'],
    [
      ["--max-connections", "0"],
      {},
      '--max-connections: expected a whole number from 1 up, got "0"',
    ],
    [
      [],
      { WIRESERVE_CORS: "maybe" },
      'WIRESERVE_CORS: expected 1, true, yes, on or 0, false, no, off, got "maybe"',
    ],
    // An unset shell variable ("$SHARE") must not share the working folder instead.
    [[""], {}, 'DIR: expected a path, got ""'],
    [["--directory="], {}, '--directory: expected a path, got ""'],
    [["-d", ""], {}, '-d: expected a path, got ""'],
    [["--www", ""], {}, '--www: expected a path, got ""'],
    [["--resumable-dir="], {}, '--resumable-dir: expected a path, got ""'],
    [["--tls-cert", "", "--tls-key", "k"], {}, '--tls-cert: expected a path, got ""'],
    [["--host", "a b"], {}, '--host: expected an IP address or host name, got "a b"'],
    [["--host", "999.1.1.1"], {}, '--host: expected an IP address or host name, got "999.1.1.1"'],
    [["-H", "10.0.0"], {}, '-H: expected an IP address or host name, got "10.0.0"'],
    [
      ["--read-only", "--allow-delete"],
      {},
      "--read-only: cannot be combined with --allow-delete (read-only refuses every change); " +
      "drop one of them",
    ],
    [
      ["--allow-mkdir"],
      { WIRESERVE_READ_ONLY: "1" },
      "WIRESERVE_READ_ONLY: cannot be combined with --allow-mkdir (read-only refuses every " +
      "change); drop one of them",
    ],
    [
      ["--read-only", "--no-overwrite"],
      {},
      "--read-only: cannot be combined with --no-overwrite (read-only refuses every change); " +
      "drop one of them",
    ],
    [["--tls-cert", "c.pem"], {}, "--tls-cert: needs --tls-key as well"],
    [["--tls-key", "k.pem"], {}, "--tls-key: needs --tls-cert as well"],
    // From the environment, the missing one is named as a variable: that is what the user adds.
    [[], { WIRESERVE_TLS_CERT: "c.pem" }, "WIRESERVE_TLS_CERT: needs WIRESERVE_TLS_KEY as well"],
    [[], { WIRESERVE_TLS_KEY: "k.pem" }, "WIRESERVE_TLS_KEY: needs WIRESERVE_TLS_CERT as well"],
    [["--auth-all"], {}, "--auth-all: needs --auth or --token to protect anything"],
  ];
  for (const [args, env, want] of cases) assertEquals(failure(args, env), want);
});

Deno.test("buildConfig takes dotted IPv4 addresses, names and IPv6 for --host", () => {
  for (
    const host of ["0.0.0.0", "192.168.1.20", "255.255.255.255", "my-host.lan", "::", "1e100.net"]
  ) {
    assertEquals(config(["--host", host]).hostname, host);
  }
});

Deno.test("buildConfig reads --hide from flags or as a comma list from the environment", () => {
  assertEquals(config(["--hide", "*.key", "--hide", "private/"]).app.hide, ["*.key", "private/"]);
  assertEquals(config([], { WIRESERVE_HIDE: " *.key , private/,**/secret*" }).app.hide, [
    "*.key",
    "private/",
    "**/secret*",
  ]);
  // Flags win over the variable as for every option: the lists are not merged.
  assertEquals(config(["--hide", "a"], { WIRESERVE_HIDE: "b" }).app.hide, ["a"]);
});

Deno.test("buildConfig refuses --hide patterns that cannot work, and --templates without --www", () => {
  assertEquals(
    failure(["--hide", "private\\"]),
    '--hide: cannot use "private\\\\": use "/" between folders (no "\\")',
  );
  assertEquals(failure(["--hide", "a//b"]), '--hide: cannot use "a//b": empty folder name ("//")');
  // An empty value (an unset shell variable in `--hide "$X"`) would hide nothing: refused.
  const empty = '--hide: cannot use "": an empty pattern hides nothing';
  assertEquals(failure(["--hide", ""]), empty);
  assertEquals(failure(["--hide=", "--hide", "*.key"]), empty);
  assertEquals(failure(["--hide", "*.key", "--hide", " "]), empty);
  assertEquals(
    failure([], { WIRESERVE_HIDE: "*.key,,private/" }),
    'WIRESERVE_HIDE: cannot use "": an empty pattern hides nothing',
  );
  assertEquals(
    failure([], { WIRESERVE_HIDE: "../x" }),
    'WIRESERVE_HIDE: cannot use "../x": ".." names no file',
  );
  const many = Array.from({ length: 65 }, (_, i) => `p${i}`).join(",");
  assertEquals(failure(["--hide", many]), "--hide: expected at most 64 patterns, got 65");
  assertEquals(
    failure(["--templates"]),
    "--templates: needs --www (the built-in UI is never rendered)",
  );
});

Deno.test("buildConfig never repeats a secret in its error", () => {
  for (const bad of ["nocolon", ":pw", "user:", "us\ter:pw"]) {
    assertEquals(
      failure(["--auth", bad]),
      "--auth: expected user:password (no ':' in the user, no controls), got (hidden)",
    );
  }
  assertEquals(
    failure([], { WIRESERVE_TOKEN: "has space" }),
    "WIRESERVE_TOKEN: expected a token of A-Z a-z 0-9 - . _ ~ + /, got (hidden)",
  );
});

Deno.test("the help shows the real defaults", () => {
  const shown = (name: string) => OPTIONS_BY_NAME.get(name)!.defaultText;
  assertEquals(shown("port"), String(DEFAULT_PORT));
  assertEquals(shown("host"), DEFAULT_HOSTNAME);
  assertEquals(shown("log"), DEFAULT_LOG);
  assertEquals(shown("shutdown-timeout"), formatDuration(DEFAULT_SHUTDOWN_TIMEOUT_MS));
  assertEquals(shown("idle-timeout"), formatDuration(DEFAULT_LIMITS.idleTimeoutMs));
  assertEquals(shown("header-timeout"), formatDuration(DEFAULT_LIMITS.headerTimeoutMs));
  assertEquals(shown("body-timeout"), formatDuration(DEFAULT_LIMITS.bodyIdleTimeoutMs));
  assertEquals(shown("max-connections"), String(DEFAULT_LIMITS.maxConnections));
  assertEquals(shown("max-upload"), formatSize(DEFAULT_APP_CONFIG.maxUploadBytes));
  assertEquals(shown("resumable-expiry"), formatDuration(DEFAULT_APP_CONFIG.resumableExpiryMs));
  assertEquals(shown("resumable-max-uploads"), String(DEFAULT_APP_CONFIG.resumableMaxUploads));
  assertEquals(shown("resumable-max-bytes"), formatSize(DEFAULT_APP_CONFIG.resumableMaxBytes));
  assertEquals(shown("max-capture"), formatSize(DEFAULT_APP_CONFIG.maxCaptureBytes));
  assertEquals(shown("max-generated"), formatSize(DEFAULT_APP_CONFIG.maxGeneratedBytes));
  assertEquals(shown("stat-cache"), formatDuration(DEFAULT_APP_CONFIG.statCacheMs));
  assertEquals(shown("max-listing"), String(DEFAULT_APP_CONFIG.maxListingEntries));
  assertEquals(shown("max-delay"), formatDuration(DEFAULT_APP_CONFIG.maxDelaySeconds * 1000));
  assertEquals(DEFAULT_APP_CONFIG.cacheSeconds, null); // shown as no-cache
  assertEquals(DEFAULT_APP_CONFIG.version, VERSION);
});

Deno.test("buildConfig refuses a --resumable-dir inside the shared folder", () => {
  // "..partial" is a name inside the shared folder, not a way out of it.
  for (const dir of ["share/partial", "share", "share/..partial"]) {
    assertEquals(
      failure(["share", "--resumable-dir", dir]),
      `--resumable-dir: expected a folder outside the shared folder, got "${dir}"`,
    );
  }
  assertEquals(
    failure(["--resumable-expiry", "0"]),
    '--resumable-expiry: expected a duration above 0, got "0"',
  );
});
