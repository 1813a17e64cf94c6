/**
 * Test support: wireserve as a real process — `deno run` on main.ts with exactly the
 * permissions the compiled binary gets (so tests prove they suffice), or a compiled binary.
 * Output is collected as it comes so the child never blocks on a full pipe.
 * @module
 */

import { fileURLToPath } from "node:url";

/** The permissions and unstable APIs baked into the binary by `.ci/compile.ts` (tests/ci/compile_test.ts checks). */
export const WIRESERVE_PERMISSIONS: readonly string[] = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env=PORT,HOST,WIRESERVE_*",
  "--ignore-env",
  "--allow-sys=networkInterfaces",
  "--allow-ffi",
  "--no-prompt",
  "--unstable-net",
];

/** main.ts as a path. */
export const MAIN_PATH = fileURLToPath(new URL("../../main.ts", import.meta.url));

/** How long a process may take to print its URL (a cold start compiles TypeScript). */
const START_TIMEOUT_MS = 30_000;
const POLL_MS = 20;

/** A spawned wireserve. */
export interface WireserveProcess {
  child: Deno.ChildProcess;
  /** Everything printed to stdout so far. */
  stdout(): string;
  /** Everything printed to stderr so far. */
  stderr(): string;
  /** The port of the first URL printed (waits for it; throws if the process exits first). */
  port(): Promise<number>;
  /** Waits for the exit and all output; resolves to the exit code. */
  exit(): Promise<number>;
}

/** How to start it. */
export interface SpawnOptions {
  cwd?: string;
  /** Variables added to the test's environment (minus any PORT, HOST or WIRESERVE_*). */
  env?: Record<string, string>;
  /** A compiled binary to run instead of `deno run main.ts`. */
  binary?: string;
  /** The main.ts to run (default this repository's). */
  main?: string;
  /** `deno run`'s permission flags (default `WIRESERVE_PERMISSIONS`, the binary's). */
  permissions?: readonly string[];
  /** A program (and its arguments) to run wireserve under, e.g. `withoutReadOverride()`'s. */
  wrapper?: readonly string[];
}

/**
 * What to run wireserve under so that file permissions hold for it: nothing when the tests do
 * not run as root; as root, `setpriv` dropping the capabilities that let root read any file
 * (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), the user staying root (so Deno's caches stay
 * readable); null when neither is possible here.
 */
export async function withoutReadOverride(): Promise<string[] | null> {
  if (Deno.uid() !== 0) return [];
  if (!await hasProgram("setpriv", ["--version"])) return null;
  return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"];
}

/** Starts wireserve with `args`. */
export function spawnWireserve(args: string[], opts: SpawnOptions = {}): WireserveProcess {
  const program = opts.binary ?? Deno.execPath();
  const programArgs = opts.binary
    ? args
    : ["run", ...(opts.permissions ?? WIRESERVE_PERMISSIONS), opts.main ?? MAIN_PATH, ...args];
  const wrapper = opts.wrapper ?? [];
  const command = wrapper.length === 0 ? program : wrapper[0];
  const fullArgs = wrapper.length === 0
    ? programArgs
    : [...wrapper.slice(1), program, ...programArgs];
  // By default an empty working folder: a developer's own ./.env must not change the test.
  const ownCwd = opts.cwd === undefined ? Deno.makeTempDirSync({ prefix: "wireserve-cwd-" }) : null;
  const child = new Deno.Command(command, {
    args: fullArgs,
    cwd: opts.cwd ?? ownCwd!,
    clearEnv: true,
    env: { ...inheritedEnv(), ...opts.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = { stdout: "", stderr: "" };
  const drained = Promise.all([
    collect(child.stdout, (t) => out.stdout += t),
    collect(child.stderr, (t) => out.stderr += t),
  ]);
  let code: number | null = null;
  const status = child.status.then((s) => {
    code = s.code;
  });
  return {
    child,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    async port() {
      const deadline = Date.now() + START_TIMEOUT_MS;
      for (;;) {
        const m = out.stdout.match(/https?:\/\/(?:127\.0\.0\.1|localhost):(\d+)\//);
        if (m) return Number(m[1]);
        if (code !== null || Date.now() > deadline) {
          throw new Error(`no URL printed (exit ${code}); stderr: ${out.stderr}`);
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    },
    async exit() {
      await status;
      await drained;
      if (ownCwd !== null) await Deno.remove(ownCwd, { recursive: true }).catch(() => {});
      return code!;
    },
  };
}

/**
 * `p`'s exit code, for a run expected to end by itself: one that serves instead (a check that did
 * not refuse the start) is killed after `ms`, and its code (from SIGKILL) fails the test.
 */
export async function exitWithin(p: WireserveProcess, ms = 10_000): Promise<number> {
  const stop = setTimeout(() => p.child.kill("SIGKILL"), ms);
  try {
    return await p.exit();
  } finally {
    clearTimeout(stop);
  }
}

/** The test's environment without the variables wireserve reads, so they cannot leak in. */
function inheritedEnv(): Record<string, string> {
  const env = Deno.env.toObject();
  for (const name of Object.keys(env)) {
    if (name === "PORT" || name === "HOST" || name.startsWith("WIRESERVE_")) delete env[name];
  }
  return env;
}

async function collect(stream: ReadableStream<Uint8Array>, add: (t: string) => void) {
  for await (const text of stream.pipeThrough(new TextDecoderStream())) add(text);
}

/** Runs curl with `args`; resolves to its exit code, stdout and stderr. */
export async function curl(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await new Deno.Command("curl", { args, stdout: "piped", stderr: "piped" }).output();
  const d = new TextDecoder();
  return { code: r.code, out: d.decode(r.stdout), err: d.decode(r.stderr) };
}

/** Whether a program can be started here (for tests that need curl or openssl). */
export async function hasProgram(name: string, args = ["--version"]): Promise<boolean> {
  try {
    await new Deno.Command(name, { args, stdout: "null", stderr: "null" }).output();
    return true;
  } catch {
    return false; // not installed (NotFound)
  }
}
