/**
 * `deno task bundle`: bundles the worker's module graph (`src/workers/worker_main.ts`) into
 * `dist/worker/` (see `bundleFlags`), and writes beside it `sources.json`: every source it was
 * built from with its size and modification time. A pool's workers start on the bundle while
 * those still match (src/workers/worker_module.ts says why: about 7 MiB less per worker).
 *
 *     deno run --allow-run --allow-read --allow-write --allow-env .ci/bundle_worker.ts
 *         [--if-possible]
 *
 * A bundle that still matches its sources is kept (nothing is run). The new bundle is written
 * beside the old one and swapped in by renaming, so a server starting meanwhile finds one or the
 * other whole. `deno bundle` fetches esbuild from the npm registry the first time; where that
 * fails, `--if-possible` (the `start` task) says so in one line and exits 0, the workers then
 * loading `src/`. Exit codes: 0 built or kept; 1 failed; 2 bad command line.
 *
 * This module must not know what the program does: it only knows how to build it.
 * @module
 */

import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BUNDLE_DIR,
  BUNDLE_ENTRY,
  type BundleSources,
  chooseWorkerModule,
  REPO_ROOT,
  SOURCE_ENTRY,
  SOURCES_FILE,
  type SourceStamp,
  stampOf,
} from "../src/workers/worker_module.ts";

/** Files besides the module graph whose change changes the bundle. */
const CONFIG_FILES = ["deno.json", "deno.lock"];
/**
 * The `deno bundle` flags besides `--outdir`: minified, dynamic imports kept as chunks (loaded on
 * a feature's first request, as from `src/`), and every npm package of deno.json's imports left
 * external, for Deno to load as it does from `src/` (measured: no more memory than bundling them
 * through esbuild's CommonJS shims, and none of their risk).
 */
export async function bundleFlags(root: URL): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root))) as {
    imports?: Record<string, string>;
  };
  const npm = Object.entries(config.imports ?? {}).filter(([, to]) => to.startsWith("npm:"));
  return [
    "--quiet",
    "--minify",
    "--code-splitting",
    "--platform",
    "deno",
    ...npm.map(([name]) => `--external=${name}`),
  ];
}

const USAGE = "usage: bundle_worker.ts [--if-possible]";

/** Runs `deno <args>` in `root`; its stdout, or an Error with its stderr's first lines. */
async function deno(args: string[], root: URL): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: fileURLToPath(root),
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr).trim().split("\n").slice(0, 3).join(" / ");
    throw new Error(`deno ${args[0]} failed: ${text || `exit ${out.code}`}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** The local files of the worker's module graph (static and dynamic imports), relative to root. */
export async function graphSources(root: URL): Promise<string[]> {
  const info = JSON.parse(await deno(["info", "--json", SOURCE_ENTRY], root)) as {
    modules: { specifier: string }[];
  };
  const rootPath = fileURLToPath(root);
  const files = info.modules
    .map((m) => m.specifier)
    .filter((s) => s.startsWith("file:"))
    .map((s) => relative(rootPath, fileURLToPath(s)).replaceAll("\\", "/"))
    .filter((p) => !p.startsWith(".."));
  return [...new Set(files)].sort();
}

/** The stamps of `sources` and of the config files there are; throws for a source that is gone. */
async function stampAll(root: URL, sources: string[]): Promise<SourceStamp[]> {
  const stamps: SourceStamp[] = [];
  for (const path of [...sources, ...CONFIG_FILES]) {
    const stamp = await stampOf(new URL(path, root), path);
    if (stamp !== null) stamps.push(stamp);
    else if (!CONFIG_FILES.includes(path)) throw new Error(`${path} cannot be read`);
  }
  return stamps;
}

/** Builds the bundle under `root`; the number of sources it was built from. */
export async function bundleWorker(root: URL = REPO_ROOT): Promise<number> {
  const sources = await graphSources(root);
  if (!sources.includes(SOURCE_ENTRY)) throw new Error(`${SOURCE_ENTRY} is not in its own graph`);
  const dist = new URL(`${BUNDLE_DIR}/`, root);
  const building = new URL(`${BUNDLE_DIR}.building-${Deno.pid}/`, root);
  const old = new URL(`${BUNDLE_DIR}.old-${Deno.pid}/`, root);
  await Deno.remove(building, { recursive: true }).catch(() => {});
  try {
    const stamps = await stampAll(root, sources);
    const flags = await bundleFlags(root);
    await deno(["bundle", "--outdir", fileURLToPath(building), ...flags, SOURCE_ENTRY], root);
    // `deno bundle` exits 0 having bundled nothing when its arguments name no entry it reads.
    if (await stampOf(new URL(BUNDLE_ENTRY, building), BUNDLE_ENTRY) === null) {
      throw new Error(`deno bundle wrote no ${BUNDLE_ENTRY}`);
    }
    // A source edited meanwhile (one that gained an import among them) would leave a bundle of
    // sources the stamps do not describe: the graph and its stamps must be as they were.
    const after = await stampAll(root, await graphSources(root));
    if (JSON.stringify(after) !== JSON.stringify(stamps)) {
      throw new Error("the sources changed while they were bundled; run it again");
    }
    const recorded: BundleSources = { version: 1, files: stamps };
    await Deno.writeTextFile(new URL(SOURCES_FILE, building), JSON.stringify(recorded) + "\n");
    const hadOld = await Deno.rename(dist, old).then(() => true, () => false);
    await Deno.rename(building, dist);
    if (hadOld) await Deno.remove(old, { recursive: true });
  } finally {
    await Deno.remove(building, { recursive: true }).catch(() => {});
  }
  return sources.length;
}

/**
 * Builds the bundle under `root` unless one there matches the sources (`deno task start` and the
 * benchmark): the number of sources a new one was built from, or null when it was kept.
 */
export async function bundleIfStale(root: URL = REPO_ROOT): Promise<number | null> {
  return (await chooseWorkerModule(root)).bundled ? null : await bundleWorker(root);
}

async function main(args: string[]): Promise<number> {
  const ifPossible = args.includes("--if-possible");
  if (args.some((a) => a !== "--if-possible")) {
    console.error(USAGE);
    return 2;
  }
  try {
    const count = await bundleIfStale();
    if (count !== null) console.error(`bundle: ${BUNDLE_DIR}/ built from ${count} modules`);
    return 0;
  } catch (e) {
    const what = e instanceof Error ? e.message : String(e);
    if (!ifPossible) {
      console.error(`bundle: ${what}`);
      return 1;
    }
    console.error(`bundle: ${what}; workers will load src/`);
    return 0;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
