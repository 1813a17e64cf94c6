/**
 * The web UI in a real browser (Chromium headless via playwright-core) against the real server:
 * browsing, deep links, back and forward, the modes the server announces, the inspector, and
 * the main-view screenshots in light and dark. Uploads are in ui_upload_e2e.ts.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { ARTIFACTS_DIR, listedNames, openUi, type UiSession, uiTest, withUi } from "./browser.ts";

/** A small tree with a folder, a nested folder and a name that needs escaping everywhere. */
async function fillTree(dir: string): Promise<void> {
  await Deno.mkdir(`${dir}/docs/deep`, { recursive: true });
  await Deno.writeTextFile(`${dir}/docs/guide.txt`, "guide\n");
  await Deno.writeTextFile(`${dir}/docs/deep/note.md`, "# note\n");
  await Deno.writeTextFile(`${dir}/readme.txt`, "hello from wireserve\n");
  await Deno.writeFile(`${dir}/big.bin`, new Uint8Array(3 * 1024 * 1024));
  await Deno.writeTextFile(`${dir}/a <b> & "c" #1.txt`, "escaped\n");
  await Deno.writeTextFile(`${dir}/.secret`, "dotfile\n");
}

// Page-side expressions as strings: the test files are type-checked without the DOM library.
const BODY_BACKGROUND = "getComputedStyle(document.body).backgroundColor";
const HORIZONTAL_OVERFLOW =
  "document.documentElement.scrollWidth - document.documentElement.clientWidth";

const ACTIVE_ELEMENT = `(() => {
  const el = document.activeElement;
  return el.tagName + (el.id ? "#" + el.id : "") + (el.className ? "." + el.className : "");
})()`;
/** Ids of visible controls without an accessible name from a label, aria-label or content. */
const UNLABELLED_CONTROLS = `[...document.querySelectorAll("input, select, textarea, button")]
  .filter((el) => el.type !== "hidden" && !el.hidden && el.offsetParent !== null)
  .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") || el.textContent.trim()))
  .map((el) => el.id || el.outerHTML)`;

const test = uiTest;

function noPageErrors(s: UiSession): void {
  assertEquals(s.pageErrors, []);
}

test("ui lists the root folders first and escapes hostile names when opened at /", async () => {
  await withUi({}, fillTree, async (s) => {
    await openUi(s);
    assertEquals(await listedNames(s.page), [
      "docs",
      'a <b> & "c" #1.txt',
      "big.bin",
      "readme.txt",
    ]);
    // The name is text, not markup: no <b> element came from it.
    assertEquals(await s.page.locator("#listing-body b").count(), 0);
    const href = await s.page.locator("#listing-body a.name", { hasText: "#1" }).getAttribute(
      "href",
    );
    assertEquals(href, "/files/a%20%3Cb%3E%20%26%20%22c%22%20%231.txt");
    assertEquals(
      await s.page.locator("#listing-body tr", { hasText: "big.bin" }).locator(".col-size")
        .textContent(),
      "3.0 MiB",
    );
    assert(!(await s.page.locator("#upload").isHidden()), "upload panel shown when writable");
    noPageErrors(s);
  });
});

