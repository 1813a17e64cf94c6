/**
 * The file-manager flows of issue 16 in Chromium against the real server: the filter, sort and
 * view kept in the URL, the grid with thumbnails and type icons, selection with bulk delete,
 * move and copy, rename, copy link, drop anywhere, previews (gallery, text, Markdown
 * sanitised, media, PDF). Search, zip and the QR
 * code run against the server's real answers.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { listedNames, openUi, uiTest, withUi } from "./browser.ts";
import { settledJobs } from "./upload_helpers.ts";

const test = uiTest;
const contractTest = uiTest;

/** A 1×1 PNG. */
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

/** Samples per second of {@link silentWav}. */
const WAV_RATE = 8000;

/** A tenth of a second of 8-bit mono silence as a WAV file (RIFF header, then the samples). */
function silentWav(): Uint8Array {
  const samples = WAV_RATE / 10;
  const bytes = new Uint8Array(44 + samples).fill(128, 44); // 128 is silence in 8-bit PCM
  const view = new DataView(bytes.buffer);
  const text = (at: number, s: string) =>
    [...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, 36 + samples, true);
  text(8, "WAVEfmt ");
  view.setUint32(16, 16, true); // the fmt chunk's size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, WAV_RATE, true);
  view.setUint32(28, WAV_RATE, true); // bytes per second
  view.setUint16(32, 1, true); // bytes per frame
  view.setUint16(34, 8, true); // bits per sample
  text(36, "data");
  view.setUint32(40, samples, true);
  return bytes;
}

async function tree(dir: string): Promise<void> {
  await Deno.mkdir(`${dir}/photos`);
  await Deno.mkdir(`${dir}/archive`);
  for (const name of ["a.png", "b.png", "c.png"]) {
    await Deno.writeFile(`${dir}/photos/${name}`, PNG);
  }
  await Deno.writeTextFile(`${dir}/photos/notes.txt`, "line one\nline two\n");
  await Deno.writeTextFile(
    `${dir}/photos/README.md`,
    "# Holiday\n\nSome *words* and a [link](https://example.com).\n\n" +
      '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>\n',
  );
  await Deno.writeTextFile(`${dir}/report.pdf`, "%PDF-1.4\n%%EOF\n");
  // Real audio (a short silent WAV: Chromium goes by the bytes, not the name), so the preview
  // keeps its player instead of saying the browser cannot play it.
  await Deno.writeFile(`${dir}/song.mp3`, silentWav());
  await Deno.writeTextFile(`${dir}/alpha.txt`, "alpha\n");
  await Deno.writeTextFile(`${dir}/beta.txt`, "beta\n");
  await Deno.writeTextFile(`${dir}/gamma.log`, "gamma\n");
}

const WRITABLE = { allowDelete: true, allowMkdir: true };

