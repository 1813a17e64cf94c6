/**
 * The WebDAV references for `bench/webdav_bench.ts`, started beside wireserve over the same
 * folder: Apache httpd with mod_dav (Debian `apache2`: a generated minimal config on a free
 * loopback port in the bench's temp folder, in the foreground with `-X`, one process) and
 * `rclone serve webdav` (Debian `rclone`). Both are optional: the report says which were missing.
 *
 * Apache refuses to serve as root; run as root, its one process drops to `nobody`, so the shared
 * folder is made writable for everyone (it is the bench's own temp folder).
 *
 * This module must not run load or judge results.
 * @module
 */

import { drain, freePort, type RunningServer, shellLine, signal } from "./servers.ts";

const APACHE_CANDIDATES = ["/usr/sbin/apache2", "apache2", "httpd"];
const APACHE_MODULES = "/usr/lib/apache2/modules";
const RCLONE_CANDIDATES = ["/usr/bin/rclone", "rclone"];
const START_TIMEOUT_MS = 15_000;
const PROBE_INTERVAL_MS = 100;
const STOP_GRACE_MS = 3_000;
const TAIL_CHARS = 4_000;

/** The first of `candidates` that runs with `args`, with its first output line. */
export async function findProgram(
  candidates: readonly string[],
  args: string[],
): Promise<{ path: string; version: string } | null> {
  for (const path of candidates) {
    try {
      const out = await new Deno.Command(path, { args, stdout: "piped", stderr: "piped" }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      if (out.success) return { path, version: text.trim().split("\n")[0] };
    } catch {
      // not here; try the next one
    }
  }
  return null;
}

/** Apache httpd with mod_dav, or null when it is not installed. */
export function findApache() {
  return findProgram(APACHE_CANDIDATES, ["-v"]);
}

/** rclone, or null when it is not installed. */
export function findRclone() {
  return findProgram(RCLONE_CANDIDATES, ["version"]);
}

/**
 * A minimal httpd.conf: event MPM, mod_dav and mod_dav_fs, `/files/` aliased to `root` with
 * `Dav On`, no access log, its lock database and pid in `tmp`.
 */
export function apacheConfig(port: number, root: string, tmp: string, user: string): string {
  const load = (name: string, file: string) =>
    `LoadModule ${name}_module ${APACHE_MODULES}/mod_${file}.so`;
  return [
    `ServerRoot ${tmp}`,
    `Listen 127.0.0.1:${port}`,
    `PidFile ${tmp}/httpd.pid`,
    `ErrorLog ${tmp}/error.log`,
    "ServerName 127.0.0.1",
    load("mpm_event", "mpm_event"),
    load("authz_core", "authz_core"),
    load("alias", "alias"),
    load("dav", "dav"),
    load("dav_fs", "dav_fs"),
    ...(user === "root" ? ["User nobody", "Group nogroup"] : []),
    "KeepAlive On",
    "MaxKeepAliveRequests 0",
    `DavLockDB ${tmp}/DavLock`,
    `Alias /files/ ${root}/`,
    `<Directory ${root}/>`,
    "  Dav On",
    "  Require all granted",
    "</Directory>",
    "",
  ].join("\n");
}

/** Starts Apache serving `root` at `/files/`; resolves once `OPTIONS /files/` answers. */
export async function startApache(
  apache: string,
  root: string,
  tmp: string,
): Promise<RunningServer> {
  await Deno.mkdir(tmp, { recursive: true });
  const port = freePort();
  const conf = `${tmp}/httpd.conf`;
  const user = Deno.uid() === 0 ? "root" : "self";
  await Deno.writeTextFile(conf, apacheConfig(port, root, tmp, user));
  if (user === "root") await openUp(tmp, root);
  return await startProcess("Apache mod_dav", apache, ["-X", "-f", conf], port, tmp);
}

/** Starts `rclone serve webdav` over `root` at `/files/`. */
export function startRcloneServe(rclone: string, root: string): Promise<RunningServer> {
  const port = freePort();
  const args = [
    "serve",
    "webdav",
    root,
    "--addr",
    `127.0.0.1:${port}`,
    "--baseurl",
    "/files",
    "--config",
    "/dev/null",
  ];
  return startProcess("rclone serve webdav", rclone, args, port, null);
}

async function startProcess(
  name: string,
  program: string,
  args: string[],
  port: number,
  errorLogDir: string | null,
): Promise<RunningServer> {
  const child = new Deno.Command(program, { args, stdin: "null", stdout: "piped", stderr: "piped" })
    .spawn();
  let output = "";
  const keep = (t: string) => output = (output + t).slice(-TAIL_CHARS);
  void drain(child.stdout, keep);
  void drain(child.stderr, keep);
  let exitCode: number | null = null;
  const status = child.status.then((s) => {
    exitCode = s.code;
  });
  const server: RunningServer = {
    name,
    port,
    pid: child.pid,
    command: shellLine([program, ...args]),
    output: () => output,
    exited: () => exitCode,
    async stop() {
      if (exitCode !== null) return;
      signal(child.pid, "SIGTERM");
      const timer = setTimeout(() => signal(child.pid, "SIGKILL"), STOP_GRACE_MS);
      await status;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exitCode !== null) {
      const log = errorLogDir === null
        ? ""
        : await Deno.readTextFile(`${errorLogDir}/error.log`).catch(() => "");
      throw new Error(`${name} exited with code ${exitCode}: ${output}${log}`);
    }
    const ok = await fetch(`http://127.0.0.1:${port}/files/`, { method: "OPTIONS" })
      .then(async (r) => {
        await r.body?.cancel();
        return r.status < 500;
      }, () => false);
    if (ok) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${name} did not answer within ${START_TIMEOUT_MS} ms: ${output}`);
    }
    await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
  }
}

/**
 * rwx for everyone on `tmp` and the folders below `root`: Apache's `nobody` must create folders
 * and files there (the files themselves stay readable, 0644).
 */
async function openUp(tmp: string, root: string): Promise<void> {
  const ALL = 0o777;
  await Deno.chmod(tmp, ALL);
  const walk = async (dir: string) => {
    await Deno.chmod(dir, ALL);
    for await (const e of Deno.readDir(dir)) if (e.isDirectory) await walk(`${dir}/${e.name}`);
  };
  await walk(root);
}
