/**
 * Every view of the web UI at desktop (1280×800) and phone (390×844) widths, light and dark:
 * axe-core finds no serious or critical violation, a screenshot of each goes to
 * .ci/artifacts/ui/ (git-ignored; CI keeps it), and the layout promises of issue 16 hold: the
 * upload area stays reachable in a long folder, Download and Delete are one button family with
 * Delete not the loudest, names are not squeezed on a phone, the page uses a wide screen, and
 * the share dialog shows the LAN address with its QR code.
 */

import { Buffer } from "node:buffer";
import { assert, assertEquals } from "../support/assert.ts";
import { axeProblems } from "./axe.ts";
import { ARTIFACTS_DIR, openUi, type UiSession, uiTest, withUi } from "./browser.ts";

const test = uiTest;
const contractTest = uiTest;

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const SHOTS = new URL("ui/", ARTIFACTS_DIR);
/** Files in the long folder: several screens of rows at either width. */
const LONG_FOLDER_FILES = 120;
const LONG_NAME = "Quarterly report for the regional offices — final version (2).pdf";

async function tree(dir: string): Promise<void> {
  await Deno.mkdir(`${dir}/photos`);
  await Deno.mkdir(`${dir}/many`);
  await Deno.writeTextFile(`${dir}/${LONG_NAME}`, "%PDF-1.4\n");
  await Deno.writeTextFile(
    `${dir}/notes.md`,
    "---\ntitle: Notes\ndate: 2024-05-01\n---\n# Notes\n\n- one\n- two\n",
  );
  await Deno.writeTextFile(`${dir}/readme.txt`, "hello\n");
  for (let i = 0; i < LONG_FOLDER_FILES; i++) {
    await Deno.writeTextFile(`${dir}/many/file-${String(i).padStart(3, "0")}.txt`, `${i}\n`);
  }
}

async function checkView(s: UiSession, name: string): Promise<void> {
  await Deno.mkdir(SHOTS, { recursive: true });
  for (const scheme of ["light", "dark"] as const) {
    await s.page.emulateMedia({ colorScheme: scheme });
    assertEquals(await axeProblems(s.page), [], `${name} (${scheme})`);
    await s.page.screenshot({
      path: new URL(`${name}-${scheme}.png`, SHOTS).pathname,
      fullPage: true,
    });
  }
}

/** Whether the element's box lies inside the viewport. */
async function inViewport(s: UiSession, selector: string): Promise<boolean> {
  return await s.page.evaluate(`(() => {
    const r = document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect();
    return r.width > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth;
  })()`) as boolean;
}

const CONFIG = { allowDelete: true, allowMkdir: true, token: "s3cret" };

