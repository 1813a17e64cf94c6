/**
 * Test support for WebDAV against real clients: wireserve as a real process over a temp share
 * (the same binary permissions a user runs it with), and running a client program to its end.
 * @module
 */

import { hasProgram, spawnWireserve } from "../support/wireserve_process.ts";

/** A running wireserve over a temp share. */
export interface DavServer {
  port: number;
  /** The shared folder. */
  root: string;
  /** `http://127.0.0.1:<port>/files/` */
  url: string;
}

/** Runs `fn` against `wireserve <share> --port 0 --log off <args>`, then stops it. */
export async function withDavServer(
  args: string[],
  fn: (s: DavServer) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "wireserve-dav-share-" });
  const p = spawnWireserve([root, "--port", "0", "--log", "off", ...args]);
  try {
    const port = await p.port();
    await fn({ port, root, url: `http://127.0.0.1:${port}/files/` });
  } finally {
    p.child.kill("SIGTERM");
    await p.exit();
    await Deno.remove(root, { recursive: true });
  }
}

/** What a client run printed and how it ended. */
export interface ClientRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `program` with `args` (and optional stdin text) to its end, within `timeoutMs`. */
export async function runClient(
  program: string,
  args: string[],
  opts: { stdin?: string; env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<ClientRun> {
  const child = new Deno.Command(program, {
    args,
    env: opts.env,
    cwd: opts.cwd,
    stdin: opts.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(opts.stdin));
    await writer.close();
  }
  const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
  try {
    const r = await child.output();
    const d = new TextDecoder();
    return { code: r.code, out: d.decode(r.stdout), err: d.decode(r.stderr) };
  } finally {
    clearTimeout(timer);
  }
}

/** Whether `program` can be run here (its --version or `args` exits at all). */
export function installed(program: string, args = ["--version"]): Promise<boolean> {
  return hasProgram(program, args);
}
