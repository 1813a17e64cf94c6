/**
 * Every case the fuzzer found and we fixed, replayed byte for byte (its writes, pauses and ending)
 * against a real wireserve child: each must now pass every oracle. A new finding goes in
 * tests/tools/fuzz_cases/ with "was: …" in its `failure`, next to the fix and its own unit test.
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../support/assert.ts";
import { fuzz } from "../../tools/fuzz/fuzz_run.ts";

const CASES = fileURLToPath(new URL("./fuzz_cases/", import.meta.url));

Deno.test("fuzz regressions: every found case now passes every oracle", async () => {
  const files = [...Deno.readDirSync(CASES)].filter((e) => e.name.endsWith(".json"))
    .map((e) => join(CASES, e.name)).sort();
  assert(files.length > 0);
  const lines: string[] = [];
  const report = await fuzz({
    seed: 0,
    cases: 0,
    concurrency: 1,
    outDir: null,
    replay: files,
    workers: 1,
    warmUpCases: 0,
    log: (line) => lines.push(line),
    progressEverySeconds: 3600,
  });
  assertEquals(report.cases, files.length);
  assertEquals(report.findings, [], lines.join("\n"));
  assertEquals(report.serverFailures, [], lines.join("\n"));
});
