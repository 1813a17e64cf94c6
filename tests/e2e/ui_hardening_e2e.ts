/**
 * Defects found by probing the web UI in Chromium as a user would, each fixed in www/ and pinned
 * here: a Markdown preview's relative links and images, its `#section` links and its ids; focus
 * after a rename or a delete; a server that stops answering and comes back; long unbroken names
 * on a phone; `..` in a deep link.
 */

import { Buffer } from "node:buffer";
import type { Page, Response } from "playwright-core";
import { appConfig } from "../../src/app/app_config.ts";
import { createApp } from "../../src/app/routes.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { startServer } from "../support/server.ts";
import { axeProblems } from "./axe.ts";
import { ACTION_TIMEOUT_MS, listedNames, openUi, randomBytes, uiTest, withUi } from "./browser.ts";
import { fileToPick, job, removePicked, throttleUplink } from "./upload_helpers.ts";

const test = uiTest;

/** A file large enough to go resumably (RESUMABLE_MIN_BYTES in www/js/resumable.js is 8 MiB). */
const LARGE = randomBytes(9 * 1024 * 1024);
/** The throttled uplink: the large file takes seconds, time to press its buttons. */
const UPLINK_BYTES_PER_SECOND = 1024 * 1024;

/** A 1×1 PNG. */
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

/** How often {@link waitUntil} asks the page again, in milliseconds. */
const POLL_MS = 50;

/**
 * Waits until the page expression `expression` is truthy. Not waitForFunction: its polling
 * evaluates a string with eval inside the page, which the page's CSP (no 'unsafe-eval') refuses;
 * page.evaluate goes through the DevTools protocol, which the CSP does not govern.
 */
