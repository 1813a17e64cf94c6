/**
 * The WebDAV conformance suite: litmus (Debian package `litmus`, installed by .ci/run) against a
 * real `wireserve --allow-delete --allow-mkdir`, every suite — basic, copymove, props, locks,
 * http — with 0 failures and no more warnings than Apache mod_dav's two.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { installed, runClient, withDavServer } from "./webdav_process_fixture.ts";

const HAS_LITMUS = await installed("litmus", ["--version"]);
const SUITES = ["basic", "copymove", "props", "locks", "http"];
/** Apache mod_dav's warnings on the same suites (the reference). */
const APACHE_WARNINGS = 2;

/** The summary line of each suite: `<- summary for `basic': of 16 tests run: 16 passed, 0 failed.` */
export function litmusSummaries(output: string): Map<string, { passed: number; failed: number }> {
  const out = new Map<string, { passed: number; failed: number }>();
  const re = /summary for `(\w+)': of (\d+) tests run: (\d+) passed, (\d+) failed/g;
  for (const m of output.matchAll(re)) {
    out.set(m[1], { passed: Number(m[3]), failed: Number(m[4]) });
  }
  return out;
}

Deno.test("litmusSummaries reads each suite's counts", () => {
  const text = "<- summary for `basic': of 16 tests run: 16 passed, 0 failed. 100.0%\n" +
    "<- summary for `locks': of 41 tests run: 39 passed, 2 failed. 95.1%\n";
  assertEquals(
    litmusSummaries(text),
    new Map([["basic", { passed: 16, failed: 0 }], ["locks", { passed: 39, failed: 2 }]]),
  );
});

Deno.test({
  name: "litmus: every suite passes with 0 failures against wireserve",
  ignore: !HAS_LITMUS,
  fn: async () => {
    await withDavServer(["--allow-delete", "--allow-mkdir"], async (s) => {
      await Deno.mkdir(`${s.root}/litmus`);
      const cwd = await Deno.makeTempDir({ prefix: "wireserve-litmus-" }); // its debug.log
      try {
        const run = await runClient("litmus", ["-k", `${s.url}litmus/`], { cwd });
        const output = run.out + run.err;
        const summaries = litmusSummaries(output);
        assertEquals([...summaries.keys()], SUITES, output);
        for (const [suite, counts] of summaries) {
          assertEquals(counts.failed, 0, `${suite}:\n${output}`);
          assert(counts.passed > 0, suite);
        }
        const warnings = output.split("\n").filter((l) => l.includes("WARNING:"));
        assert(warnings.length <= APACHE_WARNINGS, warnings.join("\n"));
        assertEquals(run.code, 0, output);
      } finally {
        await Deno.remove(cwd, { recursive: true });
      }
    });
  },
});
