/**
 * Links into the web UI, in Chromium against the real server: a deep link that names a file
 * (`/#/docs/readme.md`, `/?path=/docs/readme.md`) opens its folder and previews it with its row
 * focused; a missing file is named above its folder; "Copy link" gives a folder's UI link and a
 * file's own URL; names with spaces, `#`, `?`, `%` and non-ASCII survive both ways.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { axeProblems } from "./axe.ts";
import { listedNames, openUi, type UiSession, uiTest, withUi } from "./browser.ts";

const test = uiTest;

/** A folder name and a file name that break any link built without escaping each segment. */
const ODD_FOLDER = "a b #1 ?x 100% ü€";
const ODD_FILE = "ç #? %41 50%.txt";

async function tree(dir: string): Promise<void> {
  await Deno.mkdir(`${dir}/docs`);
  await Deno.writeTextFile(`${dir}/docs/readme.md`, "# Read me first\n\nThe guide.\n");
  await Deno.writeTextFile(`${dir}/docs/notes.txt`, "notes line\n");
  await Deno.writeTextFile(`${dir}/docs/other.txt`, "other line\n");
  await Deno.writeFile(`${dir}/docs/data.bin`, new Uint8Array([0, 1, 2]));
  await Deno.mkdir(`${dir}/${ODD_FOLDER}`);
  await Deno.writeTextFile(`${dir}/${ODD_FOLDER}/${ODD_FILE}`, "odd content\n");
}

/** The deep link of a file, each segment escaped the way the page escapes names. */
function fileLink(...parts: string[]): string {
  return "/#/" + parts.map(encodeURIComponent).join("/");
}

/** What has keyboard focus: the tag and its accessible label or text. */
const FOCUSED = `(() => {
  const a = document.activeElement;
  return a.tagName + " " + (a.getAttribute("aria-label") ?? a.textContent.trim());
})()`;

const PREVIEW_OPEN = `document.getElementById("preview-dialog").open`;

/** The hash of the page now. */
function hashOf(s: UiSession): string {
  return new URL(s.page.url()).hash;
}

test("a deep link to a file opens its folder and previews the file, its row focused", async () => {
  await withUi({}, tree, async (s) => {
    await openUi(s, "/#/docs/readme.md?sort=size");
    const preview = s.page.getByRole("dialog", { name: "readme.md" });
    await preview.locator(".preview-markdown h1", { hasText: "Read me first" }).waitFor();
    // The folder behind it, and the hash names that folder (with the view the link asked for).
    assertEquals(await s.page.locator("#crumbs [aria-current=page]").textContent(), "docs");
    assertEquals(hashOf(s), "#/docs/?sort=size");
    assertEquals(await s.page.locator("#listing-error").isHidden(), true);
    assertEquals(await axeProblems(s.page), []);
    // Closing leaves the folder, with focus on the file's row.
    await s.page.keyboard.press("Escape");
    await preview.waitFor({ state: "hidden" });
    assertEquals(await s.page.evaluate(FOCUSED), "A readme.md");
    assertEquals(await listedNames(s.page), ["data.bin", "notes.txt", "other.txt", "readme.md"]);
    assertEquals(hashOf(s), "#/docs/?sort=size");

    // The ?path= form, and the gallery walks the folder as a click would.
    await openUi(s, "/?path=/docs/notes.txt");
    const notes = s.page.getByRole("dialog", { name: "notes.txt" });
    await notes.locator("pre", { hasText: "notes line" }).waitFor();
    assertEquals(new URL(s.page.url()).search, "");
    assertEquals(hashOf(s), "#/docs/");
    await s.page.getByRole("button", { name: "Next →" }).click();
    await s.page.getByRole("dialog", { name: "other.txt" }).locator("pre", {
      hasText: "other line",
    }).waitFor();

    // A file link typed into the address bar of an open page works the same.
    await openUi(s, "/");
    await s.page.evaluate(`location.hash = "#/docs/other.txt"`);
    await s.page.getByRole("dialog", { name: "other.txt" }).locator("pre", {
      hasText: "other line",
    }).waitFor();
    assertEquals(hashOf(s), "#/docs/");
    assertEquals(s.pageErrors, []);
  });
});