test("filter narrows the folder as you type and stays in the URL with sort and view", async () => {
  await withUi({}, tree, async (s) => {
    await openUi(s);
    await s.page.locator("#listing-body", { hasText: "alpha.txt" }).waitFor();
    await s.page.getByLabel("Filter this folder").pressSequentially("ta");
    assertEquals(await listedNames(s.page), ["beta.txt"]);
    await s.page.locator("#announcer", { hasText: "1 of 7 items shown." }).waitFor();
    await s.page.getByLabel("Filter this folder").fill("zzz");
    await s.page.getByText("Nothing here matches the filter.").waitFor();
    await s.page.getByLabel("Filter this folder").fill(".txt");
    await s.page.locator("th.col-size").getByRole("button").click();
    await s.page.locator("th.col-size").getByRole("button").click();
    await s.page.getByRole("button", { name: "Grid" }).click();
    const hash = new URL(s.page.url()).hash;
    assertEquals(hash, "#/?sort=size&order=desc&view=grid&filter=.txt");
    // A reload (or the link sent to someone) shows the same view.
    await s.page.reload();
    await s.page.locator("#grid .card").first().waitFor();
    assertEquals(await s.page.locator("#grid .card-name").allTextContents(), [
      "alpha.txt",
      "beta.txt",
    ]);
    assertEquals(await s.page.getByLabel("Filter this folder").inputValue(), ".txt");
    assertEquals(
      await s.page.getByRole("button", { name: "Grid" }).getAttribute("aria-pressed"),
      "true",
    );
    // Into a folder (and back by the breadcrumb) the sort and grid go along, the filter does not.
    await s.page.getByLabel("Filter this folder").fill("phot");
    await s.page.getByRole("link", { name: "photos", exact: true }).click();
    await s.page.locator("#grid .card", { hasText: "a.png" }).waitFor();
    assertEquals(new URL(s.page.url()).hash, "#/photos/?sort=size&order=desc&view=grid");
    assertEquals(await s.page.getByLabel("Filter this folder").inputValue(), "");
    await s.page.getByRole("link", { name: "Home" }).click();
    await s.page.waitForURL(/#\/\?sort=size&order=desc&view=grid$/);
    assertEquals(s.pageErrors, []);
  });
});

test("grid view shows image thumbnails and every entry has an icon by type", async () => {
  await withUi({}, tree, async (s) => {
    await openUi(s, "/#/photos/?view=grid");
    await s.page.locator("#grid .card", { hasText: "a.png" }).waitFor();
    const thumbs = s.page.locator("#grid .thumb img");
    assertEquals(await thumbs.count(), 3);
    assertEquals(await thumbs.first().getAttribute("src"), "/files/photos/a.png");
    await s.page.waitForFunction(
      `[...document.querySelectorAll("#grid .thumb img")].every((i) => i.complete && i.naturalWidth === 1)`,
    );
    await openUi(s, "/");
    await s.page.locator("#listing-body", { hasText: "report.pdf" }).waitFor();
    const kinds = await s.page.locator("#listing-body tr").evaluateAll((rows) =>
      rows.map((r) =>
        `${r.getAttribute("data-name")}:${r.querySelector("svg")?.getAttribute("class")}`
      )
    );
    assertEquals(kinds, [
      "archive:icon icon-folder",
      "photos:icon icon-folder",
      "alpha.txt:icon icon-text",
      "beta.txt:icon icon-text",
      "gamma.log:icon icon-text",
      "report.pdf:icon icon-pdf",
      "song.mp3:icon icon-audio",
    ]);
  });
});

test("selecting many deletes them with one confirmation", async () => {
  await withUi(WRITABLE, tree, async (s) => {
    await openUi(s);
    await s.page.getByLabel("Select alpha.txt").check();
    await s.page.getByLabel("Select gamma.log").check();
    await s.page.getByLabel("Select beta.txt").check();
    // What the filter hides is not deleted: beta.txt stays selected but out of sight.
    await s.page.getByLabel("Filter this folder").fill("l");
    const bar = s.page.getByRole("toolbar", { name: "Selected items" });
    await bar.getByText("2 items selected").waitFor();
    let asked = "";
    s.page.once("dialog", (d) => {
      asked = d.message();
      d.accept();
    });
    await bar.getByRole("button", { name: "Delete" }).click();
    await s.page.locator("#announcer", { hasText: "Deleted 2 items." }).waitFor();
    assertEquals(asked, "Delete 2 items? This cannot be undone.");
    assert(!(await listedNames(s.page)).includes("alpha.txt"));
    assertEquals(await Deno.lstat(`${s.dir}/alpha.txt`).then(() => 1, () => 0), 0);
    assertEquals(await Deno.lstat(`${s.dir}/gamma.log`).then(() => 1, () => 0), 0);
    assertEquals(await Deno.readTextFile(`${s.dir}/beta.txt`), "beta\n");
    assert(await bar.isHidden(), "the selection is cleared");
  });
});

test("selecting many moves and copies them into another folder (WebDAV MOVE/COPY)", async () => {
  await withUi(WRITABLE, tree, async (s) => {
    const methods: string[] = [];
    s.page.on("request", (r) => {
      if (r.method() === "MOVE" || r.method() === "COPY") {
        methods.push(`${r.method()} ${r.headers()["destination"]} ${r.headers()["overwrite"]}`);
      }
    });
    await openUi(s);
    await s.page.getByLabel("Select every item shown").check();
    await s.page.getByLabel("Select archive").uncheck();
    await s.page.getByLabel("Select photos").uncheck();
    await s.page.getByLabel("Select report.pdf").uncheck();
    await s.page.getByLabel("Select song.mp3").uncheck();
    const bar = s.page.getByRole("toolbar", { name: "Selected items" });
    await bar.getByRole("button", { name: "Copy…" }).click();
    const dialog = s.page.getByRole("dialog", { name: "Copy 3 items" });
    await dialog.getByLabel("Into the folder").fill("/archive/");
    await dialog.getByRole("button", { name: "Copy" }).click();
    await dialog.waitFor({ state: "hidden" });
    assertEquals(await Deno.readTextFile(`${s.dir}/archive/beta.txt`), "beta\n");
    assertEquals(await Deno.readTextFile(`${s.dir}/beta.txt`), "beta\n");

    await s.page.getByLabel("Select alpha.txt").check();
    await bar.getByRole("button", { name: "Move…" }).click();
    const move = s.page.getByRole("dialog", { name: "Move alpha.txt" });
    await move.getByLabel("Into the folder").fill("/photos/");
    await move.getByRole("button", { name: "Move" }).click();
    await move.waitFor({ state: "hidden" });
    assertEquals(await Deno.readTextFile(`${s.dir}/photos/alpha.txt`), "alpha\n");
    assertEquals(await Deno.lstat(`${s.dir}/alpha.txt`).then(() => 1, () => 0), 0);
    await s.page.locator("#announcer", { hasText: "Moved 1 item to /photos/." }).waitFor();
    // A copy onto an existing name is refused (Overwrite: F), and the dialog says so.
    await s.page.getByLabel("Select beta.txt").check();
    await bar.getByRole("button", { name: "Copy…" }).click();
    const again = s.page.getByRole("dialog", { name: "Copy beta.txt" });
    await again.getByLabel("Into the folder").fill("/archive/");
    await again.getByRole("button", { name: "Copy" }).click();
    await again.getByRole("alert").waitFor();
    assert(
      methods.some((m) => m.startsWith("COPY http://127.0.0.1:") && m.endsWith(" F")),
      methods.join(),
    );
    assert(methods.some((m) => m.startsWith("MOVE ") && m.includes("/files/photos/alpha.txt")));
  });
});

test("rename from the row renames on disk and refuses a bad name in place", async () => {
  await withUi(WRITABLE, tree, async (s) => {
    await openUi(s);
    await s.page.getByRole("button", { name: "Rename alpha.txt" }).click();
    const dialog = s.page.getByRole("dialog", { name: "Rename alpha.txt" });
    const field = dialog.getByLabel("New name");
    assertEquals(await field.inputValue(), "alpha.txt");
    await field.fill("a/b");
    await dialog.getByRole("button", { name: "Rename" }).click();
    await dialog.getByRole("alert").waitFor();
    await field.fill("omega.txt");
    await dialog.getByRole("button", { name: "Rename" }).click();
    await dialog.waitFor({ state: "hidden" });
    await s.page.locator("#listing-body", { hasText: "omega.txt" }).waitFor();
    assertEquals(await Deno.readTextFile(`${s.dir}/omega.txt`), "alpha\n");
    // Folders too.
    await s.page.getByRole("button", { name: "Rename archive" }).click();
    const folderDialog = s.page.getByRole("dialog", { name: "Rename archive" });
    await folderDialog.getByLabel("New name").fill("old stuff");
    await folderDialog.getByRole("button", { name: "Rename" }).click();
    await folderDialog.waitFor({ state: "hidden" });
    assert((await Deno.stat(`${s.dir}/old stuff`)).isDirectory);
  });
});

test("copy link puts the file's absolute URL on the clipboard", async () => {
  await withUi({}, tree, async (s) => {
    await s.context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await openUi(s, "/#/photos/");
    await s.page.getByRole("button", { name: "Copy link to notes.txt" }).click();
    await s.page.locator("#announcer", { hasText: "Copied the link to notes.txt." }).waitFor();
    assertEquals(
      await s.page.evaluate("navigator.clipboard.readText()"),
      `${s.origin}/files/photos/notes.txt`,
    );
  });
});

test("files dropped anywhere on the page upload into the folder shown", async () => {
  await withUi({}, tree, async (s) => {
    await openUi(s, "/#/archive/");
    await s.page.locator("#upload-target", { hasText: "Into archive" }).waitFor();
    await s.page.evaluate(`(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(["dropped"], "on-the-header.txt", { type: "text/plain" }));
      const target = document.querySelector(".site-header");
      target.dispatchEvent(new DragEvent("dragenter", { bubbles: true, cancelable: true, dataTransfer: dt }));
      window.overlayShown = !document.getElementById("drop-overlay").hidden;
      for (const type of ["dragover", "drop"]) {
        target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
      }
    })()`);
    assertEquals(await s.page.evaluate("window.overlayShown"), true);
    assertEquals(await settledJobs(s.page, 1), [["on-the-header.txt", "done"]]);
    assertEquals(await Deno.readTextFile(`${s.dir}/archive/on-the-header.txt`), "dropped");
    assert(await s.page.locator("#drop-overlay").isHidden());
    // Text dragged onto the filter box is left to the browser (the drop is not cancelled).
    const textDropCancelled = await s.page.evaluate(`(() => {
      const dt = new DataTransfer();
      dt.setData("text/plain", "alpha");
      const box = document.getElementById("filter");
      const over = new DragEvent("dragover", { bubbles: true, cancelable: true, dataTransfer: dt });
      const drop = new DragEvent("drop", { bubbles: true, cancelable: true, dataTransfer: dt });
      return !box.dispatchEvent(over) || !box.dispatchEvent(drop);
    })()`);
    assertEquals(textDropCancelled, false);
  });
});

test("previews: image gallery with next and previous, text, and Markdown sanitised", async () => {
  await withUi({}, tree, async (s) => {
    await openUi(s, "/#/photos/");
    await s.page.getByRole("link", { name: "a.png", exact: true }).click();
    const dialog = s.page.locator("#preview-dialog");
    await dialog.getByRole("img", { name: "a.png" }).waitFor();
    assertEquals(await dialog.locator("#preview-position").textContent(), "1 of 5");
    await dialog.getByRole("button", { name: "Next →" }).click();
    await dialog.getByRole("img", { name: "b.png" }).waitFor();
    await s.page.keyboard.press("ArrowRight");
    await dialog.getByRole("img", { name: "c.png" }).waitFor();
    await s.page.keyboard.press("ArrowRight");
    await dialog.locator(".preview-text", { hasText: "line two" }).waitFor();
    await s.page.keyboard.press("ArrowLeft");
    await dialog.getByRole("img", { name: "c.png" }).waitFor();
    await s.page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });

    await s.page.getByRole("link", { name: "README.md", exact: true }).click();
    const article = dialog.locator(".preview-markdown");
    await article.locator("h1", { hasText: "Holiday" }).waitFor();
    assertEquals(await article.locator("em").textContent(), "words");
    assertEquals(await dialog.getByText("Showing the first").count(), 0, "a small file is whole");
    assertEquals(await article.locator("a").getAttribute("href"), "https://example.com");
    assertEquals(await article.locator("script").count(), 0);
    assertEquals(await article.locator("[onerror]").count(), 0);
    assertEquals(await s.page.evaluate("window.pwned ?? null"), null);
    await s.page.keyboard.press("Escape");
    // Chromium reports the blocked handler of the hostile <img> as a CSP violation while the
    // sanitiser parses it: the page's policy is the second fence, and nothing ran (pwned null).
    assertEquals(
      s.pageErrors.filter((e) =>
        !e.startsWith("Failed to load resource") && !e.includes("Content Security Policy")
      ),
      [],
    );
  });
});

