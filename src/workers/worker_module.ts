/**
 * Which module each worker starts on: `worker_main.ts` and its graph as they are in `src/`, or
 * the same graph bundled into `dist/worker/` by `deno task bundle` (.ci/bundle_worker.ts), used
 * only while every source it was built from is as it was then; otherwise `src/`, without a word
 * (the code is the same, only its memory differs; the benchmark's report says which ran).
 *
 * Why a bundle: every worker is an isolate that loads the worker's ~320 modules itself, and Deno
 * keeps each TypeScript module's emitted JavaScript with an inline source map that carries the
 * whole original source. Measured with 4 workers (anonymous RSS per worker, `deno run`): a bare
 * worker +5.9 MiB, `worker_main.ts` from `src/` +21.7 MiB, the same graph bundled and minified
 * (npm packages left to Deno, dynamic imports kept as chunks) +14.6 MiB.
 *
 * The stamp is each source's size and modification time (`sources.json`, written with the
 * bundle): an edit, a `git checkout` or a `git pull` moves them, so a bundle of other sources
 * is never run. A binary built by `deno compile` embeds `src/` and no bundle, and so loads the
 * sources.
 *
 * This module must not build the bundle: .ci/bundle_worker.ts does.
 * @module
 */

/** Where the bundle goes, relative to the repository root. */
export const BUNDLE_DIR = "dist/worker";
/** The bundle's entry module, in `BUNDLE_DIR`. */
export const BUNDLE_ENTRY = "worker_main.js";
/** The list of sources the bundle was built from, in `BUNDLE_DIR`. */
export const SOURCES_FILE = "sources.json";
/** The worker's entry module, relative to the repository root. */
export const SOURCE_ENTRY = "src/workers/worker_main.ts";

/** One source as it was when the bundle was built. */
export interface SourceStamp {
  /** Relative to the repository root, with `/`. */
  path: string;
  size: number;
  mtimeMs: number;
}

/** `sources.json`. */
export interface BundleSources {
  version: 1;
  files: SourceStamp[];
}

/** The module to start workers on; `stale` says why a bundle that exists is not used. */
export type WorkerModule =
  | { url: string; bundled: true }
  | { url: string; bundled: false; stale: string | null };

/** The repository root (the folder of `main.ts`). */
export const REPO_ROOT: URL = new URL("../../", import.meta.url);
/** `worker_main.ts` from the sources: what a pool starts on unless told the bundle. */
export const SOURCE_WORKER_URL: string = new URL(SOURCE_ENTRY, REPO_ROOT).href;

/** The stamp of the file at `url`, or null when it cannot be read. */
export async function stampOf(url: URL, path: string): Promise<SourceStamp | null> {
  try {
    const info = await Deno.stat(url);
    return { path, size: info.size, mtimeMs: info.mtime?.getTime() ?? 0 };
  } catch {
    return null;
  }
}

/** Why `recorded` no longer describes the sources under `root`, or null when it does. */
async function staleness(root: URL, recorded: BundleSources): Promise<string | null> {
  if (recorded.version !== 1 || !Array.isArray(recorded.files) || recorded.files.length === 0) {
    return `${SOURCES_FILE} is not one this version reads`;
  }
  const now = await Promise.all(recorded.files.map((f) => stampOf(new URL(f.path, root), f.path)));
  for (let i = 0; i < now.length; i++) {
    const was = recorded.files[i];
    const is = now[i];
    if (is === null) return `${was.path} is gone`;
    if (is.size !== was.size || is.mtimeMs !== was.mtimeMs) return `${was.path} changed`;
  }
  return null;
}

/** The bundle under `root` when it exists and matches the sources, else `worker_main.ts`. */
export async function chooseWorkerModule(root: URL = REPO_ROOT): Promise<WorkerModule> {
  const source = new URL(SOURCE_ENTRY, root).href;
  const dir = new URL(`${BUNDLE_DIR}/`, root);
  let recorded: BundleSources;
  try {
    recorded = JSON.parse(await Deno.readTextFile(new URL(SOURCES_FILE, dir)));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { url: source, bundled: false, stale: null };
    return { url: source, bundled: false, stale: `${SOURCES_FILE} cannot be read` };
  }
  const entry = new URL(BUNDLE_ENTRY, dir);
  if (await stampOf(entry, BUNDLE_ENTRY) === null) {
    return { url: source, bundled: false, stale: `${BUNDLE_ENTRY} is missing` };
  }
  const stale = await staleness(root, recorded).catch(() => `${SOURCES_FILE} is malformed`);
  return stale === null
    ? { url: entry.href, bundled: true }
    : { url: source, bundled: false, stale };
}