test("a deep link to a file the page cannot show focuses its row without a preview", async () => {
  await withUi({}, tree, async (s) => {
    await openUi(s, "/#/docs/data.bin");
    await s.page.locator("#announcer", { hasText: "data.bin cannot be shown in the page" })
      .waitFor();
    assertEquals(await s.page.evaluate(FOCUSED), "A data.bin");
    assertEquals(await s.page.evaluate(PREVIEW_OPEN), false);
    assertEquals(hashOf(s), "#/docs/");
  });
});

test("a deep link to a missing file shows its folder and names the file", async () => {
  await withUi({}, tree, async (s) => {
    await openUi(s, "/#/docs/gone.txt");
    const error = s.page.locator("#listing-error");
    // Each wait names the message it expects: the box may still show an earlier one.
    const gone =
      "There is no file called “gone.txt” in docs: it may have been moved, renamed or deleted.";
    await s.page.locator("#listing-error", { hasText: gone }).waitFor();
    assertEquals(await error.textContent(), gone);
    assertEquals(await listedNames(s.page), ["data.bin", "notes.txt", "other.txt", "readme.md"]);
    assertEquals(await s.page.evaluate(PREVIEW_OPEN), false);
    assertEquals(hashOf(s), "#/docs/");
    assertEquals(await axeProblems(s.page), []);

    // From an open preview, a link to a missing file in the same folder closes the preview: the
    // message is about the link, not the file still shown over it.
    await s.page.getByRole("link", { name: "notes.txt", exact: true }).click();
    await s.page.getByRole("dialog", { name: "notes.txt" }).locator("pre").waitFor();
    await s.page.evaluate(`location.hash = "#/docs/lost.txt"`);
    await s.page.locator("#listing-error", { hasText: "“lost.txt”" }).waitFor();
    assertEquals(await s.page.evaluate(PREVIEW_OPEN), false);

    // Its folder missing too: the missing folder's own message, no listing.
    // Only the hash changes here: the page stays, and so does the message above until replaced.
    await openUi(s, "/#/nowhere/gone.txt");
    const notFound = "Not found: it may have been moved or deleted.";
    await s.page.locator("#listing-error", { hasText: notFound }).waitFor();
    assertEquals(await error.textContent(), notFound);
    assert(await s.page.locator("#listing").isHidden(), "no table for a missing folder");

    // A folder named without its trailing "/" is that folder.
    await openUi(s, "/#/docs");
    await s.page.locator("#listing-body", { hasText: "readme.md" }).waitFor();
    assertEquals(hashOf(s), "#/docs/");
    assertEquals(await error.isHidden(), true);
    await openUi(s, "/?path=/docs");
    await s.page.locator("#listing-body", { hasText: "readme.md" }).waitFor();
    assertEquals(hashOf(s), "#/docs/");
    // Only the error above is expected in the console: the 404 of the missing folder.
    assertEquals(s.pageErrors.filter((e) => !e.includes("404")), []);
  });
});

test("a deep link with a malformed escape says the link is broken over Home", async () => {
  await withUi({}, tree, async (s) => {
    for (const [link, part] of [["/#/docs/%", "%"], ["/#/docs/x%", "x%"], ["/#/%zz/", "%zz"]]) {
      await openUi(s, link);
      const broken = `This link is broken: “${part}” is not a valid name in a link`;
      await s.page.locator("#listing-error", { hasText: broken }).waitFor();
      assertEquals(await listedNames(s.page), [ODD_FOLDER, "docs"]);
      assertEquals(await s.page.evaluate(PREVIEW_OPEN), false);
    }
    assertEquals(s.pageErrors, []);
  });
});