async function waitUntil(page: Page, expression: string): Promise<void> {
  const deadline = Date.now() + ACTION_TIMEOUT_MS;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Collects the answers of 400 and above the page receives. */
function recordFailures(page: Page): string[] {
  const failures: string[] = [];
  page.on("response", (r: Response) => {
    if (r.status() >= 400) failures.push(`${r.status()} ${r.url()}`);
  });
  page.on("requestfailed", (r) => failures.push(`${r.failure()?.errorText} ${r.url()}`));
  return failures;
}

const README = [
  "# Guide",
  "",
  "[Jump to the second part](#second-part) · [the other page](other.md) · " +
  "[one up](../top.txt) · [absolute](https://example.com/x)",
  "",
  "![a picture](pic.png) ![](sub/pic.png)",
  "",
  '<p id="preview-next">a paragraph that wants the id of the Next button</p>',
  "",
  '<div class="drop-overlay"><p>Your session expired: a paragraph in the page\'s own overlay</p></div>',
  "",
  "```",
  "x".repeat(400),
  "```",
  "",
  ...Array.from({ length: 80 }, (_, i) => `Filler line ${i}.\n`),
  "## Second part",
  "",
  "The end.",
].join("\n");

test("a Markdown preview finds its relative images and links, and keeps the page's hash", async () => {
  await withUi({}, async (dir) => {
    await Deno.mkdir(`${dir}/docs/sub`, { recursive: true });
    await Deno.writeTextFile(`${dir}/docs/readme.md`, README);
    await Deno.writeTextFile(`${dir}/docs/other.md`, "# Other\n");
    await Deno.writeTextFile(`${dir}/top.txt`, "top\n");
    await Deno.writeFile(`${dir}/docs/pic.png`, PNG);
    await Deno.writeFile(`${dir}/docs/sub/pic.png`, PNG);
  }, async (s) => {
    const failures = recordFailures(s.page);
    await openUi(s, "/#/docs/?sort=size");
    await s.page.getByRole("link", { name: "readme.md", exact: true }).click();
    const article = s.page.locator("#preview-dialog .preview-markdown");
    await article.locator("h1", { hasText: "Guide" }).waitFor();

    // Images resolve against the file (/files/docs/pic.png), not the page (/pic.png: a 404).
    await waitUntil(
      s.page,
      `[...document.querySelectorAll(".preview-markdown img")]
        .every((i) => i.complete && i.naturalWidth === 1)`,
    );
    assertEquals(
      await s.page.evaluate(`[...document.querySelectorAll(".preview-markdown img")]
        .map((i) => i.src)`),
      [`${s.origin}/files/docs/pic.png`, `${s.origin}/files/docs/sub/pic.png`],
    );
    // Links too, and they open beside the file manager instead of replacing it.
    const links = await s.page.evaluate(`[...document.querySelectorAll(".preview-markdown a")]
      .map((a) => [a.textContent, a.href, a.getAttribute("target")])`);
    assertEquals(links, [
      ["Jump to the second part", `${s.origin}/#second-part`, null],
      ["the other page", `${s.origin}/files/docs/other.md`, "_blank"],
      ["one up", `${s.origin}/files/top.txt`, "_blank"],
      ["absolute", "https://example.com/x", "_blank"],
    ]);
    const [tab] = await Promise.all([
      s.context.waitForEvent("page"),
      article.getByRole("link", { name: "the other page" }).click(),
    ]);
    await tab.waitForLoadState();
    assertEquals(tab.url(), `${s.origin}/files/docs/other.md`);
    await tab.close();
    assert(await s.page.evaluate(`document.getElementById("preview-dialog").open`));

    // "#second-part" scrolls the preview to the heading; the page's hash (the folder and its
    // view) stays, so a reload still shows docs/ sorted by size.
    await article.getByRole("link", { name: "Jump to the second part" }).click();
    await waitUntil(
      s.page,
      `(() => {
        const box = document.getElementById("preview-body").getBoundingClientRect();
        const r = document.querySelector(".preview-markdown h2").getBoundingClientRect();
        return r.top >= box.top && r.bottom <= box.bottom;
      })()`,
    );
    assertEquals(new URL(s.page.url()).hash, "#/docs/?sort=size");
    assertEquals(await article.locator("h2").getAttribute("id"), "user-content-second-part");

    // An id from the file cannot stand in for the page's own elements.
    assertEquals(
      await s.page.evaluate(`document.getElementById("preview-next").tagName`),
      "BUTTON",
    );
    // Nor a class from the file take the page's own styles (a full-window overlay, a fake
    // sign-in): the preview keeps no class at all.
    assertEquals(await article.locator("[class]").count(), 0);
    assert(await article.getByText("Your session expired").isVisible());
    assertEquals(await axeProblems(s.page), []);
    assertEquals(failures, []);
    assertEquals(s.pageErrors, []);
  });
});

/** What has keyboard focus: the tag and its accessible label or text. */
const FOCUSED = `(() => {
  const a = document.activeElement;
  return a.tagName + " " + (a.getAttribute("aria-label") ?? a.textContent.trim());
})()`;

test("focus stays in the list after a rename, a delete, a move and a refresh", async () => {
  await withUi({ allowDelete: true }, async (dir) => {
    await Deno.mkdir(`${dir}/elsewhere`);
    for (const name of ["a.txt", "b.txt", "c.txt", "d.txt"]) {
      await Deno.writeTextFile(`${dir}/${name}`, name);
    }
  }, async (s) => {
    const { page } = s;
    page.on("dialog", (d) => d.accept());
    await openUi(s);
    await page.locator("#listing-body", { hasText: "d.txt" }).waitFor();

    // Rename from the keyboard: focus lands on the renamed file, not on the page's top.
    await page.getByRole("button", { name: "Rename b.txt" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: "Rename b.txt" }).waitFor();
    await page.keyboard.type("bee");
    await page.keyboard.press("Enter");
    await page.locator("#listing-body", { hasText: "bee.txt" }).waitFor();
    await waitUntil(page, `document.activeElement.matches("#listing-body a.name")`);
    assertEquals(await page.evaluate(FOCUSED), "A bee.txt");

    // Delete from the row: the next entry takes the focus.
    await page.getByRole("button", { name: "Delete bee.txt" }).focus();
    await page.keyboard.press("Enter");
    await page.locator("#listing-body", { hasText: "bee.txt" }).waitFor({ state: "detached" });
    await waitUntil(page, `document.activeElement.matches("#listing-body a.name")`);
    assertEquals(await page.evaluate(FOCUSED), "A c.txt");

    // Move the selection away from the bulk bar (which hides): focus stays in the list.
    await page.getByLabel("Select c.txt").check();
    await page.locator("#bulk-move").focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Move c.txt" });
    await dialog.getByLabel("Into the folder").fill("/elsewhere/");
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "hidden" });
    await waitUntil(page, `document.activeElement.matches("#listing-body a.name")`);
    assertEquals(await page.evaluate(FOCUSED), "A d.txt");

    // A refresh (as after an upload) redraws every row: focus stays on the same control.
    await page.getByRole("button", { name: "Copy link to a.txt" }).focus();
    await Deno.writeTextFile(`${s.dir}/e.txt`, "e");
    await page.evaluate(`document.getElementById("refresh-button").click()`);
    await page.locator("#listing-body", { hasText: "e.txt" }).waitFor();
    assertEquals(await page.evaluate(FOCUSED), "BUTTON Copy link to a.txt");
    assertEquals(await listedNames(page), ["elsewhere", "a.txt", "d.txt", "e.txt"]);

    // Buttons that hide themselves hand focus on: Clear selection to the list, Clear finished
    // to the upload picker.
    await page.getByLabel("Select d.txt").check();
    await page.locator("#bulk-clear").focus();
    await page.keyboard.press("Enter");
    await page.locator("#bulk-bar").waitFor({ state: "hidden" });
    assertEquals(await page.evaluate(FOCUSED), "A d.txt");
    await page.locator("#file-input").setInputFiles([
      { name: "up.txt", mimeType: "text/plain", buffer: Buffer.from("up") },
    ]);
    await page.locator("#queue li[data-state=done]").waitFor();
    await page.locator("#clear-finished-button").focus();
    await page.keyboard.press("Enter");
    await page.locator("#queue li").waitFor({ state: "detached" });
    assertEquals(await page.evaluate(FOCUSED), "BUTTON Choose files");
    assertEquals(s.pageErrors, []);
  });
});