for (const [label, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
  test(`every view passes axe and is captured at ${label} width, light and dark`, async () => {
    await withUi(CONFIG, tree, async (s) => {
      await s.page.setViewportSize(viewport);
      await openUi(s);
      await s.page.locator("#listing-body", { hasText: "readme.txt" }).waitFor();
      await checkView(s, `${label}-list`);
      await s.page.getByLabel("Select readme.txt").check();
      await s.page.getByLabel("Select notes.md").check();
      await checkView(s, `${label}-selection`);
      await s.page.getByRole("button", { name: "Clear selection" }).click();
      await s.page.getByRole("button", { name: "Grid" }).click();
      await s.page.locator("#grid .card").first().waitFor();
      await checkView(s, `${label}-grid`);
      await s.page.getByRole("button", { name: "List" }).click();

      await s.page.getByRole("link", { name: "notes.md", exact: true }).click();
      await s.page.locator(".preview-markdown h1").waitFor();
      await s.page.locator(".preview-markdown .preview-front-matter").waitFor();
      await checkView(s, `${label}-preview-markdown`);
      await s.page.keyboard.press("Escape");

      await s.page.getByRole("button", { name: "Rename readme.txt" }).click();
      await s.page.getByRole("dialog", { name: "Rename readme.txt" }).getByLabel("New name").fill(
        "",
      );
      await s.page.getByRole("button", { name: "Rename", exact: true }).click();
      await s.page.getByRole("dialog").getByRole("alert").waitFor();
      await checkView(s, `${label}-rename-error`);
      await s.page.keyboard.press("Escape");

      await s.page.getByRole("button", { name: "Sign in" }).click();
      await s.page.getByRole("dialog", { name: "Sign in" }).waitFor();
      await checkView(s, `${label}-sign-in`);
      await s.page.keyboard.press("Escape");

      await s.page.getByRole("button", { name: "Open on another device" }).click();
      await s.page.getByRole("dialog", { name: "Open on another device" }).waitFor();
      await checkView(s, `${label}-share`);
      await s.page.keyboard.press("Escape");

      await s.page.locator("#file-input").setInputFiles([
        { name: "refused.txt", mimeType: "text/plain", buffer: Buffer.from("x") },
      ]);
      await s.page.getByRole("dialog", { name: "Sign in" }).waitFor();
      await s.page.keyboard.press("Escape");
      await s.page.locator("#queue li[data-state=failed]").waitFor();
      await checkView(s, `${label}-upload-failed`);

      await openUi(s, "/#/does-not-exist/");
      await s.page.locator("#listing-error").waitFor();
      await checkView(s, `${label}-missing-folder`);

      await s.page.goto(`${s.origin}/inspector.html`);
      await s.page.getByRole("button", { name: "Send" }).click();
      await s.page.locator("#inspect-status", { hasText: "200" }).waitFor();
      await checkView(s, `${label}-inspector`);
      // Readable on a phone: nothing wider than the screen, on any view.
      const overflow = await s.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth",
      );
      assertEquals(overflow, 0);
    });
  });
}

test("the upload area stays reachable at the end of a long folder, desktop and phone", async () => {
  await withUi({}, tree, async (s) => {
    await s.page.setViewportSize(DESKTOP);
    await openUi(s, "/#/many/");
    await s.page.locator("#listing-body", { hasText: "file-119.txt" }).waitFor();
    await s.page.evaluate("scrollTo(0, document.body.scrollHeight)");
    assert(await inViewport(s, "#pick-files-button"), "desktop: the upload panel is in view");
    await s.page.evaluate("scrollTo(0, 0)");
    assert(await inViewport(s, "#pick-files-button"), "desktop: in view at the top as well");
    // The page uses the screen's width: the list is wider than the old 64rem column.
    const width = await s.page.locator("#browse").evaluate((el) =>
      el.getBoundingClientRect().width
    );
    assert(width > 800, `the listing is ${width}px wide`);

    await s.page.setViewportSize(PHONE);
    await s.page.evaluate("scrollTo(0, document.body.scrollHeight / 2)");
    assert(await inViewport(s, "#upload-fab"), "phone: the upload button floats in reach");
    const [chooser] = await Promise.all([
      s.page.waitForEvent("filechooser"),
      s.page.getByRole("button", { name: "Upload files" }).click(),
    ]);
    assert(chooser.isMultiple(), "the floating button opens the file picker");
  });
});

test("Download and Delete are one button family and Delete is not the loudest", async () => {
  await withUi({ allowDelete: true }, tree, async (s) => {
    await openUi(s);
    const style = (name: string) =>
      s.page.getByRole(name.startsWith("Download") ? "link" : "button", { name }).evaluate(
        (el) => {
          const c = el.ownerDocument.defaultView!.getComputedStyle(el);
          const r = el.getBoundingClientRect();
          return {
            family: [c.borderRadius, c.fontSize, c.borderTopWidth, c.paddingLeft, r.height],
            background: c.backgroundColor,
            color: c.color,
          };
        },
      );
    const download = await style("Download readme.txt");
    const remove = await style("Delete readme.txt");
    assertEquals(remove.family, download.family);
    assertEquals(remove.background, download.background, "no filled red button");
    assertEquals(remove.color, download.color, "Delete turns red only on hover and focus");
    await s.page.getByRole("button", { name: "Delete readme.txt" }).hover();
    const hovered = await style("Delete readme.txt");
    assert(hovered.color !== download.color, "Delete says what it is on hover");
  });
});

