/**
 * The Deno.serve baseline for `bench/run.ts` — the only place in the project that uses
 * Deno.serve. It answers GET and HEAD on any path with exactly the body and Content-Type that
 * wireserve sent for `GET /` (run.ts passes them in), so both servers send the same page. It does
 * no routing on purpose: the baseline should be as fast as Deno.serve can be.
 *
 * Usage: deno run -A bench/baseline_deno_serve.ts --port <n> --body-file <path> --content-type <t>
 * @module
 */

import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  strict: true,
  options: {
    port: { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
    "body-file": { type: "string" },
    "content-type": { type: "string" },
  },
});
if (!values.port || !values["body-file"] || !values["content-type"]) {
  console.error(
    "baseline: --port, --body-file and --content-type are required (see the module doc)",
  );
  Deno.exit(2);
}

const body = await Deno.readFile(values["body-file"]);
const headers: Array<[string, string]> = [["content-type", values["content-type"]]];
const notAllowed: Array<[string, string]> = [["allow", "GET, HEAD"]];

Deno.serve({
  hostname: values.host,
  port: Number(values.port),
  onListen: ({ hostname, port }) => {
    console.log(`Deno.serve baseline listening on http://${hostname}:${port}/ (${body.length} B)`);
  },
}, (req) => {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return new Response(null, { status: 405, headers: notAllowed });
  }
  return new Response(body, { headers });
});