test("a server that stops answering and comes back: the page says so and Refresh brings it back", async () => {
  await withUi({}, async (dir) => {
    await Deno.writeTextFile(`${dir}/before.txt`, "before");
  }, async (s) => {
    const { page } = s;
    await openUi(s);
    await page.locator("#listing-body", { hasText: "before.txt" }).waitFor();
    await s.server.close();

    const refresh = page.getByRole("button", { name: "Refresh" });
    await refresh.click();
    await page.getByRole("alert").filter({ hasText: "The server could not be reached." }).waitFor();
    assert(await page.locator("#listing").isHidden(), "no stale table");
    // Trying again is the one thing that can help: the button stays.
    assert(await refresh.isVisible(), "Refresh stays while the server is away");
    assertEquals(await axeProblems(page), []);
    // Files dropped now get a visible answer too, after the reason, and once however many drops.
    const dropped = "The server could not be reached. " +
      "Nothing was uploaded: no folder is shown to upload into.";
    for (let i = 0; i < 2; i++) {
      await dropFile(page, "dropped.txt");
      await page.getByRole("alert").filter({ hasText: "Nothing was uploaded" }).waitFor();
      assertEquals(await page.locator("#listing-error").textContent(), dropped);
    }
    assertEquals(await axeProblems(page), []);

    const again = startServer(createApp(appConfig({ directory: s.dir })), {}, {
      port: s.server.port,
    });
    try {
      await Deno.writeTextFile(`${s.dir}/after.txt`, "after");
      await refresh.click();
      await page.locator("#listing-body", { hasText: "after.txt" }).waitFor();
      assert(await page.locator("#listing-error").isHidden(), "the error is gone");
      assert(await page.locator("#upload").isVisible(), "uploads are offered again");
    } finally {
      await again.close();
    }
    assertEquals(
      s.pageErrors.filter((e) => !e.includes("ERR_CONNECTION_REFUSED")),
      [],
    );
  });
});

/** A name of 200 bytes with nowhere to break it (a Linux name may have 255). */
const UNBROKEN = "a".repeat(190) + "-end";
/** The phone the brief names: the narrowest common viewport. */
const PHONE = { width: 375, height: 740 };
/** Elements whose box reaches past the right edge of the viewport, and how wide the page is. */
const OVERFLOW = `(() => {
  const out = [...document.querySelectorAll("body *")]
    .filter((el) => el.getClientRects().length && el.getBoundingClientRect().right > innerWidth + 1)
    .filter((el) => !el.closest("dialog:not([open])"))
    .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : ""));
  return { scrollWidth: document.documentElement.scrollWidth, out: out.slice(0, 5) };
})()`;