test("a deep link to a file the listing leaves out (past --max-listing) still previews it", async () => {
  const names = ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"];
  const many = async (dir: string) => {
    await Deno.mkdir(`${dir}/many`);
    for (const name of names) await Deno.writeTextFile(`${dir}/many/${name}`, `text of ${name}\n`);
  };
  await withUi({ maxListingEntries: 2 }, many, async (s) => {
    const doc = await (await fetch(`${s.origin}/files/many/?format=json`)).json();
    assertEquals([doc.truncated, doc.entries.length], [true, 2]);
    const listed = doc.entries.map((e: { name: string }) => e.name);
    const left = names.find((n) => !listed.includes(n))!;
    await openUi(s, `/#/many/${left}`);
    await s.page.getByRole("dialog", { name: left }).locator("pre", { hasText: `text of ${left}` })
      .waitFor();
    assertEquals(await s.page.locator("#listing-error").isHidden(), true);
    assertEquals(hashOf(s), "#/many/");
    assertEquals(s.pageErrors, []);
  });
});

test("copy link gives a folder's page link and a file's own URL", async () => {
  await withUi({}, tree, async (s) => {
    await s.context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await openUi(s, "/#/?sort=size&order=desc");
    await s.page.getByRole("button", { name: "Copy link to docs" }).click();
    await s.page.locator("#announcer", { hasText: "Copied the link to docs." }).waitFor();
    const folderLink = await s.page.evaluate("navigator.clipboard.readText()") as string;
    // The folder itself, not the view it was copied from.
    assertEquals(folderLink, `${s.origin}/#/docs/`);
    await s.page.goto("about:blank");
    await openUi(s, folderLink.slice(s.origin.length));
    await s.page.locator("#listing-body", { hasText: "readme.md" }).waitFor();

    await s.page.getByRole("button", { name: "Copy link to notes.txt" }).click();
    await s.page.locator("#announcer", { hasText: "Copied the link to notes.txt." }).waitFor();
    assertEquals(
      await s.page.evaluate("navigator.clipboard.readText()"),
      `${s.origin}/files/docs/notes.txt`,
    );
  });
});

test("names with spaces, #, ?, % and non-ASCII round-trip through links", async () => {
  await withUi({}, tree, async (s) => {
    await s.context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await openUi(s, fileLink(ODD_FOLDER, ODD_FILE));
    const preview = s.page.getByRole("dialog", { name: ODD_FILE });
    await preview.locator("pre", { hasText: "odd content" }).waitFor();
    assertEquals(await s.page.locator("#crumbs [aria-current=page]").textContent(), ODD_FOLDER);
    await s.page.keyboard.press("Escape");
    await preview.waitFor({ state: "hidden" });
    assertEquals(await s.page.evaluate(FOCUSED), `A ${ODD_FILE}`);

    // The file's copied URL fetches that file.
    await s.page.getByRole("button", { name: `Copy link to ${ODD_FILE}` }).click();
    await s.page.locator("#announcer", { hasText: `Copied the link to ${ODD_FILE}.` }).waitFor();
    const fileUrl = await s.page.evaluate("navigator.clipboard.readText()") as string;
    const res = await fetch(fileUrl);
    assertEquals(await res.text(), "odd content\n");

    // The folder's copied link opens the page on that folder.
    await s.page.getByRole("link", { name: "Home" }).click();
    await s.page.getByRole("button", { name: `Copy link to ${ODD_FOLDER}` }).click();
    await s.page.locator("#announcer", { hasText: `Copied the link to ${ODD_FOLDER}.` })
      .waitFor();
    const folderLink = await s.page.evaluate("navigator.clipboard.readText()") as string;
    assertEquals(folderLink, `${s.origin}/#/${encodeURIComponent(ODD_FOLDER)}/`);
    await s.page.goto("about:blank");
    await openUi(s, folderLink.slice(s.origin.length));
    await s.page.locator("#listing-body", { hasText: ODD_FILE }).waitFor();
    assertEquals(await listedNames(s.page), [ODD_FILE]);

    // The ?path= form takes the plain names (escaped once, as a query value).
    await openUi(s, `/?path=${encodeURIComponent(`/${ODD_FOLDER}/${ODD_FILE}`)}`);
    await s.page.getByRole("dialog", { name: ODD_FILE }).locator("pre", {
      hasText: "odd content",
    }).waitFor();
    assertEquals(hashOf(s), `#/${encodeURIComponent(ODD_FOLDER)}/`);
    assertEquals(s.pageErrors, []);
  });
});
