/**
 * The templates benchmark (issue 17): a templated index listing 100 Markdown posts (each one's
 * title and date from its front matter, a partial header, a value from the environment) against
 * the very same page served as a static file, both by wireserve, under keep-alive load (wrk, 64
 * connections). The floor: templated ≥ 0.5× static. Rounds alternate which server goes first and
 * the ratio is the median of each round's pair, so a noisy neighbour weighs on both alike.
 *
 * The templated server runs with the default --stat-cache (1 s): the rendered page is cached and
 * its 101 dependencies are checked once a second, which is what a real site pays.
 *
 * Runnable alone (`deno run -A bench/templates_bench.ts [--duration 10s] [--rounds 3]`) or from
 * the main bench through `runTemplatesBench`. Writes bench/results/templates.md and prints it.
 * @module
 */

import { parseArgs } from "node:util";
import { pairOrder, type Round, summarizeRounds } from "./rounds.ts";
import { type RunningServer, shellLine, startServer, wireserveSpec } from "./servers.ts";
import { findWrk, runWrk, type Wrk, wrkArgs, type WrkRun } from "./wrk.ts";

const REPO_ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname);
const RESULTS_FILE = decodeURIComponent(new URL("results/templates.md", import.meta.url).pathname);
/** Posts the index lists (the issue's figure). */
export const POSTS = 100;
/** templated req/s ÷ static req/s must reach this. */
export const FLOOR = 0.5;
const WRK_THREADS = 2;
const WRK_CONNECTIONS = 64;
const WARMUP = "2s";
const MS_PER_DAY = 86_400_000;
const FIRST_POST_MS = Date.UTC(2020, 0, 1);

/** How long and how often to measure. */
export interface TemplatesBenchOptions {
  /** wrk duration per run, e.g. "10s". */
  duration: string;
  /** Rounds; each runs both servers back to back. */
  rounds: number;
}

/** The site: an index template, a partial, and `POSTS` posts with front matter. */
export function benchSite(posts = POSTS): Record<string, string> {
  const files: Record<string, string> = {
    "index.html": [
      "<!doctype html>",
      "<html><head><title>${env.BENCH_SITE}</title></head><body>",
      "${include /partials/header.html}",
      "<ul>",
      '${for post in folder("/posts", sort="-date", limit=100, ext=".md")}',
      '<li><a href="/post.html?p=${post.slug | url}">${post.title}</a> <time>${post.date}</time>' +
      "</li>",
      "${end}",
      "</ul></body></html>",
      "",
    ].join("\n"),
    "partials/header.html": "<header><h1>${env.BENCH_SITE}</h1></header>",
  };
  for (let i = 0; i < posts; i++) {
    const date = new Date(FIRST_POST_MS + i * MS_PER_DAY).toISOString().slice(0, 10);
    files[`posts/post-${String(i).padStart(3, "0")}.md`] =
      `---\ntitle: Post number ${i}\ndate: ${date}\n---\n\n# Post number ${i}\n\n` +
      "Some text.\n".repeat(20);
  }
  return files;
}

