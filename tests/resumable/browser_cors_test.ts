/**
 * Runs `browser_cors_e2e.ts` (tus-js-client's browser build in Chromium, cross-origin) in a child
 * `deno test -A`, as tests/e2e/ui_test.ts runs the UI's browser files: playwright-core needs
 * `--allow-all` to load under Deno, and the child keeps the browser out of this process's leak
 * sanitizers. Skipped with a printed reason where Chromium is missing (tests/e2e/chromium.ts).
 */

import { assertEquals } from "../support/assert.ts";
import { browserAvailable } from "../e2e/chromium.ts";

/** The browser file must finish within this time, in milliseconds (about 10 s alone). */
const SUITE_TIMEOUT_MS = 120_000;

Deno.test({
  name: "tus-js-client uploads cross-origin from Chromium under --cors (browser_cors_e2e.ts)",
  ignore: !browserAvailable,
  async fn() {
    const config = new URL("../../deno.json", import.meta.url).pathname;
    const file = new URL("browser_cors_e2e.ts", import.meta.url).pathname;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), SUITE_TIMEOUT_MS);
    try {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["test", "-A", "--config", config, file],
        stdin: "null",
        stdout: "inherit",
        stderr: "inherit",
        signal: abort.signal,
      });
      const { code } = await child.output();
      assertEquals(code, 0, "the browser test failed: see its report above");
    } finally {
      clearTimeout(timer);
    }
  },
});
