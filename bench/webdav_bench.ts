/**
 * The WebDAV benchmark (issue 14): a `PROPFIND Depth: 1` of a 10,000-file folder and a 1,000-file
 * `rclone copy` up to the share — wireserve against Apache mod_dav and `rclone serve webdav` in the
 * same run, over the same folder on the same disk. Rounds alternate the servers' order; the best
 * round of each counts. The ratio is Apache's time over the server's (≥ 1.0× is as fast as Apache
 * or faster; the issue's target for wireserve).
 *
 * `rclone copy` is bounded by rclone's own pacer (its WebDAV backend waits at least 10 ms between
 * calls, shared by all transfers): every server lands near the same time, which says that none
 * of them is the bottleneck, not which is fastest.
 *
 * Runnable alone (`deno run -A bench/webdav_bench.ts [--rounds 2]`) or from the main bench
 * (`--only webdav`). Writes bench/results/webdav.md and prints it.
 * @module
 */

import { parseArgs } from "node:util";
import { type RunningServer, startServer, wireserveSpec } from "./servers.ts";
import { findApache, findRclone, startApache, startRcloneServe } from "./webdav_servers.ts";

const REPO_ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname);
const RESULTS_FILE = decodeURIComponent(new URL("results/webdav.md", import.meta.url).pathname);
/** Files in the listed folder, and in the copied tree (the sizes). */
export const LISTED_FILES = 10_000;
export const COPIED_FILES = 1_000;
/** PROPFIND requests per round (the median counts). */
const PROPFIND_REQUESTS = 7;
/** Copied files per subfolder of the copied tree. */
const FILES_PER_FOLDER = 100;
const COPIED_FILE_BYTES = 4096;
const MS_PER_SECOND = 1000;
/** rwxr-xr-x. */
const PUBLIC_DIR_MODE = 0o755;

/** The PROPFIND body: the properties a file manager asks for (rclone's set). */
export const PROPFIND_BODY = '<?xml version="1.0" encoding="utf-8"?>\n' +
  '<d:propfind xmlns:d="DAV:"><d:prop><d:displayname/><d:getlastmodified/>' +
  "<d:getcontentlength/><d:resourcetype/><d:getcontenttype/><d:getetag/></d:prop></d:propfind>";

/** One server's figures (best round). */
export interface DavFigures {
  server: string;
  /** Median PROPFIND time in ms, bytes of its answer, responses in it. */
  propfindMs: number;
  propfindBytes: number;
  responses: number;
  /** `rclone copy` wall time in ms. */
  copyMs: number;
}

/** What the report shows. */
export interface DavReport {
  date: Date;
  rounds: number;
  figures: DavFigures[];
  missing: string[];
  commands: string[];
}

