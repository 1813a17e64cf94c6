/**
 * Running wrk and reading its text report: requests/s, p99 latency (from `--latency`), and the
 * error lines that say a number should not be trusted.
 *
 * This module must not know which server it loads or how results are judged.
 * @module
 */

/** Where wrk is looked for: `$WRK`, then the Debian path, then PATH. */
const WRK_CANDIDATES = ["/usr/bin/wrk", "wrk"];

/** A located wrk binary. */
export interface Wrk {
  path: string;
  /** First line of `wrk -v`, e.g. `wrk 4.1.0 [epoll] …`. */
  version: string;
}

/** What one wrk run measured. */
export interface WrkResult {
  requestsPerSec: number;
  /** Null when wrk's latency distribution is inconsistent (see `parseWrkOutput`). */
  p99Ms: number | null;
  /** Responses wrk counted. */
  requests: number;
  /** `connect 0, read 0, write 0, timeout 0` when wrk reported socket errors, else null. */
  socketErrors: string | null;
  /** Responses with a status outside 2xx/3xx. */
  non2xx: number;
}

/** A finished run: the command, wrk's whole output, and the parsed numbers (null if unreadable). */
export interface WrkRun {
  command: string[];
  output: string;
  result: WrkResult | null;
}

/** Finds a runnable wrk, or null. */
export async function findWrk(env: Record<string, string | undefined>): Promise<Wrk | null> {
  const candidates = env.WRK ? [env.WRK, ...WRK_CANDIDATES] : WRK_CANDIDATES;
  for (const path of candidates) {
    try {
      const out = await new Deno.Command(path, { args: ["-v"], stdout: "piped", stderr: "piped" })
        .output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      return { path, version: text.split("\n")[0].trim() };
    } catch {
      // not here; try the next one
    }
  }
  return null;
}

/** The wrk arguments for one run. */
export function wrkArgs(opts: {
  threads: number;
  connections: number;
  duration: string;
  url: string;
  extra: readonly string[];
  scriptArgs: readonly string[];
}): string[] {
  const args = ["-t", String(opts.threads), "-c", String(opts.connections), "-d", opts.duration];
  args.push("--latency", ...opts.extra, opts.url);
  if (opts.scriptArgs.length > 0) args.push("--", ...opts.scriptArgs);
  return args;
}

/** Runs wrk with `args` and parses its report; aborting `signal` kills wrk. */
export async function runWrk(wrk: Wrk, args: string[], signal: AbortSignal): Promise<WrkRun> {
  signal.throwIfAborted();
  const child = new Deno.Command(wrk.path, { args, stdout: "piped", stderr: "piped" }).spawn();
  const kill = () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // already exited
    }
  };
  signal.addEventListener("abort", kill);
  try {
    const out = await child.output();
    const output = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    return { command: [wrk.path, ...args], output, result: parseWrkOutput(output) };
  } finally {
    signal.removeEventListener("abort", kill);
  }
}

/**
 * Reads wrk's text report; null when the numbers are missing (wrk failed). The latency
 * percentiles must rise from 50% to 99%: wrk 4.1 prints 0 for some of them when its latency
 * correction adds samples below the recorded minimum (wg/wrk#354), and such a p99 is reported as
 * null rather than as 0 ms.
 */
export function parseWrkOutput(text: string): WrkResult | null {
  const rps = /^Requests\/sec:\s+([\d.]+)\s*$/m.exec(text);
  const total = /^\s*(\d+) requests in /m.exec(text);
  const percentiles = [...text.matchAll(/^\s*(50|75|90|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$/gm)]
    .map((m) => Number(m[2]) * MS_PER_UNIT[m[3]]);
  if (rps === null || total === null || percentiles.length !== 4) return null;
  const rising = percentiles.every((p, i) => p > 0 && (i === 0 || p >= percentiles[i - 1]));
  const socket = /^\s*Socket errors: (.+?)\s*$/m.exec(text);
  const non2xx = /^\s*Non-2xx or 3xx responses: (\d+)\s*$/m.exec(text);
  return {
    requestsPerSec: Number(rps[1]),
    p99Ms: rising ? percentiles[3] : null,
    requests: Number(total[1]),
    socketErrors: socket === null ? null : socket[1],
    non2xx: non2xx === null ? 0 : Number(non2xx[1]),
  };
}

/** wrk's time units (its `format_time_us`) in milliseconds. */
const MS_PER_UNIT: Record<string, number> = { us: 0.001, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