test("previews: audio in the browser's player and PDF in a frame", async () => {
  await withUi({}, tree, async (s) => {
    await openUi(s);
    await s.page.getByRole("link", { name: "song.mp3", exact: true }).click();
    const dialog = s.page.locator("#preview-dialog");
    await dialog.locator("audio[controls]").waitFor();
    assertEquals(await dialog.locator("audio").getAttribute("src"), "/files/song.mp3");
    await dialog.getByRole("button", { name: "← Previous" }).click(); // the gallery walks files
    await dialog.locator("iframe.preview-frame").waitFor();
    assertEquals(await dialog.locator("iframe").getAttribute("src"), "/files/report.pdf");
    assertEquals(await dialog.locator("iframe").getAttribute("title"), "report.pdf");
  });
});

contractTest("server search (?q=) lists matches below the folder and opens them", async () => {
  await withUi({}, tree, async (s) => {
    await openUi(s);
    await s.page.getByLabel("Search below this folder").fill("PNG");
    await s.page.getByRole("button", { name: "Search" }).click();
    // Polled in the page rather than awaited as a navigation: waitForURL timed out here once in
    // CI (not reproduced in 13 reruns, under load or not); a wrong hash still fails after 10 s.
    await s.page.waitForFunction(() => location.hash === "#/?search=PNG");
    await s.page.getByText("3 matches for “PNG” below Home.").waitFor();
    assertEquals(await listedNames(s.page), ["photos/a.png", "photos/b.png", "photos/c.png"]);
    await s.page.getByRole("link", { name: "photos/b.png", exact: true }).click();
    await s.page.locator("#preview-dialog").getByRole("img", { name: "photos/b.png" }).waitFor();
    await s.page.keyboard.press("Escape");
    await s.page.getByRole("button", { name: "Clear search" }).click();
    await s.page.locator("#listing-body", { hasText: "alpha.txt" }).waitFor();
  });
});

