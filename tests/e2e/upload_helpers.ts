/**
 * Helpers for the upload browser tests: what the page sent, how its progress bars moved, a
 * slower uplink, and the queue rows.
 * @module
 */

import { createHash } from "node:crypto";
import type { BrowserContext, Locator, Page, Request } from "playwright-core";

/** The RFC 9530 Content-Digest value for `bytes`, computed independently of the page. */
export function sha256Field(bytes: Uint8Array): string {
  return `sha-256=:${createHash("sha256").update(bytes).digest("base64")}:`;
}

/** Collects the PUT requests the page sends. */
export function recordPuts(page: Page): Request[] {
  const puts: Request[] = [];
  page.on("request", (r) => {
    if (r.method() === "PUT") puts.push(r);
  });
  return puts;
}

/** Records every value each progress bar takes, by file name, in `window.progressSeen`. */
export const RECORD_PROGRESS = `(() => {
  const seen = (window.progressSeen = {});
  new MutationObserver((records) => {
    for (const r of records) {
      const name = r.target.closest("li").querySelector(".job-name").textContent;
      (seen[name] ??= []).push(Number(r.target.getAttribute("value")));
    }
  }).observe(document.getElementById("queue"), {
    subtree: true,
    attributes: true,
    attributeFilter: ["value"],
  });
})()`;

/** Limits the page's upload speed to `bytesPerSecond` (Chromium's network emulation). */
export async function throttleUplink(page: Page, context: BrowserContext, bytesPerSecond: number) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  });
}

/**
 * Waits until `count` uploads have finished (done, failed or cancelled) and returns
 * [path, state] for each, sorted by path; a failure's message is appended to its state.
 */
export async function settledJobs(page: Page, count: number): Promise<string[][]> {
  const finished = "#queue li:is([data-state=done], [data-state=failed], [data-state=cancelled])";
  await page.locator(finished).nth(count - 1).waitFor();
  const rows = await page.evaluate(`[...document.querySelectorAll("#queue li.job")].map((li) => [
    li.querySelector(".job-name").textContent,
    li.dataset.state === "done"
      ? "done"
      : li.dataset.state + ": " + li.querySelector(".job-status").textContent,
  ])`);
  return (rows as string[][]).sort((a, b) => a[0].localeCompare(b[0]));
}

/** The queue row of the upload of `path`. */
export function job(page: Page, path: string): Locator {
  return page.locator("#queue li.job", { has: page.locator(".job-name", { hasText: path }) });
}

/**
 * Writes `bytes` as `name` in a fresh temporary folder and returns its path, for
 * `setInputFiles(path)`: a buffer handed to `setInputFiles` goes to the browser base64-encoded in
 * one protocol message, which took over 10 s (the action's timeout) for 24 MiB with Chromium 156,
 * while a path is only named. Remove the folder with `removePicked`.
 */
export async function fileToPick(name: string, bytes: Uint8Array): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-pick-" });
  const path = `${dir}/${name}`;
  await Deno.writeFile(path, bytes);
  return path;
}

/** Removes the folder `fileToPick` made for `path`. */
export async function removePicked(path: string): Promise<void> {
  await Deno.remove(path.slice(0, path.lastIndexOf("/")), { recursive: true }).catch(() => {});
}
