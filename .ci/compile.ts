/**
 * `deno task compile[:<target>]`: builds the single-file binary with `deno compile`, with the
 * flags in one list so every target, the release workflow and the binary test build the same
 * thing.
 *
 *     deno run --allow-run --allow-read --allow-write --allow-env .ci/compile.ts [target|all]
 *         [--out-dir <dir>]
 *
 * No target builds `dist/wireserve` for this machine; a target triple builds
 * `dist/wireserve-<target>` (`.exe` for Windows); `all` builds the five release targets in turn.
 *
 * `deno compile` downloads its runtime (denort) from dl.deno.land the first time, unless the
 * `DENORT_BIN` variable names a local one. Its own error for a failed download is a dozen lines
 * of causes and a backtrace; this script prints one line instead (stderr) saying what failed and
 * what to do, and exits 1. Deno's output is passed through as it comes while the compile works.
 *
 * This module must not know what the program does: it only knows how to build it.
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The targets a release ships, in build order. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** One release target triple. */
export type Target = typeof TARGETS[number];

/**
 * The V8 flags wireserve runs with, wherever it is started by us: the binary has them baked in,
 * `deno task start` and `dev` pass them, and the benchmark starts the server with them.
 *
 * `--no-allocation-site-pretenuring`: V8 learns from object literals whose objects outlived a
 * young-generation collection to allocate that site's later objects straight in the old
 * generation. A server's per-connection objects (Deno's `conn.readable` stream and reader among
 * them) trip that when connections come and go: under `Connection: close` load each young
 * collection then moved ~3.3 MB to the old generation and took 5–20 ms instead of ~1, and old
 * collections ran every few seconds. Without it (same run, alternating, `wrk -c64` echo): close
 * +6–14 % requests/s, 8–20 % less CPU per connection, p99 18 → 11 ms; keep-alive echo
 * +2–4 % (docs/memory.md). `setFlagsFromString` at run time does not take this flag.
 */
export const V8_FLAGS = "--v8-flags=--no-allocation-site-pretenuring";

/**
 * Every flag the binary is compiled with, in one list: the permissions baked into it (tests run
 * wireserve with exactly these, see tests/support/wireserve_process.ts), the embedded web UI,
 * the worker module (loaded by URL, so `deno compile` must be told to embed it), SO_REUSEPORT
 * for `--workers` (`--unstable-net`), and no npm packages the program does not load. Every
 * task, the release and the binary test pick them up from here.
 */
export const COMPILE_FLAGS: readonly string[] = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env=PORT,HOST,WIRESERVE_*",
  // Any other variable reads as unset instead of throwing: npm packages probe a few at load
  // (picocolors, under sanitize-html, reads CI and TERM) and must get undefined, not a crash.
  "--ignore-env",
  "--allow-sys=networkInterfaces",
  // glibc's malloc_trim after an idle collection: freed C-heap memory goes back to the system.
  // Used once as serving starts, then revoked; with --no-prompt nothing can ask for it back
  // (src/app/malloc_trim.ts). A server never prompts anyway: a missing permission is an error.
  "--allow-ffi",
  "--no-prompt",
  "--unstable-net",
  V8_FLAGS,
  "--include",
  "www",
  "--include",
  "src/workers/worker_main.ts",
  "--exclude-unused-npm",
];

/** The program compiled, relative to the repository root. */
export const ENTRY = "main.ts";
/** Where binaries go unless `--out-dir` says otherwise, relative to the repository root. */
export const DEFAULT_OUT_DIR = "dist";
/** The repository root: `deno compile` runs there so `www` and `main.ts` resolve. */
export const ROOT: string = fileURLToPath(new URL("../", import.meta.url));