/** Runs the benchmark; resolves to the report (markdown). */
export async function runWebdavBench(rounds: number): Promise<string> {
  const rclone = await findRclone();
  if (rclone === null) throw new Error("rclone not found: apt-get install rclone");
  const apache = await findApache();
  const tmp = await Deno.makeTempDir({ prefix: "wireserve-webdav-bench-" });
  const servers: RunningServer[] = [];
  const missing: string[] = apache === null ? ["Apache mod_dav (apt-get install apache2)"] : [];
  try {
    // Apache run as root serves as nobody: the temp folder (0700) must be passable.
    await Deno.chmod(tmp, PUBLIC_DIR_MODE);
    const root = `${tmp}/root`;
    await Deno.mkdir(`${root}/big`, { recursive: true });
    await Deno.mkdir(`${root}/copies`);
    await makeFiles(`${root}/big`, LISTED_FILES, 16);
    const source = `${tmp}/source`;
    for (let i = 0; i < COPIED_FILES / FILES_PER_FOLDER; i++) {
      await Deno.mkdir(`${source}/d${i}`, { recursive: true });
      await makeFiles(`${source}/d${i}`, FILES_PER_FOLDER, COPIED_FILE_BYTES);
    }
    progress("starting servers");
    const spec = wireserveSpec(root);
    servers.push(
      await startServer(
        { ...spec, denoArgs: [...spec.denoArgs, "--allow-delete", "--allow-mkdir"] },
        REPO_ROOT,
      ),
    );
    if (apache !== null) servers.push(await startApache(apache.path, root, `${tmp}/apache`));
    servers.push(await startRcloneServe(rclone.path, root));
    const best = new Map<string, DavFigures>();
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      for (const server of order) {
        progress(`round ${round + 1}/${rounds}: ${server.name}`);
        const f = await measure(server, rclone.path, source, `${tmp}/rclone.conf`, round);
        const prev = best.get(server.name);
        best.set(server.name, {
          ...f,
          propfindMs: Math.min(f.propfindMs, prev?.propfindMs ?? Infinity),
          copyMs: Math.min(f.copyMs, prev?.copyMs ?? Infinity),
        });
        await Deno.remove(`${root}/copies/${slug(server.name)}-${round}`, { recursive: true })
          .catch(() => {});
      }
    }
    const report = renderWebdavReport({
      date: new Date(),
      rounds,
      figures: servers.map((s) => best.get(s.name)!),
      missing,
      commands: servers.map((s) => s.command),
    });
    await Deno.mkdir(decodeURIComponent(new URL("results", import.meta.url).pathname), {
      recursive: true,
    });
    await Deno.writeTextFile(RESULTS_FILE, report);
    return report;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

async function measure(
  server: RunningServer,
  rclone: string,
  source: string,
  config: string,
  round: number,
): Promise<DavFigures> {
  const base = `http://127.0.0.1:${server.port}/files/`;
  const times: number[] = [];
  let bytes = 0;
  let responses = 0;
  for (let i = 0; i < PROPFIND_REQUESTS; i++) {
    const started = performance.now();
    const res = await fetch(`${base}big/`, {
      method: "PROPFIND",
      headers: { Depth: "1", "Content-Type": "application/xml" },
      body: PROPFIND_BODY,
    });
    const text = await res.text();
    times.push(performance.now() - started);
    if (res.status !== 207) throw new Error(`${server.name}: PROPFIND answered ${res.status}`);
    bytes = text.length;
    responses = text.split(/<[a-zA-Z0-9]*:?response[ >]/).length - 1;
  }
  if (responses !== LISTED_FILES + 1) {
    throw new Error(`${server.name}: PROPFIND listed ${responses} of ${LISTED_FILES + 1}`);
  }
  await Deno.writeTextFile(config, "");
  const started = performance.now();
  const copy = await new Deno.Command(rclone, {
    args: ["copy", source, `w:copies/${slug(server.name)}-${round}`],
    env: {
      RCLONE_CONFIG: config,
      RCLONE_CONFIG_W_TYPE: "webdav",
      RCLONE_CONFIG_W_URL: base,
      RCLONE_CONFIG_W_VENDOR: "other",
    },
    stdout: "null",
    stderr: "piped",
  }).output();
  const copyMs = performance.now() - started;
  if (!copy.success) {
    throw new Error(`${server.name}: rclone copy failed: ${new TextDecoder().decode(copy.stderr)}`);
  }
  return {
    server: server.name,
    propfindMs: median(times),
    propfindBytes: bytes,
    responses,
    copyMs,
  };
}

/** The report as markdown: one row per server, with the ratio to Apache for both measures. */
export function renderWebdavReport(r: DavReport): string {
  const apache = r.figures.find((f) => f.server.startsWith("Apache"));
  const ratio = (ref: number | undefined, value: number) =>
    ref === undefined ? "—" : `${(ref / value).toFixed(2)}×`;
  const lines = [
    "## WebDAV",
    "",
    `${r.date.toISOString()} · best of ${r.rounds} rounds · PROPFIND \`Depth: 1\` of a ` +
    `${LISTED_FILES.toLocaleString("en")}-file folder (median of ${PROPFIND_REQUESTS}), ` +
    `\`rclone copy\` of ${COPIED_FILES.toLocaleString("en")} files of ` +
    `${COPIED_FILE_BYTES / 1024} KiB in ${COPIED_FILES / FILES_PER_FOLDER} folders. ` +
    "Ratio: Apache's time over the server's (≥ 1.00× is as fast or faster).",
    "",
    "| server | PROPFIND ms | answer KiB | vs Apache | rclone copy s | vs Apache |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const f of r.figures) {
    lines.push(
      `| ${f.server} | ${f.propfindMs.toFixed(1)} | ${(f.propfindBytes / 1024).toFixed(0)} | ` +
        `${ratio(apache?.propfindMs, f.propfindMs)} | ${(f.copyMs / MS_PER_SECOND).toFixed(2)} | ` +
        `${ratio(apache?.copyMs, f.copyMs)} |`,
    );
  }
  if (r.missing.length > 0) lines.push("", `Not measured: ${r.missing.join(", ")}.`);
  lines.push("", "```sh", ...r.commands.map((c) => `# ${c}`), "```", "");
  return lines.join("\n");
}

async function makeFiles(dir: string, count: number, bytes: number): Promise<void> {
  const data = new Uint8Array(bytes).fill(0x61);
  const BATCH = 256;
  for (let i = 0; i < count; i += BATCH) {
    const names = Array.from({ length: Math.min(BATCH, count - i) }, (_, k) => `f${i + k}.txt`);
    await Promise.all(names.map((n) => Deno.writeFile(`${dir}/${n}`, data)));
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

function progress(message: string): void {
  console.error(`bench webdav: ${message}`);
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { rounds: { type: "string" } } });
  const rounds = values.rounds === undefined ? 2 : Number(values.rounds);
  console.log(await runWebdavBench(rounds));
}