test("on a 375 px phone an unbroken long name never makes the page scroll sideways", async () => {
  await withUi({ allowDelete: true }, async (dir) => {
    await Deno.mkdir(`${dir}/${UNBROKEN}`);
    await Deno.writeTextFile(`${dir}/${UNBROKEN}/${UNBROKEN}.txt`, "inside");
  }, async (s) => {
    const { page } = s;
    await page.setViewportSize(PHONE);
    const fits = async (view: string) =>
      assertEquals(await page.evaluate(OVERFLOW), { scrollWidth: PHONE.width, out: [] }, view);

    await openUi(s, `/#/${UNBROKEN}/`);
    await page.locator("#listing-body", { hasText: "-end.txt" }).waitFor();
    await fits("the folder: breadcrumbs and the upload target");
    await page.getByRole("button", { name: `Rename ${UNBROKEN}.txt` }).click();
    await page.getByRole("dialog").waitFor();
    await fits("the rename dialog");
    await page.keyboard.press("Escape");
    await page.locator("#file-input").setInputFiles([
      { name: `${UNBROKEN}.bin`, mimeType: "text/plain", buffer: Buffer.from("x") },
    ]);
    await page.locator("#queue li[data-state=done]").waitFor();
    await fits("the upload queue");
    await openUi(s, "/#/?search=-end");
    await page.locator("#listing-body", { hasText: "-end.txt" }).waitFor();
    await fits("search results");
    await page.locator("#listing-body a.name", { hasText: "-end.txt" }).click();
    await page.locator("#preview-body pre", { hasText: "inside" }).waitFor();
    await fits("the preview");
    assertEquals(s.pageErrors, []);
  });
});

test("Back and Forward close a preview or a rename left open over another folder", async () => {
  await withUi({ allowDelete: true }, async (dir) => {
    await Deno.mkdir(`${dir}/docs`);
    await Deno.writeTextFile(`${dir}/docs/a.txt`, "a");
    await Deno.writeTextFile(`${dir}/docs/b.txt`, "b");
  }, async (s) => {
    const { page } = s;
    await openUi(s);
    await page.getByRole("link", { name: "docs", exact: true }).click();
    await page.locator("#listing-body", { hasText: "b.txt" }).waitFor();

    await page.getByRole("link", { name: "b.txt", exact: true }).click();
    const preview = page.locator("#preview-dialog");
    await preview.locator("pre", { hasText: "b" }).waitFor();
    await page.goBack();
    await page.locator("#crumbs a[aria-current]", { hasText: "Home" }).waitFor();
    await preview.waitFor({ state: "hidden" });

    await page.goForward();
    await page.locator("#listing-body", { hasText: "a.txt" }).waitFor();
    await page.getByRole("button", { name: "Rename a.txt" }).click();
    const rename = page.getByRole("dialog", { name: "Rename a.txt" });
    await rename.waitFor();
    await page.goBack();
    await page.locator("#crumbs a[aria-current]", { hasText: "Home" }).waitFor();
    await rename.waitFor({ state: "hidden" });
    // The crumbs change before the listing is redrawn: wait for the redraw, not just the crumbs.
    await waitUntil(
      page,
      `[...document.querySelectorAll("#listing-body .name span")].map((e) => e.textContent)` +
        `.join("/") === "docs"`,
    );
    assertEquals(await listedNames(page), ["docs"]);
    assert((await Deno.stat(`${s.dir}/docs/a.txt`)).isFile, "a.txt stays where it was");
    assertEquals(s.pageErrors, []);
  });
});

test("a search that finds nothing says so, not that the folder is empty", async () => {
  await withUi({}, async (dir) => {
    await Deno.writeTextFile(`${dir}/present.txt`, "here");
  }, async (s) => {
    await openUi(s, "/#/?search=absent");
    await s.page.locator("#search-summary", { hasText: "0 matches for “absent” below Home." })
      .waitFor();
    assert(await s.page.locator("#listing-empty").isHidden(), "no “This folder is empty.”");
    await s.page.getByRole("button", { name: "Clear search" }).click();
    await s.page.locator("#listing-body", { hasText: "present.txt" }).waitFor();
  });
});

/** Drops a file named `name` on the page, as a drag from the desktop would. */
async function dropFile(page: Page, name: string): Promise<void> {
  const data = await page.evaluateHandle(`(() => {
    const d = new DataTransfer();
    d.items.add(new File(["dropped"], ${JSON.stringify(name)}, { type: "text/plain" }));
    return d;
  })()`);
  for (const type of ["dragenter", "dragover", "drop"]) {
    await page.dispatchEvent("body", type, { dataTransfer: data });
  }
}

