/**
 * The start-up banner (where to open wireserve, what it shares, in which mode, with which
 * limits) and the warnings printed when the configuration is risky. Pure: the bound address and
 * the machine's network interfaces are passed in. The paths a user gave are shown with
 * `shownPath` (`shown_path.ts`): a folder named with an escape sequence or a line break must not
 * recolour the terminal or forge a line here.
 *
 * This module must not open sockets, read the disk or write output.
 * @module
 */

import { sep } from "node:path";
import { writesOpenWithoutAuth } from "../app/auth.ts";
import {
  type InterfaceAddress,
  isLoopback,
  isWildcard,
  serverUrls,
  withZone,
} from "../app/lan_urls.ts";
import type { Config } from "./config.ts";
import { formatDuration, formatSize } from "./parse_values.ts";
import { shownPath } from "./shown_path.ts";
import { VERSION } from "../version.ts";

/** What the banner is built from. */
export interface BannerInput {
  config: Config;
  /** The address really bound (the port is the real one when 0 was asked for). */
  addr: { hostname: string; port: number };
  /** The machine's addresses, for the LAN URLs when bound to every interface. */
  interfaces: readonly InterfaceAddress[];
  /**
   * The shared folder and `--www` by their real paths (`checkStartup` resolves them); absent,
   * the paths as configured are compared.
   */
  realFolders?: { directory: string; www: string | null };
}

const LABEL_WIDTH = 11;

export { type InterfaceAddress, isLoopback, isWildcard };

/** The URLs to open, the loopback one first, then the LAN ones when bound to every interface. */
export function urls(input: BannerInput): string[] {
  const { addr, interfaces, config } = input;
  const host = withZone(addr.hostname, config.hostname);
  return serverUrls(host, addr.port, config.tls !== null, interfaces);
}

/** The banner lines (stdout). */
export function bannerLines(input: BannerInput): string[] {
  const { config } = input;
  const app = config.app;
  const row = (label: string, text: string) => `  ${label.padEnd(LABEL_WIDTH)}${text}`;
  const pad = " ".repeat(2 + LABEL_WIDTH);
  const [first, ...lan] = urls(input);
  const lines = [`wireserve ${VERSION}`, row("open", first)];
  for (const u of lan) lines.push(`${pad}${u}  (network)`);
  lines.push(row("sharing", `${shownPath(app.directory)}  at /files/`));
  lines.push(row("mode", modeText(config)));
  lines.push(row("web root", webRootText(config)));
  // What is private is worth seeing at start: a pattern that hides nothing is a silent mistake.
  if (app.hide.length > 0) {
    lines.push(row("private", `${app.hide.map(shownPath).join("  ")}  (--hide)`));
  }
  lines.push(row("access", accessText(config)));
  // A read-only server takes no upload: an upload limit would suggest it does.
  const limits = app.readOnly ? [] : [`upload ${formatSize(app.maxUploadBytes)}`];
  limits.push(`shutdown wait ${formatDuration(config.shutdownTimeoutMs)}`);
  lines.push(row("limits", limits.join(" · ")));
  const threads = config.workers === 1 ? "1 (one thread)" : `${config.workers} (one thread each)`;
  lines.push(row("workers", threads));
  const log = config.log === "off" ? "access log off" : `${config.log} access log to stdout`;
  lines.push(row("log", `${log} · Ctrl+C to stop`));
  return lines;
}

function modeText(config: Config): string {
  const app = config.app;
  if (app.readOnly) return "read-only";
  const parts = ["read-write"];
  if (app.noOverwrite) parts.push("no overwrite");
  parts.push(app.allowDelete ? "delete allowed" : "no delete");
  parts.push(app.allowMkdir ? "mkdir allowed" : "no mkdir");
  return parts.join(" · ");
}

function webRootText(config: Config): string {
  const app = config.app;
  const root = app.www === null ? "built-in UI" : shownPath(app.www);
  const extras = [
    app.templates ? "templates" : "",
    app.spa ? "spa" : "",
    app.dotfiles ? "dotfiles shown" : "dotfiles hidden",
  ];
  if (app.followSymlinks) extras.push("symlinks followed outside");
  return [root, ...extras.filter((e) => e !== "")].join(" · ");
}

function accessText(config: Config): string {
  const app = config.app;
  const schemes = [app.auth !== null ? "Basic" : "", app.token !== null ? "Bearer" : ""]
    .filter((s) => s !== "").join(" or ");
  let text = schemes === ""
    ? "no credentials needed"
    : `${app.authAll ? "everything needs" : "writes need"} ${schemes} credentials`;
  if (app.cors) text += " · cors on";
  if (config.tls !== null) text += " · https";
  return text;
}

/** Whether one folder is the other or inside it (both absolute). */
function overlap(a: string, b: string): boolean {
  const inside = (x: string, y: string) => x === y || x.startsWith(y.endsWith(sep) ? y : y + sep);
  return inside(a, b) || inside(b, a);
}

/** Warnings (stderr, shown even with --quiet) for a risky configuration. */
export function warningLines(input: BannerInput): string[] {
  const { config, addr } = input;
  const app = config.app;
  const out: string[] = [];
  // Compared by real paths: `--www site` with `site -> share/site` is inside the share all the same.
  const real = input.realFolders ?? app;
  // An upload that lands in the site is served as the site's own page, at its own origin: its
  // scripts run beside the write API (the sandbox `/files/` gives HTML does not apply at `/`).
  if (app.www !== null && real.www !== null && !app.readOnly && overlap(real.www, real.directory)) {
    out.push(
      `wireserve: warning: uploads to /files/ can land in --www ${shownPath(app.www)}, where ` +
        (app.templates ? ".html files are rendered as templates and " : "") +
        "pages and scripts are served as the site's own, without the sandbox of /files/ " +
        "(add --read-only or keep the two folders apart)",
    );
  }
  if (isLoopback(addr.hostname)) return out;
  const where = isWildcard(addr.hostname) ? "the network" : addr.hostname;
  if (writesOpenWithoutAuth(app)) {
    out.push(
      `wireserve: warning: listening on ${where} with writes open and no --auth or --token: ` +
        `anyone who can connect can upload into ${shownPath(app.directory)} ` +
        `(add --auth user:pass, --token <secret> or --read-only)`,
    );
  }
  if ((app.auth !== null || app.token !== null) && config.tls === null) {
    out.push(
      `wireserve: warning: credentials cross ${where} in clear text without --tls-cert/--tls-key`,
    );
  }
  return out;
}
