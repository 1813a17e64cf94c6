/**
 * Browser-test support: Debian's Chromium, headless, driven by `playwright-core` (which runs
 * under Deno 2.9 as an npm package: its pipe transport to the browser works with Deno's
 * `node:child_process`; loading it needs `--allow-all`, see ui_test.ts), plus a real wireserve
 * on a free loopback port serving a temp folder.
 * @module
 */

import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { type AppConfig, appConfig } from "../../src/app/app_config.ts";
import { createApp } from "../../src/app/routes.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { browserAvailable, CHROMIUM_PATH, RETRIED_MARK } from "./chromium.ts";

export { browserAvailable };

/**
 * Flags for a quiet, deterministic headless run: no sandbox (CI runs as root in a container,
 * where Chromium's sandbox cannot start), no GPU, no QUIC, and none of the background services
 * that would reach for the network.
 */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Desktop viewport for the main-view screenshot. */
export const DESKTOP_VIEWPORT = { width: 1100, height: 820 };
/** How long one browser action or wait may take before the test fails, in milliseconds: a wait
 * that takes under a second alone missed 10 s once with the machine's load at 18. Only a failing
 * wait lasts this long. */
export const ACTION_TIMEOUT_MS = 20_000;
/** Where screenshots go (gitignored; CI keeps the folder as its artifacts). */
export const ARTIFACTS_DIR = new URL("../../.ci/artifacts/", import.meta.url);
/** crypto.getRandomValues fills at most this many bytes per call. */
const MAX_RANDOM_BYTES_PER_CALL = 65536;

/** One browser tab against a real server over a temp shared folder. */
export interface UiSession {
  /** The shared folder on disk. */
  dir: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  page: Page;
  context: BrowserContext;
  server: TestServer;
  /** Console errors and uncaught exceptions the page reported. */
  pageErrors: string[];
}

/**
 * Starts a server with `config` over a fresh temp folder (filled by `setup`), launches Chromium
 * with a new empty profile, runs `fn` with a tab, and tears everything down whatever happens.
 */
export async function withUi(
  config: Partial<AppConfig>,
  setup: (dir: string) => Promise<void>,
  fn: (s: UiSession) => Promise<void>,
): Promise<void> {
  try {
    await withUiOnce(config, setup, fn);
  } catch (err) {
    // A browser test drives a real Chromium against a real server on a shared, loaded CI
    // machine: Chromium 156 sometimes drops the tab mid-test ("Target page, context or browser
    // has been closed", no crash of ours behind it), and a wait can miss its timeout under load. The
    // whole test runs once more on a fresh browser, server and folder, as Playwright's own
    // `retries` does; a second failure fails it. The first failure is printed under
    // RETRIED_MARK, which ui_test.ts gathers into its report, so a test that needs its second
    // run is seen rather than hidden.
    const why = err instanceof ChromiumGone ? err.message : String(err).split("\n")[0];
    console.error(`${RETRIED_MARK} ${runningTest}: ${why}`);
    await dropBrowser();
    await withUiOnce(config, setup, fn);
  }
}

/** Chromium closed or crashed the tab (or itself) while the test was not closing it. */
class ChromiumGone extends Error {}

/**
 * The longest one browser test may take, launch to close. Every playwright action has its own
 * 20 s timeout, but when Chromium 156 dies under a loaded machine Deno's `node:child_process`
 * does not always report the exit, and playwright then waits on its pipe forever (seen in CI: no
 * Chromium left, the test still running after 8 minutes). Past this the browser is killed and the
 * test runs once more (see `withUi`).
 */
const TEST_WATCHDOG_MS = 120_000;
/** How long closing the browser may take before it is killed instead. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * `Deno.test` for a browser test: skipped where Chromium is missing, and without the op and
 * resource sanitizers, since a browser abandoned by the watchdog leaves its pipe reads pending.
 */
export function uiTest(name: string, fn: () => Promise<void>): void {
  Deno.test({
    name,
    ignore: !browserAvailable,
    fn: () => {
      runningTest = name;
      return fn();
    },
    sanitizeOps: false,
    sanitizeResources: false,
  });
}

/** The browser test running now (Deno runs one file's tests one at a time), for reports. */
let runningTest = "(a browser test)";

