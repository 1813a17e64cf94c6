/**
 * main.ts as a newcomer may run it: `deno run main.ts` without the permissions the tasks grant
 * ends with one line naming the permission and how to run it, exit 1 — not a stack trace.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { MAIN_PATH } from "../support/wireserve_process.ts";

Deno.test("main.ts without permissions says which one and how to run it, in one line, exit 1", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", MAIN_PATH, "--port", "0"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 1, stderr);
  const lines = stderr.trimEnd().split("\n");
  assertEquals(lines.length, 1, stderr);
  assert(lines[0].startsWith("wireserve: Requires env access"), stderr);
  assert(lines[0].includes("deno task start"), stderr);
});