test("files dropped on a read-only server get a visible answer, not silence", async () => {
  await withUi({ readOnly: true }, async (dir) => {
    await Deno.writeTextFile(`${dir}/kept.txt`, "kept");
  }, async (s) => {
    await openUi(s);
    await s.page.locator("#listing-body", { hasText: "kept.txt" }).waitFor();
    await dropFile(s.page, "dropped.txt");
    const alert = s.page.getByRole("alert").filter({ hasText: "read-only" });
    await alert.waitFor();
    assertEquals(
      await alert.textContent(),
      "This server is read-only: it does not accept uploads.",
    );
    assert(await s.page.locator("#listing").isVisible(), "the list stays");
    await Deno.lstat(`${s.dir}/dropped.txt`).then(
      () => assert(false, "nothing was stored"),
      () => {},
    );
    // The next folder shown clears it.
    await s.page.getByRole("button", { name: "Refresh" }).click();
    await alert.waitFor({ state: "hidden" });
  });
});

test("a preview the browser cannot decode says so instead of a broken icon or a dead player", async () => {
  await withUi({}, async (dir) => {
    await Deno.writeFile(`${dir}/broken.png`, new Uint8Array([1, 2, 3]));
    await Deno.writeTextFile(`${dir}/broken.mp4`, "not a video");
    await Deno.writeFile(`${dir}/fine.png`, PNG);
    await Deno.writeFile(`${dir}/unseen.png`, PNG);
    await Deno.writeTextFile(`${dir}/unseen.txt`, "text");
  }, async (s) => {
    await openUi(s);
    const dialog = s.page.locator("#preview-dialog");
    await s.page.getByRole("link", { name: "broken.png", exact: true }).click();
    await dialog.getByText("This browser cannot show broken.png. Download it to open it.")
      .waitFor();
    assertEquals(await dialog.locator("img").count(), 0);
    await dialog.getByRole("button", { name: "Next →" }).click();
    await dialog.getByRole("img", { name: "fine.png" }).waitFor();
    await s.page.keyboard.press("Escape");
    await s.page.getByRole("link", { name: "broken.mp4", exact: true }).click();
    await dialog.getByText("This browser cannot show broken.mp4. Download it to open it.")
      .waitFor();
    assertEquals(await axeProblems(s.page), []);
    await s.page.keyboard.press("Escape");
    // With the server gone the fault is not the file's, and the preview does not blame it.
    await s.server.close();
    await s.page.getByRole("link", { name: "unseen.png", exact: true }).click();
    const gone = dialog.getByText("Could not show it: the server could not be reached.");
    await gone.waitFor();
    await dialog.getByRole("button", { name: "Next →" }).click();
    await dialog.locator("#preview-title", { hasText: "unseen.txt" }).waitFor();
    await gone.waitFor();
  });
});

test("a grid card whose image does not decode shows the type icon, not an empty box", async () => {
  await withUi({}, async (dir) => {
    await Deno.writeFile(`${dir}/broken.png`, new Uint8Array([1, 2, 3]));
    await Deno.writeFile(`${dir}/fine.png`, PNG);
  }, async (s) => {
    await openUi(s);
    await s.page.getByRole("button", { name: "Grid" }).click();
    const broken = s.page.locator('#grid .card[data-name="broken.png"] .thumb');
    await broken.locator("svg").waitFor();
    assertEquals(await broken.locator("img").count(), 0);
    // The image that decodes keeps its thumbnail.
    await s.page.waitForFunction(
      `document.querySelector('#grid .card[data-name="fine.png"] .thumb img')?.naturalWidth > 0`,
    );
  });
});

test("an upload row's buttons keep the keyboard: Pause to Resume, Cancel to Retry", async () => {
  await withUi({}, async () => {}, async (s) => {
    const { page } = s;
    await openUi(s);
    // Slow enough to press buttons mid-way (a large file goes resumably, with Pause).
    await throttleUplink(page, s.context, UPLINK_BYTES_PER_SECOND);
    // Kept until the end: the browser reads a picked file when it sends it, not when picked.
    const picked = await fileToPick("large.bin", LARGE);
    try {
      await page.locator("#file-input").setInputFiles(picked);
      const row = job(page, "large.bin");
      const pause = row.getByRole("button", { name: "Pause upload of large.bin" });
      await pause.focus();
      await page.keyboard.press("Enter");
      await row.and(page.locator("[data-state=paused]")).waitFor();
      assertEquals(await page.evaluate(FOCUSED), "BUTTON Resume upload of large.bin");
      await page.keyboard.press("Enter");
      await row.and(page.locator("[data-state=sending]")).waitFor();
      assertEquals(await page.evaluate(FOCUSED), "BUTTON Pause upload of large.bin");
      await row.getByRole("button", { name: "Cancel upload of large.bin" }).focus();
      await page.keyboard.press("Enter");
      await row.and(page.locator("[data-state=cancelled]")).waitFor();
      assertEquals(await page.evaluate(FOCUSED), "BUTTON Retry upload of large.bin");
    } finally {
      await removePicked(picked);
    }
    assertEquals(s.pageErrors.filter((e) => !e.includes("net::")), []);
  });
});

