/**
 * The fuzzer's short run, part of every `deno task test`: a fixed seed and case budget against a
 * real wireserve child (small limits, short clocks). Every oracle must hold: each byte sent back
 * parses as HTTP/1.1, no 500, no hang past the clocks, the probe answers, descriptors and temp
 * files come back, RSS stays under the ceiling. A failing case is written to .fuzz/found/ and
 * replays with `deno task fuzz --replay <file>`.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { fuzz } from "../../tools/fuzz/fuzz_run.ts";
import { summary } from "../../tools/fuzz/main.ts";

/** About 15 s alone on two cores; a machine shared with other work takes longer. */
const CASES = 12_000;
const WARM_UP_CASES = 2_000;
const CONCURRENCY = 32;
/** One worker's accounted bound (docs/memory.md) for what this run can fill. */
const RSS_CEILING_MIB = 256;

Deno.test({
  name: "fuzz: seed 1, 12,000 cases — every oracle holds",
  // The child's pipes and its process are closed by the run itself.
  sanitizeResources: true,
  fn: async () => {
    const lines: string[] = [];
    const report = await fuzz({
      seed: 1,
      cases: CASES,
      concurrency: CONCURRENCY,
      outDir: ".fuzz/found",
      replay: [],
      workers: 1,
      warmUpCases: WARM_UP_CASES,
      rssCeilingMiB: RSS_CEILING_MIB,
      log: (line) => lines.push(line),
      progressEverySeconds: 3600,
    });
    const text = `${lines.join("\n")}\n${summary(report, 1)}`;
    assertEquals(report.cases, CASES, text);
    assertEquals(report.findings, [], text);
    assertEquals(report.serverFailures, [], text);
    assert(report.statuses["400"] > 0 && report.statuses["200"] > 0, text);
    console.log(summary(report, 1));
  },
});
