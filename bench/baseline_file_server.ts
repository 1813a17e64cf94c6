/**
 * The Deno.serve file-server baseline for `bench/files_bench.ts` (Deno.serve is allowed only in
 * bench/). For `GET /files/<name>` it does what a plain Deno file server does per request:
 * open + stat + stream `file.readable` with a Content-Length. No caching, no validators, no
 * ranges: the baseline is the straightforward way, as fast as it goes. `GET /` answers "ok" so
 * the bench's readiness probe passes.
 *
 * Usage: deno run -A bench/baseline_file_server.ts --port <n> --root <dir>
 * @module
 */

import { join } from "node:path";
import { parseBaselineArgs } from "./baseline_args.ts";

const PREFIX = "/files/";
const { port, host, root } = parseBaselineArgs(Deno.args);

Deno.serve({
  hostname: host,
  port,
  onListen: ({ hostname, port }) => {
    console.log(`Deno.serve file baseline on http://${hostname}:${port}${PREFIX} (${root})`);
  },
}, async (req) => {
  const path = new URL(req.url).pathname;
  if (path === "/") return new Response("ok");
  // The bench only asks for plain names it created: no traversal handling is needed here.
  if (!path.startsWith(PREFIX) || path.includes("..")) {
    return new Response("not found", { status: 404 });
  }
  let file: Deno.FsFile;
  try {
    file = await Deno.open(join(root, decodeURIComponent(path.slice(PREFIX.length))));
  } catch {
    return new Response("not found", { status: 404 });
  }
  const st = await file.stat();
  return new Response(file.readable, {
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(st.size),
    },
  });
});