const HOSTILE_MARKDOWN = [
  "# Hostile",
  "[js](javascript:window.pwned=1) [spaced](%20JaVaScRiPt:window.pwned=2)",
  '<a href="data:text/html,<script>parent.pwned=3</script>">data</a>',
  '<svg><script>window.pwned=4</script><a href="javascript:window.pwned=5"><text>t</text></a></svg>',
  '<img src="pic.png" onload="window.pwned=6"><details open ontoggle="window.pwned=7">d</details>',
  "<math><mtext><table><mglyph><style><img src=pic.png onload=window.pwned=8></style></mglyph>",
  '<iframe src="javascript:parent.pwned=9"></iframe><form><button>b</button></form>',
].join("\n\n");
const HOSTILE_SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">' +
  '<script>alert(2)</script><rect width="4" height="4"/></svg>';

test("Markdown built to stall a renderer previews whole instead of freezing the tab", async () => {
  // marked took minutes on a run of `*a ` (its time grew with the square of the run; the preview
  // reads 512 KiB) and overflowed its stack at 4,000 nested `>`: the tab froze or showed nothing.
  // markdown-it renders both in well under a second; a regression fails at the action timeout.
  const stars = "*a ".repeat(70_000);
  await withUi({}, async (dir) => {
    await Deno.writeTextFile(`${dir}/stars.md`, `# Stars\n\n${stars}\n`);
    await Deno.writeTextFile(`${dir}/quotes.md`, `# Quotes\n\n${">".repeat(4000)} x\n`);
  }, async (s) => {
    await openUi(s);
    await s.page.getByRole("link", { name: "stars.md", exact: true }).click();
    const article = s.page.locator("#preview-dialog .preview-markdown");
    await article.locator("h1", { hasText: "Stars" }).waitFor();
    assertEquals(await article.locator("p").textContent(), stars.trim());
    await s.page.keyboard.press("Escape");
    await s.page.getByRole("link", { name: "quotes.md", exact: true }).click();
    await article.locator("h1", { hasText: "Quotes" }).waitFor();
    assertEquals(await article.locator("blockquote").count(), 100); // markdown-it's maxNesting
  });
});

test("hostile Markdown and SVG run nothing, in the preview or opened raw", async () => {
  await withUi({}, async (dir) => {
    await Deno.writeTextFile(`${dir}/hostile.md`, HOSTILE_MARKDOWN);
    await Deno.writeTextFile(`${dir}/hostile.svg`, HOSTILE_SVG);
    await Deno.writeFile(`${dir}/pic.png`, PNG);
  }, async (s) => {
    const alerts: string[] = [];
    s.context.on("dialog", (d) => {
      alerts.push(d.message());
      d.dismiss();
    });
    await openUi(s);
    await s.page.getByRole("link", { name: "hostile.md", exact: true }).click();
    await s.page.locator(".preview-markdown h1", { hasText: "Hostile" }).waitFor();
    await s.page.locator(".preview-markdown img").first().waitFor();
    const left = await s.page.evaluate(`(() => {
      const root = document.querySelector(".preview-markdown");
      const all = [...root.querySelectorAll("*")];
      return {
        scripts: root.querySelectorAll("script, iframe, form, button, style").length,
        handlers: all.filter((el) => [...el.attributes].some((a) => a.name.startsWith("on"))).length,
        urls: all.flatMap((el) => ["href", "src", "xlink:href"].map((n) => el.getAttribute(n)))
          .filter((v) => v && /^\\s*(javascript|data):/i.test(v)),
      };
    })()`);
    assertEquals(left, { scripts: 0, handlers: 0, urls: [] });
    await s.page.keyboard.press("Escape");
    await s.page.getByRole("link", { name: "hostile.svg", exact: true }).click();
    await s.page.getByRole("img", { name: "hostile.svg" }).waitFor();
    await s.page.keyboard.press("Escape");
    // The raw file, as "Open raw" or a Ctrl-click shows it: the server's sandbox holds.
    const raw = await s.context.newPage();
    await raw.goto(`${s.origin}/files/hostile.svg`);
    await raw.close();
    assertEquals(await s.page.evaluate("window.pwned ?? null"), null);
    assertEquals(alerts, []);
  });
});

