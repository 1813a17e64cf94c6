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
import { browserAvailable } from "./chromium.ts";

/** The browser test files, relative to this folder. */
const E2E_FILES = [
  "ui_browse_e2e.ts",
  "ui_upload_e2e.ts",
  "ui_resumable_e2e.ts",
  "ui_defects_e2e.ts",
  "ui_manager_e2e.ts",
  "ui_views_e2e.ts",
  "ui_hardening_e2e.ts",
  "deep_link_e2e.ts",
  "portfolio_e2e.ts",
  "httpbin_e2e.ts",
];
/** The whole browser suite must finish within this time, in milliseconds (about 1.5 min alone;
 * generous for a shared, loaded CI machine). */
const SUITE_TIMEOUT_MS = 240_000;

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
        stdout: "inherit",
        stderr: "inherit",
        signal: abort.signal,
      });
      const { code } = await child.output();
      assertEquals(code, 0, "the browser suite failed: see its report above");
    } finally {
      clearTimeout(timer);
    }
  },
});