contractTest("folder and selection download as zip files", async () => {
  await withUi({}, tree, async (s) => {
    await openUi(s, "/#/photos/");
    const [folderZip] = await Promise.all([
      s.page.waitForEvent("download"),
      s.page.getByRole("link", { name: "Download folder (zip)" }).click(),
    ]);
    assertEquals(folderZip.suggestedFilename(), "photos.zip");
    const bytes = await Deno.readFile(await folderZip.path());
    assertEquals([...bytes.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04]);
    await s.page.getByLabel("Select a.png").check();
    await s.page.getByLabel("Select notes.txt").check();
    const [selection] = await Promise.all([
      s.page.waitForEvent("download"),
      s.page.getByRole("button", { name: "Download as zip" }).click(),
    ]);
    // The names go in a form body (POST), not the URL.
    assertEquals(new URL(selection.url()).search, "?zip");
    const zip = await Deno.readFile(await selection.path());
    const text = new TextDecoder("latin1").decode(zip);
    assert(text.includes("a.png") && text.includes("notes.txt") && !text.includes("b.png"));
  });
});

/**
 * The page's side of search, with the server's answer as UI_CONTRACT.md §1 describes it
 * (emulated until ui-server's `?q=` is merged; the contract test above runs the real one).
 */
test("search shows the server's matches with their paths, opens them and clears", async () => {
  await withUi({}, tree, async (s) => {
    const asked: string[] = [];
    await s.page.route(/\/files\/\?q=/, async (route) => {
      const url = new URL(route.request().url());
      asked.push(url.search);
      const entry = (name: string) => ({
        name,
        type: "file",
        size: PNG.length,
        mtime: "2026-01-02T03:04:05Z",
        url: `/files/${name}`,
      });
      await route.fulfill({
        json: {
          path: "/",
          query: url.searchParams.get("q"),
          entries: [entry("photos/a.png"), entry("photos/b.png")],
          truncated: false,
        },
      });
    });
    await openUi(s);
    await s.page.getByLabel("Search below this folder").fill("PNG");
    await s.page.getByRole("button", { name: "Search" }).click();
    // Polled in the page rather than awaited as a navigation: waitForURL timed out here once in
    // CI (not reproduced in 13 reruns, under load or not); a wrong hash still fails after 10 s.
    await s.page.waitForFunction(() => location.hash === "#/?search=PNG");
    await s.page.getByText("2 matches for “PNG” below Home.").waitFor();
    assertEquals(asked, ["?q=PNG&format=json"]);
    assertEquals(await listedNames(s.page), ["photos/a.png", "photos/b.png"]);
    assertEquals(
      await s.page.getByRole("link", { name: "photos/b.png", exact: true }).getAttribute("href"),
      "/files/photos/b.png",
    );
    await s.page.getByRole("link", { name: "photos/b.png", exact: true }).click();
    await s.page.locator("#preview-dialog").getByRole("img", { name: "photos/b.png" }).waitFor();
    await s.page.keyboard.press("Escape");
    assert(await s.page.getByRole("button", { name: "Download as zip" }).isHidden());
    await s.page.getByRole("button", { name: "Clear search" }).click();
    await s.page.locator("#listing-body", { hasText: "alpha.txt" }).waitFor();
    assertEquals(new URL(s.page.url()).hash, "#/");
  });
});

