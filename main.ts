/**
 * wireserve's entry point: hand the arguments, the environment variables wireserve reads and
 * the real stdout/stderr/signals to `main`, and exit with its code. The only place that calls
 * Deno.exit: it also ends whatever a forced shutdown left running.
 * @module
 */

import { denoIo, main } from "./src/cli/main.ts";
import { ENV_NAMES, LIKELY_TYPOS } from "./src/cli/options.ts";

/** What to run instead, when Deno was not given a permission wireserve needs. */
const HOW_TO_RUN =
  "run it with `deno task start …`, or `deno run -A --unstable-net main.ts …` (see the README)";

/** Runs wireserve; a permission Deno was not given is one line and exit 1, not a stack trace. */
async function run(): Promise<number> {
  try {
    // Only wireserve's own variables are read: the binary is granted no other (see deno.json) —
    // and their likeliest misspellings, which `main` refuses.
    const names = [...ENV_NAMES, ...LIKELY_TYPOS.keys()];
    const env = Object.fromEntries(names.map((name) => [name, Deno.env.get(name)]));
    return await main(Deno.args, env, denoIo());
  } catch (err) {
    if (!(err instanceof Deno.errors.NotCapable)) throw err;
    console.error(`wireserve: ${err.message.split(", run again")[0]}: ${HOW_TO_RUN}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await run());
