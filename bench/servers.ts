/**
 * The servers under test as subprocesses: pick a free port, start, wait until `GET /` answers,
 * find the process that really owns the listening socket (a launcher such as an npm shim may sit
 * in between), and stop them again.
 *
 * This module must not know about wrk or the report.
 * @module
 */

import { V8_FLAGS } from "../.ci/compile.ts";
import { getOnce } from "./raw_http.ts";
import { listeningPid } from "./proc.ts";

/** How long a server may take to answer its first request (a cold start may fetch npm deps). */
const START_TIMEOUT_MS = 30_000;
/** Pause between readiness probes. */
const PROBE_INTERVAL_MS = 100;
/** Time a server gets to exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 3_000;
/** Server output kept for error messages. */
const TAIL_CHARS = 4_000;

/** Thrown when a server does not come up; `run.ts` exits 1 on it. */
export class ServerStartError extends Error {}

/** How to start one server: a deno program and its arguments, `{port}` filled in. */
export interface ServerSpec {
  /** Name in the report. */
  name: string;
  /** Arguments to `deno` (after the executable), with the literal `{port}` for the port. */
  denoArgs: readonly string[];
  /** Environment variables set for it on top of the bench's own (e.g. `DENO_JOBS`). */
  env?: Readonly<Record<string, string>>;
}

/** A started server. */
export interface RunningServer {
  name: string;
  port: number;
  /** The process that owns the listening socket (the one whose RSS counts). */
  pid: number;
  /** The exact command that started it. */
  command: string;
  /** Stdout then stderr so far (the last few KB of each). */
  output(): string;
  /** Whether the process has exited, with its code. */
  exited(): number | null;
  /** SIGTERM, then SIGKILL after a grace period; resolves when it has exited. */
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Starts `spec` in `cwd` on a free port and waits until `GET /` answers 200. */
export async function startServer(spec: ServerSpec, cwd: string): Promise<RunningServer> {
  const port = freePort();
  const args = spec.denoArgs.map((a) => a.replaceAll("{port}", String(port)));
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: spec.env === undefined ? undefined : { ...spec.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = { stdout: "", stderr: "" };
  drain(child.stdout, (t) => out.stdout = (out.stdout + t).slice(-TAIL_CHARS));
  drain(child.stderr, (t) => out.stderr = (out.stderr + t).slice(-TAIL_CHARS));
  let exitCode: number | null = null;
  const status = child.status.then((s) => {
    exitCode = s.code;
  });
  const server: RunningServer = {
    name: spec.name,
    port,
    pid: child.pid,
    command: shellLine([
      ...Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
      "deno",
      ...args,
    ]),
    output: () => `${out.stdout}${out.stderr}`,
    exited: () => exitCode,
    async stop() {
      if (exitCode !== null) return;
      for (const pid of new Set([server.pid, child.pid])) signal(pid, "SIGTERM");
      const timer = setTimeout(() => {
        for (const pid of new Set([server.pid, child.pid])) signal(pid, "SIGKILL");
      }, STOP_GRACE_MS);
      await status;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exitCode !== null) {
      throw new ServerStartError(
        `${spec.name} exited with code ${exitCode} before answering:\n${server.output()}`,
      );
    }
    const res = await getOnce(port, "/").catch(() => null);
    if (res !== null && res.status === 200) break;
    if (Date.now() > deadline) {
      await server.stop();
      const got = res === null ? "no answer" : `status ${res.status}`;
      throw new ServerStartError(
        `${spec.name} did not answer GET / with 200 within ${START_TIMEOUT_MS} ms (${got}):\n` +
          server.output(),
      );
    }
    await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
  }
  server.pid = await listeningPid(child.pid, port) ?? child.pid;
  return server;
}

/**
 * wireserve as the bench runs it: loopback, a free port, no access log (no baseline writes one
 * either), and `workers` JavaScript threads (default 1, said explicitly: the flag's own default is
 * `auto`). More than one needs `--unstable-net` for SO_REUSEPORT, as `deno task start` passes it.
 * The V8 flags are the ones `deno task start` and the binary run with (`V8_FLAGS`).
 * `directory` is the shared folder, when the scenario needs one.
 */
export function wireserveSpec(directory?: string, workers = 1): ServerSpec {
  const args = ["run", "-A", V8_FLAGS];
  if (workers > 1) args.push("--unstable-net");
  args.push("main.ts", "--port", "{port}", "--host", "127.0.0.1", "--log", "off");
  args.push("--workers", String(workers));
  if (directory !== undefined) args.push("--directory", directory);
  const name = workers === 1 ? "wireserve" : `wireserve --workers ${workers}`;
  return { name, denoArgs: args };
}

/** `args` as one line a POSIX shell would split back into the same arguments. */
export function shellLine(args: readonly string[]): string {
  return args.map((a) => /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)
    .join(" ");
}

/** Sends `sig` to `pid`, ignoring a process that is already gone. */
export function signal(pid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Reads `stream` to its end as text, handing each piece to `onText`. */
export async function drain(
  stream: ReadableStream<Uint8Array>,
  onText: (t: string) => void,
) {
  const decoder = new TextDecoder();
  try {
    for await (const chunk of stream) onText(decoder.decode(chunk, { stream: true }));
  } catch {
    // the process went away mid-read; what was read is kept
  }
}
