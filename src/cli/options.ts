/**
 * The table of command-line options: one row per flag with its short form, the environment
 * variables that can set it, its default as shown to people, an example and a help line. The
 * parser (`args.ts`), the validator (`config.ts`) and the usage text (`usage.ts`) all read this
 * one table, so a flag cannot exist in one and be missing from another.
 *
 * This module must not read flags, the environment or the disk.
 * @module
 */

/** Whether a flag takes a value (`--port 8000`) or is a switch (`--cors`). */
export type OptionKind = "string" | "boolean";

/** One command-line option. */
export interface OptionSpec {
  /** The long name without dashes (`max-upload`). */
  readonly name: string;
  /** The one-letter form without the dash, if any. */
  readonly short?: string;
  readonly kind: OptionKind;
  /** What the value looks like in the help (`<size>`); string options only. */
  readonly placeholder?: string;
  /** Environment variables that set it, strongest first; empty when it has none. */
  readonly env: readonly string[];
  /** The default as the help shows it. */
  readonly defaultText: string;
  /** An example value or use, shown in the help; omitted for plain switches. */
  readonly example?: string;
  /** One line of help. */
  readonly help: string;
  /** The help section it is listed under. */
  readonly group: OptionGroup;
  /**
   * Whether the flag may be given several times, each value adding to the list (`--hide a
   * --hide b`); its variable then takes a comma-separated list. Other flags keep the last value.
   */
  readonly repeatable?: boolean;
}

/** Help sections, in the order they are printed. */
export const OPTION_GROUPS = [
  "Files",
  "Uploads and changes",
  "Access",
  "Network",
  "Output",
  "Test endpoints",
  "Other",
] as const;

/** A help section name. */
export type OptionGroup = typeof OPTION_GROUPS[number];

/** `WIRESERVE_` + the long name in upper snake case: `max-upload` → `WIRESERVE_MAX_UPLOAD`. */
export function envName(name: string): string {
  return `${ENV_PREFIX}${name.toUpperCase().replaceAll("-", "_")}`;
}

/** What every variable of wireserve's own starts with. */
const ENV_PREFIX = "WIRESERVE_";

function opt(
  name: string,
  group: OptionGroup,
  help: string,
  rest: Partial<Omit<OptionSpec, "name" | "group" | "help">> = {},
): OptionSpec {
  const kind = rest.kind ?? "boolean";
  return {
    name,
    group,
    help,
    kind,
    env: rest.env ?? [envName(name)],
    defaultText: rest.defaultText ?? "off",
    ...rest,
  };
}