test("markup slipped into the UI cannot load what clients chose as a script: uploads, /echo, /base64", async () => {
  await withUi({}, async (dir) => {
    await Deno.writeTextFile(`${dir}/payload.js`, "window.pwned = 'upload';\n");
  }, async (s) => {
    await openUi(s);
    // As if markup had slipped into the page: the CSP's 'self' would let these run as the UI.
    const outcomes = await s.page.evaluate(`Promise.all([
      "/files/payload.js",
      "/echo/window.pwned=location.origin",
      "/base64/" + btoa("window.pwned='base64'") + "?content-type=text/javascript",
    ].map((src) => new Promise((done) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => done("loaded " + src);
      script.onerror = () => done("refused " + src);
      document.head.append(script);
    })))`) as string[];
    assertEquals(outcomes.filter((o) => o.startsWith("loaded")), []);
    assertEquals(await s.page.evaluate("window.pwned ?? null"), null);
  });
});

test("bidi controls in a name show as code points, each name isolated, so none reads as another", async () => {
  const spoof = "invoice\u202Efdp.exe";
  await withUi({}, async (dir) => {
    await Deno.mkdir(`${dir}/in\u2067box`);
    await Deno.writeTextFile(`${dir}/in\u2067box/${spoof}`, "MZ");
  }, async (s) => {
    await openUi(s, "/#/in%E2%81%A7box/");
    await s.page.locator("#listing-body .name span").first().waitFor();
    assertEquals(await listedNames(s.page), ["invoice<U+202E>fdp.exe"]);
    const shown = await s.page.evaluate(`(() => {
      const name = document.querySelector("#listing-body .name span");
      const crumb = document.querySelector("#crumbs a[aria-current]");
      return {
        crumb: crumb.textContent,
        title: document.title,
        isolated: [name, crumb].map((el) => getComputedStyle(el).unicodeBidi),
        // Any raw control left in the page's text, with what is around it.
        raw: [...document.body.innerText.matchAll(/[\\u202a-\\u202e\\u2066-\\u2069\\u200e\\u200f\\u061c]/g)]
          .map((m) => document.body.innerText.slice(m.index - 20, m.index + 10)),
      };
    })()`);
    assertEquals(shown, {
      crumb: "in<U+2067>box",
      title: "in<U+2067>box — wireserve",
      isolated: ["isolate", "isolate"],
      raw: [],
    });
    // The grid shows the same name.
    await openUi(s, "/#/in%E2%81%A7box/?view=grid");
    assertEquals(
      await s.page.locator("#listing-grid .card-name, .card-name").first().textContent(),
      "invoice<U+202E>fdp.exe",
    );
  });
});

test("bidi controls in a name show as code points in messages, the delete question and dialogs", async () => {
  const spoof = "invoice\u202Efdp.exe";
  const shown = "invoice<U+202E>fdp.exe";
  await withUi({ allowDelete: true }, async (dir) => {
    await Deno.writeTextFile(`${dir}/${spoof}`, "MZ");
  }, async (s) => {
    // A deep link to a missing file names it over its folder.
    await openUi(s, "/#/gone%E2%80%AEgpj.exe");
    const missing =
      "There is no file called “gone<U+202E>gpj.exe” in Home: it may have been moved, renamed or deleted.";
    await s.page.locator("#listing-error", { hasText: "There is no file" }).waitFor();
    assertEquals(await s.page.locator("#listing-error").textContent(), missing);
    // A deep link to a file the page cannot show says so by its shown name.
    await openUi(s, "/#/invoice%E2%80%AEfdp.exe");
    await s.page.locator("#announcer", { hasText: "cannot be shown" }).waitFor();
    assertEquals(
      await s.page.locator("#announcer").textContent(),
      `${shown} cannot be shown in the page: download it to open it.`,
    );
    // The rename dialog's title.
    await s.page.getByRole("button", { name: `Rename ${shown}` }).click();
    const rename = s.page.getByRole("dialog", { name: `Rename ${shown}` });
    await rename.waitFor();
    await s.page.keyboard.press("Escape");
    await rename.waitFor({ state: "hidden" });
    // The delete question: a plain-text confirm() isolates nothing, so the code point is all
    // that keeps the name from reading "invoiceexe.pdf".
    const asked: string[] = [];
    s.page.once("dialog", (d) => {
      asked.push(d.message());
      d.accept();
    });
    await s.page.getByRole("button", { name: `Delete ${shown}` }).click();
    await s.page.locator("#announcer", { hasText: "Deleted" }).waitFor();
    assertEquals(asked, [`Delete the file “${shown}”? This cannot be undone.`]);
    assertEquals(await s.page.locator("#announcer").textContent(), `Deleted ${shown}.`);
  });
});