/** Exit codes: 0 built; 1 `deno compile` failed; 2 bad command line. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const NAME = "wireserve";
const USAGE = `usage: compile.ts [${TARGETS.join("|")}|all] [--out-dir <dir>]`;

/** The binary's file name: `wireserve` for this machine, `wireserve-<target>[.exe]` otherwise. */
export function binaryName(target: Target | null): string {
  if (target === null) return NAME;
  return `${NAME}-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/** The arguments after `deno` that compile `target` (null: this machine) to `output`. */
export function compileArgs(target: Target | null, output: string): string[] {
  const targetArgs = target === null ? [] : ["--target", target];
  return ["compile", ...COMPILE_FLAGS, ...targetArgs, "--output", output, ENTRY];
}

/** Where the runtime comes from when `DENORT_BIN` is not set. */
const DOWNLOAD_HOST = "dl.deno.land";
// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
/** A numbered cause in deno's error chain: `    2: dns error`. */
const CAUSE = /^\s*\d+: (.*)$/;
/** Where `deno compile`'s own errors start: `error: …`, or a type error `TS2322 [ERROR]: …`. */
const ERROR_START = /^error: |^\S+ \[ERROR\]: /;
/** The stage of `deno compile` that reads a local runtime named by DENORT_BIN. */
const LOCAL_RUNTIME = /Could not find denort|Setting up base binary|Writing binary bytes/;

/**
 * The one line explaining why `deno compile` failed for `target`, from its stderr. `denortBin`
 * is the `DENORT_BIN` value (undefined or "" when unset).
 */
export function explainFailure(
  stderr: string,
  target: string,
  denortBin: string | undefined,
): string {
  const lines = stderr.replace(ANSI, "").split(/\r?\n/).map((l) => l.trimEnd());
  const root = rootCause(lines);
  if (!denortBin && stderr.includes(DOWNLOAD_HOST)) {
    return `compile: could not download the Deno runtime (denort) for ${target}: ` +
      `${root ?? "download failed"}; set DENORT_BIN to a local denort binary to build offline`;
  }
  if (denortBin && LOCAL_RUNTIME.test(stderr)) {
    return `compile: DENORT_BIN=${denortBin} is not a usable denort binary for ${target}: ` +
      `${root ?? "unreadable"}; point it at denort ${Deno.version.deno} for that target, ` +
      "or unset it to download one";
  }
  const at = lines.findIndex((l) => ERROR_START.test(l));
  if (at < 0) return `compile: deno compile failed: ${lines.find((l) => l !== "") ?? "no output"}`;
  const first = lines[at].replace(/^error: /, "");
  const where = lines.slice(at + 1, at + 4).find((l) => /^\s+at /.test(l))?.trim();
  const detail = where ?? (root === undefined ? undefined : `caused by: ${root}`);
  return `compile: deno compile failed: ${first}${detail ? ` (${detail})` : ""}`;
}

/** The last cause of deno's "Caused by:" list (its backtrace frames are numbered too). */
function rootCause(lines: readonly string[]): string | undefined {
  let root: string | undefined;
  for (let i = lines.indexOf("Caused by:") + 1; i > 0 && i < lines.length; i++) {
    const cause = CAUSE.exec(lines[i]);
    if (cause === null) break;
    root = cause[1];
  }
  return root;
}

/** What a compile run produced. */
export interface CompileResult {
  ok: boolean;
  /** Deno's stderr from the first error line on (empty when it worked). */
  errorText: string;
}

/**
 * Runs `deno compile` for `target` into `output`: stdout is inherited, stderr is passed through
 * line by line until deno starts reporting an error, which is kept for `explainFailure` instead.
 */
export async function runCompile(target: Target | null, output: string): Promise<CompileResult> {
  const child = new Deno.Command(Deno.execPath(), {
    // --quiet: no progress lines, so a failure shows as the one line `explainFailure` writes.
    args: ["compile", "--quiet", ...compileArgs(target, output).slice(1)],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "inherit",
    stderr: "piped",
  }).spawn();
  const held: string[] = [];
  const encoder = new TextEncoder();
  let pending = "";
  const pass = async (line: string) => {
    if (held.length === 0 && !ERROR_START.test(line.replace(ANSI, ""))) {
      await Deno.stderr.write(encoder.encode(`${line}\n`));
    } else held.push(line);
  };
  for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) {
    const parts = (pending + text).split("\n");
    pending = parts.pop() ?? "";
    for (const line of parts) await pass(line);
  }
  if (pending !== "") await pass(pending);
  const status = await child.status;
  return { ok: status.success, errorText: held.join("\n") };
}

/** Parsed command line: the targets to build and the output folder. */
interface Plan {
  targets: Array<Target | null>;
  outDir: string;
}

function parseCommandLine(args: readonly string[]): Plan | string {
  let outDir = DEFAULT_OUT_DIR;
  const named: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--out-dir") {
      if (i + 1 >= args.length) return "--out-dir: expected a folder";
      outDir = args[++i];
    } else named.push(args[i]);
  }
  if (named.length > 1) return `expected one target, got ${named.length}`;
  const wanted = named[0];
  if (wanted === undefined) return { targets: [null], outDir };
  if (wanted === "all") return { targets: [...TARGETS], outDir };
  const target = TARGETS.find((t) => t === wanted);
  if (target === undefined) return `unknown target ${JSON.stringify(wanted)}`;
  return { targets: [target], outDir };
}

/** Builds what `args` asks for; resolves to the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const plan = parseCommandLine(args);
  if (typeof plan === "string") {
    console.error(`compile: ${plan}; ${USAGE}`);
    return EXIT.usage;
  }
  for (const target of plan.targets) {
    const output = join(plan.outDir, binaryName(target));
    const triple = target ?? Deno.build.target;
    console.log(`compile: building ${output} for ${triple}`);
    const result = await runCompile(target, output);
    if (!result.ok) {
      console.error(explainFailure(result.errorText, triple, Deno.env.get("DENORT_BIN")));
      return EXIT.failed;
    }
    console.log(`compile: wrote ${output}`);
  }
  return EXIT.ok;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