/** Every option, in help order. Defaults here must match `config.ts` (a test checks). */
export const OPTIONS: readonly OptionSpec[] = [
  opt("directory", "Files", "folder shared at /files/ (the same as DIR)", {
    short: "d",
    kind: "string",
    placeholder: "<dir>",
    defaultText: ". (the working folder)",
    example: "--directory ~/Downloads",
  }),
  opt("www", "Files", "serve this folder at / instead of the built-in web UI", {
    kind: "string",
    placeholder: "<dir>",
    defaultText: "the built-in UI",
    example: "--www ./site",
  }),
  opt("spa", "Files", "answer unknown app routes under / with /index.html"),
  opt("templates", "Files", "render ${…} placeholders in the .html files of --www"),
  opt("dotfiles", "Files", "serve and list names starting with a dot (.env, .git)"),
  opt("hide", "Files", "never list, serve or write paths matching this glob; repeatable", {
    kind: "string",
    placeholder: "<glob>",
    defaultText: "none (env: a comma list)",
    example: "--hide '*.key' --hide private/",
    repeatable: true,
  }),
  opt("follow-symlinks", "Files", "follow symlinks whose target is outside the shared folder"),
  opt("cache", "Files", "Cache-Control max-age for files (unset: no-cache, revalidate)", {
    kind: "string",
    placeholder: "<duration>",
    defaultText: "no-cache",
    example: "--cache 1h",
  }),
  opt("stat-cache", "Files", "how long file facts are trusted before the disk is checked again", {
    kind: "string",
    placeholder: "<duration>",
    defaultText: "1s",
    example: "--stat-cache 0",
  }),
  opt("max-listing", "Files", "most entries a folder listing shows (then marked truncated)", {
    kind: "string",
    placeholder: "<count>",
    defaultText: "100000",
    example: "--max-listing 500000",
  }),
  opt("max-upload", "Uploads and changes", "largest accepted upload (a form: its whole body)", {
    kind: "string",
    placeholder: "<size>",
    defaultText: "1G",
    example: "--max-upload 500M",
  }),
  opt("resumable-dir", "Uploads and changes", "where unfinished resumable uploads are kept", {
    kind: "string",
    placeholder: "<dir>",
    defaultText: "DIR/.wireserve-uploads",
    example: "--resumable-dir /var/tmp/wireserve",
  }),
  opt(
    "resumable-expiry",
    "Uploads and changes",
    "how long an untouched unfinished upload is kept",
    {
      kind: "string",
      placeholder: "<duration>",
      defaultText: "24h",
      example: "--resumable-expiry 2h",
    },
  ),
  opt("resumable-max-uploads", "Uploads and changes", "most unfinished resumable uploads (429)", {
    kind: "string",
    placeholder: "<count>",
    defaultText: "1000",
    example: "--resumable-max-uploads 50",
  }),
  opt("resumable-max-bytes", "Uploads and changes", "most bytes of unfinished uploads (413)", {
    kind: "string",
    placeholder: "<size>",
    defaultText: "100G",
    example: "--resumable-max-bytes 20G",
  }),
  opt("read-only", "Uploads and changes", "refuse every upload and change (403)"),
  opt("no-overwrite", "Uploads and changes", "refuse uploads that would replace a file (409)"),
  opt("allow-delete", "Uploads and changes", "allow DELETE (and WebDAV MOVE) under /files/"),
  opt("allow-mkdir", "Uploads and changes", "allow creating folders (MKCOL) under /files/"),
  opt("auth", "Access", "Basic credentials required for uploads and changes", {
    kind: "string",
    placeholder: "<user:pass>",
    defaultText: "none",
    example: "--auth alice:s3cret",
  }),
  opt("token", "Access", "Bearer token accepted for uploads and changes", {
    kind: "string",
    placeholder: "<secret>",
    defaultText: "none",
    example: "--token 9f2c1e",
  }),
  opt("auth-all", "Access", "require --auth or --token for reading too"),
  opt("cors", "Access", "allow other web origins (reflects Origin, answers preflight)"),
  opt("port", "Network", "port to listen on; 0 picks a free one and prints it", {
    short: "p",
    kind: "string",
    placeholder: "<port>",
    env: ["WIRESERVE_PORT", "PORT"],
    defaultText: "8000",
    example: "--port 0",
  }),
  opt("host", "Network", "address to bind; 0.0.0.0 or :: opens it to the network", {
    short: "H",
    kind: "string",
    placeholder: "<addr>",
    env: ["WIRESERVE_HOST", "HOST"],
    defaultText: "127.0.0.1",
    example: "--host 0.0.0.0",
  }),
  opt("tls-cert", "Network", "PEM certificate (chain): serve HTTPS; needs --tls-key", {
    kind: "string",
    placeholder: "<file>",
    defaultText: "none (plain HTTP)",
    example: "--tls-cert cert.pem",
  }),
  opt("tls-key", "Network", "PEM private key for --tls-cert", {
    kind: "string",
    placeholder: "<file>",
    defaultText: "none",
    example: "--tls-key key.pem",
  }),
  opt("idle-timeout", "Network", "close a keep-alive connection idle this long", {
    kind: "string",
    placeholder: "<duration>",
    defaultText: "5s",
    example: "--idle-timeout 30s",
  }),
  opt("header-timeout", "Network", "time allowed to send a request head (408 past it)", {
    kind: "string",
    placeholder: "<duration>",
    defaultText: "10s",
    example: "--header-timeout 5s",
  }),
  opt("body-timeout", "Network", "time a request body may stall between bytes (408)", {
    kind: "string",
    placeholder: "<duration>",
    defaultText: "30s",
    example: "--body-timeout 2m",
  }),
  opt(
    "max-connections",
    "Network",
    "connections open at once; past it idle ones make room, else 503",
    {
      kind: "string",
      placeholder: "<n>",
      defaultText: "4096",
      example: "--max-connections 10000",
    },
  ),
  opt("workers", "Network", "JavaScript threads serving the port; auto = one per CPU (Linux)", {
    kind: "string",
    placeholder: "<n|auto>",
    defaultText: "auto",
    example: "--workers 4",
  }),
  opt(
    "shutdown-timeout",
    "Network",
    "on SIGINT/SIGTERM/SIGHUP, wait this long for requests to end",
    {
      kind: "string",
      placeholder: "<duration>",
      defaultText: "10s",
      example: "--shutdown-timeout 30s",
    },
  ),
  opt("log", "Output", "access log to stdout: common, combined, json or off", {
    kind: "string",
    placeholder: "<format>",
    defaultText: "common",
    example: "--log json",
  }),
  opt("quiet", "Output", "no banner; access log off unless --log is given"),
  opt("max-capture", "Test endpoints", "largest body /inspect and /anything capture", {
    kind: "string",
    placeholder: "<size>",
    defaultText: "1M",
    example: "--max-capture 10M",
  }),
  opt("max-delay", "Test endpoints", "longest /delay", {
    kind: "string",
    placeholder: "<duration>",
    defaultText: "10s",
    example: "--max-delay 1m",
  }),
  opt("max-generated", "Test endpoints", "largest /bytes, /stream-bytes, /range and /drip", {
    kind: "string",
    placeholder: "<size>",
    defaultText: "100M",
    example: "--max-generated 1G",
  }),
  opt("allow-external-redirects", "Test endpoints", "let /redirect-to send clients elsewhere"),
  opt("env-file", "Other", "read variables from this file instead of ./.env", {
    kind: "string",
    placeholder: "<file>",
    defaultText: ".env if present",
    example: "--env-file prod.env",
  }),
  opt("help", "Other", "show this help and exit", { short: "h", env: [], defaultText: "" }),
  opt("version", "Other", "show the version and exit", { short: "V", env: [], defaultText: "" }),
];