/** Runs the benchmark; resolves to the report (markdown) or throws when wrk is missing. */
export async function runTemplatesBench(
  opts: TemplatesBenchOptions,
  env: Record<string, string | undefined>,
): Promise<string> {
  const wrk = await findWrk(env);
  if (wrk === null) {
    throw new Error("wrk not found ($WRK, /usr/bin/wrk, PATH): apt-get install wrk");
  }
  const tmp = await Deno.makeTempDir({ prefix: "wireserve-templates-bench-" });
  const servers: RunningServer[] = [];
  const warnings: string[] = [];
  const commands: string[] = [];
  try {
    const templated = `${tmp}/templated`;
    const plain = `${tmp}/static`;
    for (const [path, text] of Object.entries(benchSite())) {
      await write(`${templated}/${path}`, text);
    }
    const site = {
      name: "templated",
      denoArgs: [...wireserveSpec(tmp).denoArgs, "--www", templated, "--templates"],
    };
    // The variable the page shows comes from the environment wireserve runs in.
    Deno.env.set("WIRESERVE_VAR_BENCH_SITE", "Bench site");
    servers.push(await startServer(site, REPO_ROOT));
    const rendered = await fetchBytes(servers[0], "/");
    if (rendered.includes("wireserve-template-error")) {
      warnings.push("The templated page rendered with an error box.");
    }
    await write(`${plain}/index.html`, rendered);
    servers.push(
      await startServer({
        name: "static",
        denoArgs: [...wireserveSpec(tmp).denoArgs, "--www", plain],
      }, REPO_ROOT),
    );
    commands.push(...servers.map((s) => `# ${s.name}: ${s.command}`));
    if ((await fetchBytes(servers[1], "/")) !== rendered) {
      warnings.push("The static copy does not answer the same bytes as the templated page.");
    }
    const items = rendered.match(/<li>/g)?.length ?? 0;
    if (items !== POSTS) warnings.push(`The page lists ${items} posts, not ${POSTS}.`);

    for (const s of servers) await load(wrk, s, WARMUP);
    const rounds: Round[] = [];
    for (let round = 0; round < opts.rounds; round++) {
      const runs: WrkRun[] = [];
      for (const i of pairOrder(round)) {
        console.error(`templates bench: round ${round + 1}: ${servers[i].name}`);
        runs[i] = await load(wrk, servers[i], opts.duration);
        const line = shellLine(runs[i].command);
        if (!commands.includes(line)) commands.push(line);
        const r = runs[i].result;
        if (r === null || r.non2xx > 0 || r.socketErrors !== null) {
          warnings.push(
            `${servers[i].name} round ${round + 1}: wrk ${
              r === null
                ? "gave no result"
                : `saw ${r.non2xx} non-2xx, socket errors ${r.socketErrors}`
            }.`,
          );
        }
      }
      rounds.push({ subject: runs[0], baseline: runs[1] });
    }
    for (const s of servers) {
      if (s.exited() !== null) warnings.push(`${s.name} exited mid-run: ${s.output().slice(-300)}`);
    }
    return renderReport(
      opts,
      wrk,
      rounds,
      new TextEncoder().encode(rendered).length,
      commands,
      warnings,
    );
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    Deno.env.delete("WIRESERVE_VAR_BENCH_SITE");
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

function renderReport(
  opts: TemplatesBenchOptions,
  wrk: Wrk,
  rounds: readonly Round[],
  pageBytes: number,
  commands: readonly string[],
  warnings: readonly string[],
): string {
  const s = summarizeRounds(rounds);
  const rps = (v: number | null) =>
    v === null ? "—" : `${Math.round(v).toLocaleString("en")} req/s`;
  const ratio = s.ratio === null
    ? "n/a"
    : `${s.ratio.toFixed(2)}× (≥ ${FLOOR}) ${s.ratio >= FLOOR ? "✅" : "❌"}`;
  const range = s.ratioRange === null
    ? ""
    : ` (rounds ${s.ratioRange.min.toFixed(2)}–${s.ratioRange.max.toFixed(2)})`;
  const lines = [
    "# wireserve templates benchmark",
    "",
    `Run ${
      new Date().toISOString()
    }: an index listing ${POSTS} Markdown posts (front-matter titles ` +
    `and dates, a partial, an env value; ${pageBytes.toLocaleString("en")} bytes) rendered by ` +
    "`--templates`, against the same bytes served as a static file. Medians over rounds; the " +
    "ratio is the median of each round's pair, run back to back.",
    "",
    `- deno ${Deno.version.deno}; ${wrk.version}; ${navigator.hardwareConcurrency} CPUs, load ` +
    `average at the end ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")}`,
    `- wrk: ${WRK_THREADS} threads, ${WRK_CONNECTIONS} connections, ${opts.duration} per run, ` +
    `${WARMUP} warm-up per server; ${opts.rounds} round(s); --stat-cache 1s (the default)`,
    "",
    "| page | templated | static | templated ÷ static (floor) |",
    "| --- | ---: | ---: | ---: |",
    `| index of ${POSTS} posts, keep-alive | ${rps(s.subject.requestsPerSec)} | ` +
    `${rps(s.baseline.requestsPerSec)} | ${ratio}${range} |`,
    "",
  ];
  if (warnings.length > 0) lines.push("Warnings:", "", ...warnings.map((w) => `- ${w}`), "");
  lines.push("<details><summary>Commands</summary>", "", "```", ...commands, "```", "</details>");
  return `${lines.join("\n")}\n`;
}

async function load(wrk: Wrk, server: RunningServer, duration: string): Promise<WrkRun> {
  const args = wrkArgs({
    threads: WRK_THREADS,
    connections: WRK_CONNECTIONS,
    duration,
    url: `http://127.0.0.1:${server.port}/`,
    extra: [],
    scriptArgs: [],
  });
  return await runWrk(wrk, args, new AbortController().signal);
}

async function fetchBytes(server: RunningServer, path: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
  return await res.text();
}

async function write(path: string, text: string): Promise<void> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(path, text);
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    strict: true,
    options: {
      duration: { type: "string", default: "10s" },
      rounds: { type: "string", default: "3" },
    },
  });
  const report = await runTemplatesBench(
    { duration: values.duration, rounds: Math.max(1, Number(values.rounds) || 1) },
    Deno.env.toObject(),
  );
  console.log(report);
  await Deno.writeTextFile(RESULTS_FILE, report);
  console.error(`templates bench: written to ${RESULTS_FILE}`);
}
