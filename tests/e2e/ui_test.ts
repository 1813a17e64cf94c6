/**
 * Runs the browser tests (`ui_*_e2e.ts`) in a child `deno test -A`.
 *
 * Why a child process: playwright-core reads `/proc` when it loads (it checks for WSL and reads
 * `/proc/self/status`), and Deno 2.9 grants reads below `/proc` only with `--allow-all` —
 * `--allow-read=/proc` is not enough. `deno task test` runs with a list of named permissions, so
 * the browser files run in their own `deno test -A`, which also keeps the browser and its pipes
 * out of this process's leak sanitizers. The child's report is printed as it runs.
 *
 * Without Chromium the test is skipped with a printed reason (see chromium.ts).
 */

import { assertEquals } from "../support/assert.ts";
import { browserAvailable, RETRIED_MARK } from "./chromium.ts";

/** The browser test files, relative to this folder. */
const E2E_FILES = [
  "ui_browse_e2e.ts",
  "ui_upload_e2e.ts",
  "ui_resumable_e2e.ts",
  "ui_defects_e2e.ts",
  "ui_manager_e2e.ts",
  "ui_views_e2e.ts",
  "ui_front_matter_e2e.ts",
  "ui_hardening_e2e.ts",
  "ui_sign_in_e2e.ts",
  "deep_link_e2e.ts",
  "portfolio_e2e.ts",
  "httpbin_e2e.ts",
];
/** The whole browser suite must finish within this time, in milliseconds: about 3.3 min alone here
 * (one shared Chromium, browser.ts), 10 min 48 s with the machine's load at 18 (one Chromium per
 * test then). Each test has its own watchdog (browser.ts); this
 * only ends a suite that hangs whole. */
const SUITE_TIMEOUT_MS = 720_000;
/** Deno's report starts its failed tests' errors with this line (colours stripped). */
const ERRORS_HEADING = " ERRORS ";
/** …and ends them with this one, the list of names. */
const FAILURES_HEADING = " FAILURES ";

Deno.test({
  name: "ui browser suite passes in Chromium (tests/e2e/ui_*_e2e.ts)",
  ignore: !browserAvailable,
  async fn() {
    const config = new URL("../../deno.json", import.meta.url).pathname;
    const files = E2E_FILES.map((f) => new URL(f, import.meta.url).pathname);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), SUITE_TIMEOUT_MS);
    try {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["test", "-A", "--config", config, ...files],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: abort.signal,
      }).spawn();
      const report = new ChildReport();
      const [{ code }] = await Promise.all([
        child.status,
        report.relay(child.stdout, Deno.stdout),
        report.relay(child.stderr, Deno.stderr),
      ]);
      // A CI log may keep only its tail: what went wrong is repeated here, at the end.
      if (report.retried.length > 0) {
        console.log(
          `browser tests that failed their first run and were run again:\n${
            report.retried.join("\n")
          }`,
        );
      }
      assertEquals(
        code,
        0,
        `the browser suite failed (report above); failed tests:\n${report.failed.join("\n")}`,
      );
    } finally {
      clearTimeout(timer);
    }
  },
});

/** Passes the child's output through as it comes, and keeps the lines worth repeating. */
class ChildReport {
  /** The retried tests' lines, as `withUi` printed them. */
  readonly retried: string[] = [];
  /** Each failed test's name and place with the first line of its error. */
  readonly failed: string[] = [];
  #inErrors = false;
  #failedTest: string | null = null;

  async relay(from: ReadableStream<Uint8Array>, to: typeof Deno.stdout): Promise<void> {
    const decoder = new TextDecoder();
    let partial = "";
    for await (const chunk of from) {
      await writeAll(to, chunk);
      const lines = (partial + decoder.decode(chunk, { stream: true })).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) this.#note(stripColours(line));
    }
    if (partial !== "") this.#note(stripColours(partial));
  }

  #note(line: string): void {
    if (line.startsWith(RETRIED_MARK)) this.retried.push(line);
    else if (line.startsWith(ERRORS_HEADING)) this.#inErrors = true;
    else if (line.startsWith(FAILURES_HEADING)) this.#inErrors = false;
    else if (!this.#inErrors) return;
    else if (line.includes(" => ")) this.#failedTest = line;
    else if (this.#failedTest !== null && line.startsWith("error: ")) {
      this.failed.push(`${this.#failedTest}\n  ${line}`);
      this.#failedTest = null;
    }
  }
}

async function writeAll(to: typeof Deno.stdout, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await to.write(bytes.subarray(at));
}

function stripColours(line: string): string {
  // deno-lint-ignore no-control-regex
  return line.replace(/\x1b\[[0-9;]*m/g, "");
}