/** Options by long name. */
export const OPTIONS_BY_NAME: ReadonlyMap<string, OptionSpec> = new Map(
  OPTIONS.map((o) => [o.name, o]),
);

/** Long names by short letter. */
export const OPTIONS_BY_SHORT: ReadonlyMap<string, OptionSpec> = new Map(
  OPTIONS.filter((o) => o.short !== undefined).map((o) => [o.short!, o]),
);

/** Every environment variable wireserve reads (the .env file may set only these). */
export const ENV_NAMES: readonly string[] = OPTIONS.flatMap((o) => o.env);

/**
 * Misspellings of the variables, by the one meant: each `WIRESERVE_` name without the underscores
 * after its prefix (`WIRESERVE_READONLY` for `WIRESERVE_READ_ONLY`). Deno lets wireserve read only
 * the names it asks for, not list the environment, so the likeliest typos are asked for by name
 * (`main.ts`): set, they stop the start, as any unknown name in a .env file does — ignored, such a
 * typo left writes open under a systemd `Environment=` line.
 */
export const LIKELY_TYPOS: ReadonlyMap<string, string> = new Map(
  ENV_NAMES.filter((name) => name.startsWith(ENV_PREFIX))
    .map((name) => [ENV_PREFIX + name.slice(ENV_PREFIX.length).replaceAll("_", ""), name] as const)
    .filter(([typo, name]) => typo !== name && !ENV_NAMES.includes(typo)),
);
