/**
 * wireserve's entry point: hand the arguments, the environment variables wireserve reads and
 * the real stdout/stderr/signals to `main`, and exit with its code. The only place that calls
 * Deno.exit: it also ends whatever a forced shutdown left running.
 * @module
 */

import { denoIo, main } from "./src/cli/main.ts";
import { ENV_NAMES } from "./src/cli/options.ts";

// Only wireserve's own variables are read: the binary is granted no other (see deno.json).
const env = Object.fromEntries(ENV_NAMES.map((name) => [name, Deno.env.get(name)]));

if (import.meta.main) Deno.exit(await main(Deno.args, env, denoIo()));
