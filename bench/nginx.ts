/**
 * nginx as a file-serving reference for `bench/files_bench.ts`, when it is installed (Debian:
 * `apt-get install nginx`): a generated config on a free loopback port with sendfile on,
 * access_log off, one worker (or `workers`), daemon off, its temp paths in the bench's temp
 * folder, and `/files/` aliased to the same folder wireserve serves — with `PUT` allowed there
 * (`dav_methods`, Debian builds nginx with the DAV module) when `put` is set.
 *
 * This module must not run load or judge results.
 * @module
 */

import { getOnce } from "./raw_http.ts";
import { drain, freePort, type RunningServer, shellLine, signal } from "./servers.ts";

/** Where nginx is looked for: `$NGINX`, then the Debian path, then PATH. */
const NGINX_CANDIDATES = ["/usr/sbin/nginx", "nginx"];
const START_TIMEOUT_MS = 10_000;
const PROBE_INTERVAL_MS = 100;
const STOP_GRACE_MS = 3_000;
const TAIL_CHARS = 4_000;

/** Finds a runnable nginx and its version line, or null. */
export async function findNginx(
  env: Record<string, string | undefined>,
): Promise<{ path: string; version: string } | null> {
  const candidates = env.NGINX ? [env.NGINX, ...NGINX_CANDIDATES] : NGINX_CANDIDATES;
  for (const path of candidates) {
    try {
      const out = await new Deno.Command(path, { args: ["-v"], stdout: "piped", stderr: "piped" })
        .output();
      const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
      if (out.success) return { path, version: text.trim().split("\n")[0] };
    } catch {
      // not here; try the next one
    }
  }
  return null;
}

/** How nginx runs besides its folders. */
export interface NginxOptions {
  /** `worker_processes` (default 1). */
  workers?: number;
  /** Accept `PUT` under `/files/` (no size limit), as a raw-upload reference. */
  put?: boolean;
  /**
   * Where nginx writes request bodies before a PUT renames them into place (default
   * `<tmp>/body`). Put it on the file system of `root`, or every PUT becomes a copy.
   */
  bodyTempPath?: string;
}

/**
 * The config: `workers` workers (default 1), sendfile, no access log, `/files/` → `root`
 * (optionally writable with PUT), `/` → 200 "ok".
 */
export function nginxConfig(
  port: number,
  root: string,
  tmp: string,
  opts: NginxOptions = {},
): string {
  const put = opts.put ? "dav_methods PUT; client_max_body_size 0; " : "";
  return `worker_processes ${opts.workers ?? 1};
daemon off;
pid ${tmp}/nginx.pid;
error_log stderr;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000000;
  default_type application/octet-stream;
  client_body_temp_path ${opts.bodyTempPath ?? `${tmp}/body`};
  proxy_temp_path ${tmp}/proxy;
  fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
  server {
    listen 127.0.0.1:${port};
    location = / { return 200 "ok\\n"; }
    location /files/ { ${put}alias ${root}/; }
  }
}
`;
}

/** Starts nginx serving `root` with its files in `tmp`; resolves once `GET /` answers 200. */
export async function startNginx(
  nginx: string,
  root: string,
  tmp: string,
  opts: NginxOptions = {},
): Promise<RunningServer> {
  await Deno.mkdir(tmp, { recursive: true });
  const port = freePort();
  const conf = `${tmp}/nginx.conf`;
  await Deno.writeTextFile(conf, nginxConfig(port, root, tmp, opts));
  const args = ["-p", tmp, "-c", conf, "-e", "stderr"];
  const child = new Deno.Command(nginx, { args, stdin: "null", stdout: "piped", stderr: "piped" })
    .spawn();
  let output = "";
  const keep = (t: string) => output = (output + t).slice(-TAIL_CHARS);
  void drain(child.stdout, keep);
  void drain(child.stderr, keep);
  let exitCode: number | null = null;
  const status = child.status.then((s) => {
    exitCode = s.code;
  });
  const workers = opts.workers ?? 1;
  const server: RunningServer = {
    name: workers === 1 ? "nginx" : `nginx ×${workers}`,
    port,
    pid: child.pid,
    command: shellLine([nginx, ...args]),
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
    if (exitCode !== null) throw new Error(`nginx exited with code ${exitCode}: ${output}`);
    const res = await getOnce(port, "/").catch(() => null);
    if (res !== null && res.status === 200) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`nginx did not answer within ${START_TIMEOUT_MS} ms: ${output}`);
    }
    await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
  }
}