test("a page of another site cannot frame the UI; a page of this server still can", async () => {
  // Another site: a wireserve of its own on another port of the same address, serving a --www
  // folder (never frame-protected) whose page frames the UI (Chromium lets no public page frame a
  // local address at all, so the other site must be local too).
  const site = await Deno.makeTempDir({ prefix: "wireserve-framing-" });
  const elsewhere = startServer(createApp(appConfig({ directory: site, www: site })));
  const elsewhereUrl = `http://127.0.0.1:${elsewhere.port}/`;
  try {
    await withUi({}, async () => {}, async (s) => {
      await Deno.writeTextFile(
        `${site}/index.html`,
        `<!doctype html><iframe name="ui" src="${s.origin}/"></iframe>`,
      );
      // This server's own page that frames the UI: made up here, only the frame reaches it.
      await s.page.route(
        `${s.origin}/framing-test.html`,
        async (route) => route.fulfill({ response: await s.page.request.fetch(elsewhereUrl) }),
      );
      const uiShown = async () => {
        const frame = s.page.frame({ name: "ui" });
        return frame !== null && await frame.locator("#listing-body").count() === 1;
      };
      // Clickjacking: a page elsewhere must not show the UI under its own buttons (CSP
      // frame-ancestors 'self', X-Frame-Options: SAMEORIGIN).
      await s.page.goto(elsewhereUrl, { waitUntil: "load" });
      assertEquals(await uiShown(), false);
      await s.page.goto(`${s.origin}/framing-test.html`, { waitUntil: "load" });
      await s.page.frame({ name: "ui" })!.locator("#listing-body").waitFor({ state: "attached" });
      assertEquals(await uiShown(), true);
    });
  } finally {
    await elsewhere.close();
    await Deno.remove(site, { recursive: true });
  }
});

test("a Markdown file that would expand without bound is previewed in bounded time, as text past its bound", async () => {
  // 40 tables of a 256-column header over 256 short rows (72 KB): 2.6 million cells unbounded
  // (a tab frozen for tens of seconds). And a link reference with a 10 KB URL used 30,000 times
  // (130 KB): 300 MB of HTML.
  const wide = "|" + "a|".repeat(256) + "\n|" + "-|".repeat(256) + "\n" + "|x\n".repeat(256) + "\n";
  const refs = `[a]: http://x.example/${"A".repeat(10_000)}\n\n` + "[a] ".repeat(30_000);
  await withUi({}, async (dir) => {
    await Deno.writeTextFile(`${dir}/tables.md`, `# Tables\n\n${wide.repeat(40)}`);
    await Deno.writeTextFile(`${dir}/refs.md`, refs);
  }, async (s) => {
    await openUi(s, "/");
    await s.page.getByRole("link", { name: "tables.md", exact: true }).click();
    const article = s.page.locator("#preview-dialog .preview-markdown");
    await article.locator("h1", { hasText: "Tables" }).waitFor();
    // The first table is rendered; the cells stop at the document's bound (100,000), and the
    // tables past it show as the text they are written as.
    const cells = Number(
      await s.page.evaluate(
        `document.querySelectorAll("#preview-dialog .preview-markdown td, #preview-dialog .preview-markdown th").length`,
      ),
    );
    assert(cells >= 256 * 257 && cells <= 100_000, `${cells} cells`);
    assert(
      Number(await s.page.evaluate(`document.querySelectorAll("#preview-dialog table").length`)) <
        40,
    );
    await s.page.locator("#preview-close").click();

    await s.page.getByRole("link", { name: "refs.md", exact: true }).click();
    const dialog = s.page.locator("#preview-dialog");
    await dialog.getByText("It would render too large: shown as text.").waitFor();
    assertEquals(await dialog.locator(".preview-markdown").count(), 0);
    assert((await dialog.locator("pre.preview-text").textContent())!.startsWith("[a]: http://x"));
  });
});