/** `promise`, or a rejection with `onTimeout()` once `ms` pass. */
async function within<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The one Chromium this test process shares between its browser tests (a launch costs ~1.4 s
 * here, ~2 min over the suite); each test gets its own fresh context, so no cookie, storage,
 * permission or credential passes from one test to the next. A browser that died, or the one a
 * failed test used, is dropped and the next test launches another.
 */
let shared: { browser: Browser; marker: string } | null = null;

async function sharedBrowser(): Promise<Browser> {
  if (shared?.browser.isConnected()) return shared.browser;
  await dropBrowser();
  // Chromium ignores a switch it does not know: this one names its processes for `pkill`.
  const marker = `--wireserve-e2e=${crypto.randomUUID()}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, marker],
  });
  shared = { browser, marker };
  return browser;
}

/** Closes the shared browser (killed if it does not answer) so that the next test launches anew. */
async function dropBrowser(): Promise<void> {
  const gone = shared;
  shared = null;
  if (gone === null) return;
  await within(gone.browser.close(), CLOSE_TIMEOUT_MS, () => new Error("close"))
    .catch(() => {});
  await killChromium(gone.marker);
}

/** Kills every Chromium process whose command line holds `marker`. */
async function killChromium(marker: string): Promise<void> {
  await new Deno.Command("pkill", { args: ["-KILL", "-f", "--", marker] }).output()
    .catch(() => {});
}

async function withUiOnce(
  config: Partial<AppConfig>,
  setup: (dir: string) => Promise<void>,
  fn: (s: UiSession) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-ui-" });
  const server = startServer(createApp(appConfig({ directory: dir, ...config })));
  let context = null as BrowserContext | null;
  let hung = false;
  try {
    await within(run(), TEST_WATCHDOG_MS, () => {
      hung = true;
      return new ChromiumGone(`the test made no end in ${TEST_WATCHDOG_MS / 1000} s`);
    });
  } finally {
    if (hung) await dropBrowser();
    // A browser that died unseen never answers its context's close: dropped instead, after a while.
    await within(context?.close() ?? Promise.resolve(), CLOSE_TIMEOUT_MS, () => new Error("close"))
      .catch(() => dropBrowser());
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }

  async function run(): Promise<void> {
    await setup(dir);
    const browser = await sharedBrowser();
    context = await browser.newContext({ viewport: DESKTOP_VIEWPORT, acceptDownloads: true });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    const page = await context.newPage();
    let gone: string | null = null;
    page.on("crash", () => gone ??= "the tab crashed");
    page.on("close", () => gone ??= "the tab closed");
    context.on("close", () => gone ??= "the browser closed");
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    try {
      await fn({
        dir,
        origin: `http://127.0.0.1:${server.port}`,
        page,
        context,
        server,
        pageErrors,
      });
    } catch (err) {
      // Only a loss the test did not cause itself (it never closes the tab it was given).
      if (gone !== null && /has been closed|Target crashed/.test(String(err))) {
        throw new ChromiumGone(`${gone} mid-test (${String(err).split("\n")[0]})`);
      }
      throw err;
    } finally {
      // A test's route handler may be fetching for a request the page made last (a listing's
      // refresh) as the context closes: its "Request context disposed" is no failure of the test,
      // but it surfaced as an uncaught error that failed the whole file (seen once in CI).
      await page.unrouteAll({ behavior: "ignoreErrors" }).catch(() => {});
    }
  }
}

/** Opens `path` (default `/`) and waits until the UI has read the server's info. */
export async function openUi(s: UiSession, path = "/"): Promise<void> {
  await s.page.goto(s.origin + path);
  await s.page.waitForSelector("body[data-ready=true]");
}

/** The names in the listing, in display order. */
export function listedNames(page: Page): Promise<string[]> {
  return page.locator("#listing-body .name span").allTextContents();
}

/** `length` random bytes. */
export function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let at = 0; at < length; at += MAX_RANDOM_BYTES_PER_CALL) {
    const end = Math.min(length, at + MAX_RANDOM_BYTES_PER_CALL);
    crypto.getRandomValues(bytes.subarray(at, end));
  }
  return bytes;
}