test("on a phone a long name keeps the row's width instead of one word per line", async () => {
  await withUi({ allowDelete: true }, tree, async (s) => {
    await s.page.setViewportSize(PHONE);
    await openUi(s);
    const link = s.page.getByRole("link", { name: LONG_NAME, exact: true });
    const box = await link.evaluate((el) => {
      const r = el.querySelector("span")!.getBoundingClientRect();
      return { width: r.width, height: r.height };
    });
    const lineHeight = 24;
    assert(box.width > PHONE.width * 0.55, `name width ${box.width}px`);
    assert(box.height <= 3 * lineHeight, `name height ${box.height}px (few lines)`);
  });
});

test("on a phone the sort menu replaces the hidden size and date headers", async () => {
  await withUi({}, tree, async (s) => {
    await s.page.setViewportSize(PHONE);
    await openUi(s);
    assert(await s.page.locator("th.col-size").isHidden(), "no size column on a phone");
    await s.page.getByLabel("Sort by").selectOption("size desc");
    const names = await s.page.locator("#listing-body .name span").allTextContents();
    assertEquals(names.slice(2), ["notes.md", LONG_NAME, "readme.txt"]);
    assertEquals(new URL(s.page.url()).hash, "#/?sort=size&order=desc");
    await s.page.setViewportSize(DESKTOP);
    assert(await s.page.getByLabel("Sort by").isHidden(), "desktop sorts by the headers");
    assertEquals(await s.page.locator("th.col-size").getAttribute("aria-sort"), "descending");
  });
});

test("the share dialog explains loopback and shows each LAN address with its QR code", async () => {
  await withUi({}, tree, async (s) => {
    await openUi(s);
    await s.page.getByRole("button", { name: "Open on another device" }).click();
    const dialog = s.page.getByRole("dialog", { name: "Open on another device" });
    await dialog.getByText("listens only on this computer").waitFor();
    await dialog.getByRole("button", { name: "Close" }).click();
    // As /api/info will say with ui-server's lanUrls (the contract), emulated here.
    await s.page.route("**/api/info", async (route) => {
      const res = await route.fetch();
      await route.fulfill({
        response: res,
        json: { ...(await res.json()), lanUrls: ["http://192.168.1.20:8080/"] },
      });
    });
    await openUi(s);
    await s.page.getByRole("button", { name: "Open on another device" }).click();
    const qr = dialog.getByRole("img", { name: "QR code for http://192.168.1.20:8080/" });
    await qr.waitFor();
    assertEquals(
      await qr.getAttribute("src"),
      "/api/qr?text=http%3A%2F%2F192.168.1.20%3A8080%2F",
    );
    await dialog.getByRole("link", { name: "http://192.168.1.20:8080/" }).waitFor();
  });
});

contractTest("the share dialog's QR code is drawn by the server for a LAN address", async () => {
  await withUi({}, tree, async (s) => {
    const info = await (await fetch(`${s.origin}/api/info`)).json();
    assert(Array.isArray(info.lanUrls), "lanUrls in /api/info");
    const qr = await fetch(`${s.origin}/api/qr?text=${encodeURIComponent("http://x/")}`);
    assert(qr.headers.get("content-type")?.startsWith("image/svg+xml"), "an SVG");
    await qr.body?.cancel();
    // The test server listens on loopback, so lanUrls is empty: give the page one to draw.
    await s.page.route("**/api/info", async (route) => {
      const res = await route.fetch();
      await route.fulfill({
        response: res,
        json: { ...(await res.json()), lanUrls: ["http://192.168.1.20:8080/"] },
      });
    });
    await openUi(s);
    await s.page.getByRole("button", { name: "Open on another device" }).click();
    // Polled from here: the page's CSP forbids the eval that waitForFunction's predicate needs.
    const drawn = s.page.locator(".qr");
    let width = 0;
    for (let i = 0; i < 50 && width === 0; i++) {
      width = await drawn.evaluate((img) => (img as { naturalWidth: number }).naturalWidth)
        .catch(() => 0);
      if (width === 0) await new Promise((r) => setTimeout(r, 100));
    }
    assert(width > 0, "the server's QR code was drawn");
  });
});