test("the folder zip link and the selection zip ask for the contract's URLs", async () => {
  await withUi({}, tree, async (s) => {
    await openUi(s, "/#/photos/");
    await s.page.locator("#listing-body", { hasText: "a.png" }).waitFor();
    const [folderZip] = await Promise.all([
      s.page.waitForEvent("download"),
      s.page.getByRole("link", { name: "Download folder (zip)" }).click(),
    ]);
    assertEquals(folderZip.suggestedFilename(), "photos.zip");
    await s.page.getByLabel("Select a.png").check();
    await s.page.getByLabel("Select notes.txt").check();
    const [selection] = await Promise.all([
      s.page.waitForEvent("download"),
      s.page.getByRole("button", { name: "Download as zip" }).click(),
    ]);
    const path = (u: string) => new URL(u).pathname + new URL(u).search;
    assertEquals([path(folderZip.url()), path(selection.url())], [
      "/files/photos/?zip",
      "/files/photos/?zip", // POST, with name=a.png&name=notes.txt in the body
    ]);
    await folderZip.cancel();
    await selection.cancel();
  });
});

test("a selection of 600 files downloads as one zip of 600 entries (names posted, not in the URL)", async () => {
  const COUNT = 600; // in a URL, ~36-byte names pass the server's 8 KiB request line at ~230
  await withUi({}, async (dir) => {
    await Deno.mkdir(`${dir}/big`);
    for (let i = 0; i < COUNT; i++) {
      const name = `holiday photo ${String(i).padStart(4, "0")} (edited).txt`;
      await Deno.writeTextFile(`${dir}/big/${name}`, `file ${i}\n`);
    }
  }, async (s) => {
    await openUi(s, "/#/big/");
    await s.page.locator("#listing-body tr").nth(COUNT - 1).waitFor({ state: "attached" });
    await s.page.locator("#select-all").check();
    const [selection] = await Promise.all([
      s.page.waitForEvent("download"),
      s.page.getByRole("button", { name: "Download as zip" }).click(),
    ]);
    assertEquals(await selection.failure(), null);
    assertEquals(selection.suggestedFilename(), "big.zip");
    const list = await new Deno.Command("unzip", { args: ["-Z1", await selection.path()] })
      .output();
    const names = new TextDecoder().decode(list.stdout).split("\n").filter((l) => l !== "");
    assertEquals(names.length, COUNT);
    assert(await s.page.locator("#listing-error").isHidden());
  });
});