test("ui navigates into folders with deep links, breadcrumbs, back and forward", async () => {
  await withUi({}, fillTree, async (s) => {
    await openUi(s);
    await s.page.getByRole("link", { name: "docs", exact: true }).click();
    await s.page.waitForURL(/#\/docs\/$/);
    await s.page.locator("#listing-body", { hasText: "guide.txt" }).waitFor();
    assertEquals(await listedNames(s.page), ["deep", "guide.txt"]);
    await s.page.getByRole("link", { name: "deep", exact: true }).click();
    await s.page.locator("#listing-body", { hasText: "note.md" }).waitFor();
    assertEquals(await s.page.locator("#crumbs li").allTextContents(), ["Home", "docs", "deep"]);
    assertEquals(await s.page.locator("#crumbs [aria-current=page]").textContent(), "deep");
    assertEquals(await s.page.title(), "deep — wireserve");

    await s.page.goBack();
    await s.page.locator("#listing-body", { hasText: "guide.txt" }).waitFor();
    await s.page.goForward();
    await s.page.locator("#listing-body", { hasText: "note.md" }).waitFor();
    await s.page.getByRole("link", { name: "Home" }).click();
    await s.page.locator("#listing-body", { hasText: "readme.txt" }).waitFor();

    // A deep link opened cold shows that folder straight away, as does the ?path= form.
    await openUi(s, "/#/docs/deep/");
    await s.page.locator("#listing-body", { hasText: "note.md" }).waitFor();
    assertEquals(await listedNames(s.page), ["note.md"]);
    await openUi(s, "/?path=/docs/");
    await s.page.locator("#listing-body", { hasText: "guide.txt" }).waitFor();
    assertEquals(await listedNames(s.page), ["deep", "guide.txt"]);
    assert(s.page.url().endsWith("/#/docs/"), `canonical deep link, got ${s.page.url()}`);
    noPageErrors(s);
  });
});

test("ui works from the keyboard: skip link, sorting and opening a folder", async () => {
  await withUi({}, fillTree, async (s) => {
    await openUi(s);
    await s.page.keyboard.press("Tab");
    assertEquals(await s.page.evaluate(ACTIVE_ELEMENT), "A.skip-link");
    await s.page.keyboard.press("Enter");
    assertEquals(await s.page.evaluate(ACTIVE_ELEMENT), "TABLE#listing.listing");
    assert(!s.page.url().includes("#listing"), "the skip link keeps the folder in the hash");
    await s.page.keyboard.press("Tab"); // the select-all box
    await s.page.keyboard.press("Tab"); // the name column's sort button
    await s.page.keyboard.press("Enter");
    assertEquals(await s.page.locator("th.col-name").getAttribute("aria-sort"), "descending");
    await s.page.getByRole("link", { name: "docs", exact: true }).focus();
    await s.page.keyboard.press("Enter");
    await s.page.locator("#listing-body", { hasText: "guide.txt" }).waitFor();
    // After opening a folder, focus lands on its list so a screen reader reads it next.
    assertEquals(await s.page.evaluate(ACTIVE_ELEMENT), "TABLE#listing.listing");
  });
});

test("ui has landmarks and a label on every control", async () => {
  await withUi({ allowMkdir: true }, fillTree, async (s) => {
    await openUi(s);
    for (const role of ["banner", "main", "contentinfo"] as const) {
      assertEquals(await s.page.getByRole(role).count(), 1, role);
    }
    assertEquals(await s.page.getByRole("navigation", { name: "Breadcrumb" }).count(), 1);
    assertEquals(await s.page.locator("#announcer").getAttribute("aria-live"), "polite");
    const unlabelled = await s.page.evaluate(UNLABELLED_CONTROLS);
    assertEquals(unlabelled, []);
  });
});

test("ui sorts by size and date, folders staying first, and says so to screen readers", async () => {
  await withUi({}, fillTree, async (s) => {
    await openUi(s);
    const sizeHeader = s.page.locator("th.col-size");
    await sizeHeader.getByRole("button").click();
    assertEquals(await sizeHeader.getAttribute("aria-sort"), "ascending");
    assertEquals(await listedNames(s.page), [
      "docs",
      'a <b> & "c" #1.txt',
      "readme.txt",
      "big.bin",
    ]);
    await sizeHeader.getByRole("button").click();
    assertEquals(await sizeHeader.getAttribute("aria-sort"), "descending");
    assertEquals(await listedNames(s.page), [
      "docs",
      "big.bin",
      "readme.txt",
      'a <b> & "c" #1.txt',
    ]);
    assertEquals(await s.page.locator("th.col-name").getAttribute("aria-sort"), "none");
    await s.page.locator("#announcer", { hasText: "Sorted by size, descending." }).waitFor();
    noPageErrors(s);
  });
});

test("ui opens and downloads a file with the bytes on disk", async () => {
  await withUi({}, fillTree, async (s) => {
    await openUi(s);
    const [download] = await Promise.all([
      s.page.waitForEvent("download"),
      s.page.getByRole("link", { name: "Download readme.txt" }).click(),
    ]);
    assertEquals(download.suggestedFilename(), "readme.txt");
    const saved = await download.path();
    assertEquals(await Deno.readTextFile(saved), "hello from wireserve\n");
  });
});

test("ui hides the upload, new-folder and delete controls when the server is read-only", async () => {
  await withUi({ readOnly: true, allowDelete: true, allowMkdir: true }, fillTree, async (s) => {
    await openUi(s);
    assert(await s.page.locator("#upload").isHidden(), "upload panel hidden");
    assert(await s.page.locator("#new-folder-button").isHidden(), "new folder hidden");
    assertEquals(await s.page.getByRole("button", { name: /^Delete / }).count(), 0);
    assertEquals(await s.page.locator("#mode li").allTextContents(), ["Read-only"]);
    noPageErrors(s);
  });
});

test("ui shows new-folder and delete only when allowed, and both work", async () => {
  await withUi({}, fillTree, async (s) => {
    await openUi(s);
    assert(await s.page.locator("#new-folder-button").isHidden(), "no mkdir by default");
    assertEquals(await s.page.getByRole("button", { name: /^Delete / }).count(), 0);
  });
  await withUi({ allowDelete: true, allowMkdir: true }, fillTree, async (s) => {
    await openUi(s);
    await s.page.locator("#new-folder-button").click();
    await s.page.getByRole("dialog", { name: "New folder" }).getByLabel("Name").fill(
      "fresh folder",
    );
    await s.page.getByRole("button", { name: "Create" }).click();
    await s.page.waitForURL(/#\/fresh%20folder\/$/);
    assert((await Deno.stat(`${s.dir}/fresh folder`)).isDirectory, "folder created on disk");

    await s.page.getByRole("link", { name: "Home" }).click();
    await s.page.locator("#listing-body", { hasText: "readme.txt" }).waitFor();
    s.page.once("dialog", (d) => d.accept());
    await s.page.getByRole("button", { name: "Delete readme.txt" }).click();
    await s.page.locator("#announcer", { hasText: "Deleted readme.txt." }).waitFor();
    assert(!(await listedNames(s.page)).includes("readme.txt"), "listing refreshed");
    await Deno.stat(`${s.dir}/readme.txt`).then(
      () => assert(false, "readme.txt still on disk"),
      (e) => assert(e instanceof Deno.errors.NotFound),
    );
    noPageErrors(s);
  });
});

test("ui inspector sends a composed request and shows the raw bytes received", async () => {
  await withUi({}, fillTree, async (s) => {
    await s.page.goto(`${s.origin}/inspector.html`);
    await s.page.locator("#inspect-method").selectOption("POST");
    await s.page.locator("#inspect-path").fill("/inspect/demo?x=1");
    await s.page.locator("#inspect-headers").fill("X-Demo: hello\nX-Other:  spaced");
    await s.page.locator("#inspect-body").fill("ping=1");
    await s.page.getByRole("button", { name: "Send" }).click();
    const output = s.page.locator("#inspect-output");
    await output.waitFor();
    const raw = await output.textContent() ?? "";
    assert(raw.includes("POST /inspect/demo?x=1 HTTP/1.1\\r\\n"), raw);
    // Chromium sends the names of fields set through fetch in lower case: the inspector shows it.
    assert(raw.includes("x-demo: hello\\r\\n"), raw);
    assert(raw.includes("ping=1"), raw);
    assertEquals(await s.page.locator("#inspect-status").textContent(), "200 OK");

    await s.page.locator("#inspect-json").check();
    await s.page.getByRole("button", { name: "Send" }).click();
    await s.page.locator("#inspect-output", { hasText: '"method": "POST"' }).waitFor();
    noPageErrors(s);
  });
});

test("ui main view renders in light and dark themes (screenshots)", async () => {
  await withUi({ allowDelete: true, allowMkdir: true }, fillTree, async (s) => {
    await Deno.mkdir(ARTIFACTS_DIR, { recursive: true });
    await openUi(s);
    await s.page.emulateMedia({ colorScheme: "light" });
    await s.page.screenshot({ path: new URL("ui-main.png", ARTIFACTS_DIR).pathname });
    const lightBg = await s.page.evaluate(BODY_BACKGROUND);
    await s.page.emulateMedia({ colorScheme: "dark" });
    await s.page.screenshot({ path: new URL("ui-main-dark.png", ARTIFACTS_DIR).pathname });
    const darkBg = await s.page.evaluate(BODY_BACKGROUND);
    assert(lightBg !== darkBg, `theme follows the system: ${lightBg} vs ${darkBg}`);
    await s.page.setViewportSize({ width: 390, height: 844 });
    await s.page.screenshot({ path: new URL("ui-phone-dark.png", ARTIFACTS_DIR).pathname });
    // Readable on a phone: nothing wider than the screen.
    const overflow = await s.page.evaluate(HORIZONTAL_OVERFLOW);
    assertEquals(overflow, 0);
    noPageErrors(s);
  });
});
