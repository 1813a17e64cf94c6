/**
 * The Deno.serve upload baseline for `bench/upload_bench.ts` (Deno.serve is allowed only in
 * bench/). `PUT` or `POST /files/<name>` streams the request body, whatever it is (a raw file or
 * a whole multipart form), to `<root>/<name>` with `req.body.pipeTo(file.writable)` — the plain
 * Deno way to receive a file — and answers 201. It does not parse forms: for the multipart
 * scenario it measures the cost of moving the same bytes to disk, which is the bar wireserve's
 * parsing must stay near. `GET /` answers "ok" for the bench's readiness probe.
 *
 * Usage: deno run -A bench/baseline_upload_server.ts --port <n> --root <dir>
 * @module
 */

import { join } from "node:path";
import { parseBaselineArgs } from "./baseline_args.ts";

const PREFIX = "/files/";
/** What a folder URL (`/files/dir/`) is written to: the whole form body, as one file. */
const FORM_FILE = "form.body";
const { port, host, root } = parseBaselineArgs(Deno.args);

Deno.serve({
  hostname: host,
  port,
  onListen: ({ hostname, port }) => {
    console.log(`Deno.serve upload baseline on http://${hostname}:${port}${PREFIX} (${root})`);
  },
}, async (req) => {
  const path = new URL(req.url).pathname;
  if (path === "/") return new Response("ok");
  // The bench only sends plain names it chose: no traversal handling is needed here.
  if (!path.startsWith(PREFIX) || path.includes("..") || req.body === null) {
    return new Response("not found", { status: 404 });
  }
  let name = decodeURIComponent(path.slice(PREFIX.length));
  if (name === "" || name.endsWith("/")) name += FORM_FILE;
  const target = join(root, name);
  await Deno.mkdir(join(target, ".."), { recursive: true });
  const file = await Deno.open(target, { write: true, create: true, truncate: true });
  await req.body.pipeTo(file.writable); // closes the file
  return new Response("stored\n", { status: 201 });
});