test("a selection zip the server refuses says why on the page", async () => {
  await withUi({}, tree, async (s) => {
    await openUi(s, "/#/photos/");
    await s.page.getByLabel("Select a.png").check();
    await Deno.remove(`${s.dir}/photos/a.png`); // gone since the listing: the zip is a 404
    await s.page.getByRole("button", { name: "Download as zip" }).click();
    await s.page.getByText(/Could not download the selection: 404 Not Found/).waitFor();
  });
});

test("a big folder is filtered once typing pauses and keeps its drawn rows", async () => {
  const BIG = 600; // above the page's FILTER_DEBOUNCE_FROM_ENTRIES (500)
  await withUi({}, async (dir) => {
    for (let i = 0; i < BIG; i++) {
      await Deno.writeTextFile(`${dir}/item-${String(i).padStart(3, "0")}.txt`, "");
    }
  }, async (s) => {
    await openUi(s);
    await s.page.locator("#listing-body tr").nth(BIG - 1).waitFor({ state: "attached" });
    // Mark a row element; after narrowing and widening again it must be the same element.
    await s.page.evaluate(`document.querySelector('[data-name="item-599.txt"]').marked = true`);
    await s.page.getByLabel("Filter this folder").pressSequentially("item-59");
    await s.page.locator("#listing-body tr").nth(10).waitFor({ state: "detached" });
    assertEquals((await listedNames(s.page)).length, 10);
    await s.page.getByLabel("Filter this folder").fill("");
    await s.page.locator("#listing-body tr").nth(BIG - 1).waitFor({ state: "attached" });
    assertEquals(
      await s.page.evaluate(`document.querySelector('[data-name="item-599.txt"]').marked`),
      true,
    );
  });
});
