/**
 * Sign-in in Chromium against the real server, as a probe found it failing: a wrong password
 * announced as "Signed in" under `--auth` (reads open, so nothing the page reloaded could tell),
 * a new folder, rename or delete refused with 401 and not sent again after signing in, and no
 * grid thumbnails under `--auth-all` although the browser sends its own credentials with them.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { type Page } from "playwright-core";
import { openUi, uiTest, withUi } from "./browser.ts";

const test = uiTest;

const USER = "alice";
const PASSWORD = "s3cret";
const AUTH = { auth: `${USER}:${PASSWORD}` };

/** A folder to write in, with a file to rename and one to delete. */
async function work(dir: string): Promise<void> {
  await Deno.mkdir(`${dir}/work`);
  await Deno.writeTextFile(`${dir}/work/old.txt`, "old\n");
  await Deno.writeTextFile(`${dir}/work/gone.txt`, "gone\n");
}

/** Fills the page's sign-in form with `password` and sends it. */
async function signIn(page: Page, password: string): Promise<void> {
  const dialog = page.getByRole("dialog", { name: "Sign in" });
  await dialog.waitFor();
  await dialog.getByLabel("User name").fill(USER);
  await dialog.getByLabel("Password").fill(password);
  await dialog.getByRole("button", { name: "Sign in" }).click();
}

/** What the live region says once it has settled on `text` (or the test's timeout). */
async function announced(page: Page, text: string): Promise<void> {
  await page.locator("#announcer", { hasText: text }).waitFor({ state: "attached" });
}

test("a wrong password under --auth is not called signed in: the form comes back saying so", async () => {
  await withUi(AUTH, work, async (s) => {
    await openUi(s, "/#/work/");
    const button = s.page.locator("#sign-in-button");
    await button.click();
    await signIn(s.page, "wrong");
    await announced(s.page, "not accepted");
    const dialog = s.page.getByRole("dialog", { name: "Sign in" });
    await dialog.waitFor();
    assert(
      (await s.page.locator("#sign-in-reason").textContent())?.includes("were not accepted"),
      String(await s.page.locator("#sign-in-reason").textContent()),
    );
    assertEquals(await button.textContent(), "Sign in");
    assertEquals(await s.page.evaluate(() => sessionStorage.length), 0);

    await signIn(s.page, PASSWORD);
    await dialog.waitFor({ state: "hidden" });
    await announced(s.page, "Signed in.");
    assertEquals(await button.textContent(), "Signed in");
  });
});

test("a new folder, a rename and a delete refused with 401 go again after signing in", async () => {
  await withUi({ ...AUTH, allowMkdir: true, allowDelete: true }, work, async (s) => {
    await openUi(s, "/#/work/");
    await s.page.locator("#listing-body", { hasText: "old.txt" }).waitFor();
    const nameDialog = s.page.locator("#name-dialog");
    const signInDialog = s.page.getByRole("dialog", { name: "Sign in" });

    await s.page.locator("#new-folder-button").click();
    await nameDialog.getByLabel("Name").fill("made");
    await nameDialog.getByRole("button", { name: "Create" }).click();
    await signInDialog.waitFor();
    // A wrong password first: nothing goes until the server takes the credentials.
    await signIn(s.page, "wrong");
    await announced(s.page, "not accepted");
    await signIn(s.page, PASSWORD);
    await nameDialog.waitFor({ state: "hidden" });
    assert((await Deno.stat(`${s.dir}/work/made`)).isDirectory);

    // Signed out again, so the rename meets its own 401.
    await s.page.evaluate(() => sessionStorage.clear());
    await s.page.goto(`${s.origin}/#/work/`);
    await s.page.locator("#listing-body", { hasText: "old.txt" }).waitFor();
    await s.page.getByRole("button", { name: "Rename old.txt" }).click();
    await nameDialog.getByLabel("New name").fill("new.txt");
    await nameDialog.getByRole("button", { name: "Rename" }).click();
    await signIn(s.page, PASSWORD);
    await nameDialog.waitFor({ state: "hidden" });
    assertEquals(await Deno.readTextFile(`${s.dir}/work/new.txt`), "old\n");
    assert(await nameDialog.locator("#name-error").isHidden(), "no stale sign-in message");

    // A delete confirmed once is not asked again after the sign-in.
    await s.page.evaluate(() => sessionStorage.clear());
    await s.page.goto(`${s.origin}/#/work/`);
    await s.page.locator("#listing-body", { hasText: "gone.txt" }).waitFor();
    let confirmations = 0;
    s.page.on("dialog", (d) => {
      confirmations += 1;
      d.accept();
    });
    await s.page.getByRole("button", { name: "Delete gone.txt" }).click();
    await signIn(s.page, PASSWORD);
    await s.page.locator("#listing-body", { hasText: "gone.txt" }).waitFor({ state: "detached" });
    assert(await Deno.lstat(`${s.dir}/work/gone.txt`).then(() => false, () => true), "deleted");
    assertEquals(confirmations, 1);
    await s.page.locator("#listing-error").waitFor({ state: "hidden" });
  });
});

test("grid view under --auth-all shows thumbnails when the browser sends its own credentials", async () => {
  const picture = new URL("../../www/favicon.svg", import.meta.url);
  await withUi({ ...AUTH, authAll: true }, async (dir) => {
    await Deno.copyFile(picture, `${dir}/picture.svg`);
  }, async (s) => {
    // As after the browser's own login prompt: it answers the page's Basic challenge itself.
    await s.context.setHTTPCredentials({ username: USER, password: PASSWORD });
    await openUi(s, "/#/?view=grid");
    const thumb = s.page.locator("#grid img");
    await thumb.waitFor();
    assert(
      await thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0),
      "the thumbnail loaded",
    );
  });
});

test("under --auth-all a signed-in click never opens a file that could run script as the UI (a blob URL has the UI's origin)", async () => {
  await withUi({ ...AUTH, authAll: true }, async (dir) => {
    // An XHTML page that would run as the UI from a blob: URL (the server sandboxes it, a blob
    // carries no header), and a JPEG named .jpe, which the page does not preview but the browser
    // shows inertly.
    await Deno.writeTextFile(
      `${dir}/page.xhtml`,
      '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>page</p></body></html>',
    );
    await Deno.writeFile(`${dir}/scan.jpe`, new Uint8Array([0xff, 0xd8, 0xff, 0xd9]));
  }, async (s) => {
    await s.context.setHTTPCredentials({ username: USER, password: PASSWORD });
    await openUi(s, "/#/");
    await s.page.locator("#sign-in-button").click();
    await signIn(s.page, PASSWORD);
    await announced(s.page, "Signed in.");
    const opened: string[] = [];
    s.context.on("page", (p) => opened.push(p.url()));

    const [download] = await Promise.all([
      s.page.waitForEvent("download"),
      s.page.locator("#listing-body a", { hasText: "page.xhtml" }).first().click(),
    ]);
    assertEquals(download.suggestedFilename(), "page.xhtml");
    assertEquals(
      await Deno.readTextFile(await download.path()),
      '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>page</p></body></html>',
    );

    const [tab] = await Promise.all([
      s.context.waitForEvent("page"),
      s.page.locator("#listing-body a", { hasText: "scan.jpe" }).first().click(),
    ]);
    await tab.waitForURL(/^blob:/);
    await tab.close();
    assertEquals(opened.length, 1, `only the JPEG opened a tab: ${opened.join(", ")}`);
  });
});
