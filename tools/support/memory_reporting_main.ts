/**
 * wireserve's entry point with one addition for the soak: every second the serving isolate's V8
 * heap and external (ArrayBuffer) memory go to stderr as `memory: {json}`. With `--workers 1` the
 * main thread serves, so the lines describe the isolate that holds every request's memory.
 *
 * Not for production: it exists so docs/memory.md can split RSS into its parts.
 * @module
 */

import { denoIo, main } from "../../src/cli/main.ts";
import { ENV_NAMES } from "../../src/cli/options.ts";

const REPORT_EVERY_MS = 1000;

const env = Object.fromEntries(ENV_NAMES.map((name) => [name, Deno.env.get(name)]));
const timer = setInterval(() => {
  const m = Deno.memoryUsage();
  console.error(
    `memory: ${
      JSON.stringify({ heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external })
    }`,
  );
}, REPORT_EVERY_MS);
Deno.unrefTimer(timer);

if (import.meta.main) Deno.exit(await main(Deno.args, env, denoIo()));
