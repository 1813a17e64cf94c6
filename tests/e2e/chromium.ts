/**
 * Whether Debian's Chromium is installed, without loading playwright-core (which needs
 * `--allow-all` to load under Deno: see ui_test.ts).
 *
 * When `/usr/bin/chromium` (or the browser `WIRESERVE_CHROMIUM` names) is missing, the browser
 * tests are skipped with a printed reason rather than failed: a developer machine without
 * Chromium can still run `deno task test`. CI installs it (`.ci/run`).
 * @module
 */

/** Where Debian's `chromium` package puts the browser. */
export const DEBIAN_CHROMIUM = "/usr/bin/chromium";
/** The browser the tests drive: `WIRESERVE_CHROMIUM` names another Chromium build. */
export const CHROMIUM_PATH: string = Deno.env.get("WIRESERVE_CHROMIUM") ?? DEBIAN_CHROMIUM;

/** What `withUi` prints (on stderr) before a failed browser test's second and last run; ui_test.ts
 * repeats those lines at the end of its report. */
export const RETRIED_MARK = "withUi: failed once, running the test again:";

function chromiumInstalled(): boolean {
  try {
    return Deno.statSync(CHROMIUM_PATH).isFile;
  } catch {
    return false;
  }
}

/** Whether the browser tests run here; prints why not (once per process) when they do not. */
export const browserAvailable: boolean = chromiumInstalled();
if (!browserAvailable) {
  console.warn(
    `tests/e2e: SKIPPED browser tests: ${CHROMIUM_PATH} is not installed ` +
      "(apt-get install chromium; .ci/run installs it).",
  );
}
