/**
 * The `deno serve --parallel` baseline for `bench/workers_bench.ts`: the same answer as
 * `baseline_deno_serve.ts` (GET and HEAD on any path get exactly the body and Content-Type that
 * wireserve sent for the echo path; anything else 405), as a `deno serve` module, so Deno runs it
 * on several isolates sharing the port — the baseline for wireserve's `--workers`. Deno takes the
 * count from `DENO_JOBS` (else one per CPU); the bench sets `DENO_JOBS` to the worker count.
 *
 * Usage: DENO_JOBS=2 deno serve -A --parallel --host 127.0.0.1 --port <n> \
 *          bench/baseline_deno_serve_parallel.ts --body-file <path> --content-type <t>
 * @module
 */

import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  strict: true,
  options: {
    "body-file": { type: "string" },
    "content-type": { type: "string" },
  },
});
if (!values["body-file"] || !values["content-type"]) {
  console.error("baseline: --body-file and --content-type are required (see the module doc)");
  Deno.exit(2);
}

const body = await Deno.readFile(values["body-file"]);
const headers: Array<[string, string]> = [["content-type", values["content-type"]]];
const notAllowed: Array<[string, string]> = [["allow", "GET, HEAD"]];

export default {
  fetch(req) {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response(null, { status: 405, headers: notAllowed });
    }
    return new Response(body, { headers });
  },
} satisfies Deno.ServeDefaultExport;
