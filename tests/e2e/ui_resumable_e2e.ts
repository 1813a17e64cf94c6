/**
 * Resumable uploads in the web UI, in Chromium against the real server: a large file whose
 * connection is cut halfway (the page talks to the server through a proxy that drops every
 * connection after 12 MiB) completes after the page resumes on its own; and a paused upload,
 * after a reload, is offered again and resumes from the server's offset when the same file is
 * picked.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { startDroppingProxy } from "../support/dropping_proxy.ts";
import { axeProblems } from "./axe.ts";
import { randomBytes, uiTest, withUi } from "./browser.ts";
import { formatBytes } from "../../www/js/format.js";
import { fileToPick, job, removePicked, throttleUplink } from "./upload_helpers.ts";

const test = uiTest;

const MIB = 1024 * 1024;
const SIZE = 24 * MIB;

async function sameBytes(a: string, b: Uint8Array): Promise<boolean> {
  const got = await Deno.readFile(a);
  return got.length === b.length && got.every((x, i) => x === b[i]);
}

test("ui resumes a large upload whose connection was cut and completes it", async () => {
  const data = randomBytes(SIZE);
  await withUi({}, async () => {}, async (s) => {
    const source = await fileToPick("big.bin", data);
    const proxy = startDroppingProxy(s.server.port, 12 * MIB);
    const patches: string[] = [];
    let heads = 0;
    s.page.on("request", (r) => {
      if (r.method() === "PATCH") patches.push(r.headers()["upload-offset"]);
      if (r.method() === "HEAD") heads++;
    });
    let finalAtDrop: boolean | null = null;
    proxy.dropped.then(async () => {
      finalAtDrop = await Deno.lstat(`${s.dir}/big.bin`).then(() => true, () => false);
    });
    try {
      await s.page.goto(`http://127.0.0.1:${proxy.port}/`);
      await s.page.waitForSelector("body[data-ready=true]");
      await s.page.locator("#file-input").setInputFiles(source);
      const row = job(s.page, "big.bin");
      await row.and(s.page.locator("[data-state=done]")).waitFor({ timeout: 60_000 });
      await proxy.dropped;
    } finally {
      await proxy.close();
      await removePicked(source);
    }
    assertEquals(finalAtDrop, false);
    assert(await sameBytes(`${s.dir}/big.bin`, data), "the stored file differs");
    // The slice at 8 MiB was cut; the page asked the server for its offset and went on from
    // there: past 8 MiB, since the server kept what of the cut slice had arrived — all of it
    // (16 MiB) when the cut fell on the answer rather than the body, as it can on a busy machine.
    assert(heads >= 1, "the page never asked the server for its offset");
    const resumed = patches.map(Number).filter((o) => o > 8 * MIB && o <= 16 * MIB);
    assert(resumed.length === 1, patches.join(","));
    // Chromium may send a cut request again by itself on a fresh connection; the server answers
    // that stale PATCH 409 (its offset moved on) and the page goes on from the right offset.
    assertEquals(s.pageErrors.filter((e) => !e.includes("net::") && !e.includes("409")), []);
  });
});

test("ui pauses, and after a reload resumes the same file from the server's offset", async () => {
  const data = randomBytes(SIZE);
  await withUi({}, async () => {}, async (s) => {
    const source = await Deno.makeTempFile({ suffix: ".bin" });
    const name = source.slice(source.lastIndexOf("/") + 1);
    await Deno.writeFile(source, data);
    try {
      await s.page.goto(`${s.origin}/`);
      await s.page.waitForSelector("body[data-ready=true]");
      await throttleUplink(s.page, s.context, 8 * MIB);
      await s.page.locator("#file-input").setInputFiles(source);
      const row = job(s.page, name);
      // Polled from here: the page's CSP (script-src 'self') refuses waitForFunction's eval.
      const progress = row.locator("progress");
      for (let i = 0; i < 300 && Number(await progress.getAttribute("value")) < 40; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      await row.getByRole("button", { name: /^Pause upload/ }).click();
      await row.and(s.page.locator("[data-state=paused]")).waitFor();
      assertEquals(await Deno.lstat(`${s.dir}/${name}`).then(() => true, () => false), false);

      await s.page.reload();
      await s.page.waitForSelector("body[data-ready=true]");
      const offer = s.page.locator("#resume-offers li", { hasText: name });
      await offer.waitFor();
      // The offer says what the server holds, not the figure saved at the last whole slice:
      // the pause cut a slice, and the server kept what of it had arrived.
      const saved = await s.page.evaluate(
        `Object.values(JSON.parse(localStorage.getItem("wireserve.resumable")))[0]`,
      ) as { url: string; sent: number };
      const head = await fetch(saved.url, {
        method: "HEAD",
        headers: { "Tus-Resumable": "1.0.0" },
      });
      await head.body?.cancel();
      const held = Number(head.headers.get("upload-offset"));
      assert(held > saved.sent, `the server holds ${held}, the page saved ${saved.sent}`);
      await offer.filter({ hasText: `${formatBytes(held)} of ${formatBytes(SIZE)} sent` })
        .waitFor();
      const patches: string[] = [];
      s.page.on("request", (r) => {
        if (r.method() === "PATCH") patches.push(r.headers()["upload-offset"]);
      });
      await s.page.locator("#file-input").setInputFiles(source);
      await job(s.page, name).and(s.page.locator("[data-state=done]")).waitFor({ timeout: 60_000 });
      assert(Number(patches[0]) > 0, `resumed at ${patches[0]}`);
      assert(await sameBytes(`${s.dir}/${name}`, data), "the stored file differs");
      assertEquals(await s.page.locator("#resume-offers li").count(), 0);
    } finally {
      await Deno.remove(source).catch(() => {});
    }
  });
});

test("ui completes a resumable upload over a link that drops every other PATCH", async () => {
  const data = randomBytes(10 * MIB);
  await withUi({}, async () => {}, async (s) => {
    const source = await fileToPick("flaky.bin", data);
    // 1 MiB slices instead of 8, so a 10 MiB file meets ten drops: more than the back-off has
    // delays (RETRY_DELAYS_MS has eight), which a page that never started the back-off over
    // after progress gave up on, its waits grown to 30 s, though every retry went through.
    let rewritten = false;
    await s.page.route("**/js/resumable.js", async (route) => {
      const res = await route.fetch();
      const text = await res.text();
      const small = text.replace(
        "export const SLICE_BYTES = 8 * 1024 * 1024;",
        "export const SLICE_BYTES = 1024 * 1024;",
      );
      rewritten = small !== text;
      await route.fulfill({ response: res, body: small });
    });
    let patches = 0;
    let dropped = 0;
    await s.page.route("**/api/uploads/**", (route) => {
      if (route.request().method() !== "PATCH") return route.continue();
      if (patches++ % 2 === 0) {
        dropped++;
        return route.abort("connectionreset");
      }
      return route.continue();
    });
    try {
      await s.page.goto(`${s.origin}/`);
      await s.page.waitForSelector("body[data-ready=true]");
      assert(rewritten, "resumable.js no longer declares SLICE_BYTES as the test expects");
      await s.page.locator("#file-input").setInputFiles(source);
      const row = job(s.page, "flaky.bin");
      await row.and(s.page.locator("[data-state=done], [data-state=failed]")).waitFor({
        timeout: 90_000,
      });
      assertEquals(await row.getAttribute("data-state"), "done", await row.textContent() ?? "");
    } finally {
      await removePicked(source);
    }
    assert(dropped >= 10, `only ${dropped} PATCHes dropped`);
    assert(await sameBytes(`${s.dir}/flaky.bin`, data), "the stored file differs");
  });
});

test("ui forgets an unfinished upload on the server too and keeps focus in the panel", async () => {
  const data = randomBytes(SIZE);
  await withUi({}, async () => {}, async (s) => {
    const source = await fileToPick("left.bin", data);
    try {
      await s.page.goto(`${s.origin}/`);
      await s.page.waitForSelector("body[data-ready=true]");
      await throttleUplink(s.page, s.context, 8 * MIB);
      let uploadUrl = "";
      s.page.on("response", (r) => {
        if (r.request().method() === "POST" && r.status() === 201) {
          uploadUrl = new URL(r.headers()["location"], s.origin).href;
        }
      });
      await s.page.locator("#file-input").setInputFiles(source);
      const row = job(s.page, "left.bin");
      const progress = row.locator("progress");
      for (let i = 0; i < 300 && Number(await progress.getAttribute("value")) < 20; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      await row.getByRole("button", { name: /^Pause upload/ }).click();
      await row.and(s.page.locator("[data-state=paused]")).waitFor();
      assert(uploadUrl !== "", "no upload was created");
      await s.page.reload();
      await s.page.waitForSelector("body[data-ready=true]");
      const deletes: string[] = [];
      s.page.on("request", (r) => {
        if (r.method() === "DELETE") deletes.push(r.url());
      });
      const deleted = s.page.waitForResponse((r) => r.request().method() === "DELETE");
      await s.page.getByRole("button", { name: "Forget the unfinished upload of left.bin" })
        .click();
      assertEquals((await deleted).status(), 204);
      assertEquals(deletes, [uploadUrl]);
      assertEquals(await s.page.locator("#resume-offers li").count(), 0);
      // Focus stays in the panel, on what picks a file, rather than falling to the body.
      assertEquals(await s.page.evaluate("document.activeElement?.id"), "pick-files-button");
      const gone = await fetch(uploadUrl, {
        method: "HEAD",
        headers: { "Tus-Resumable": "1.0.0" },
      });
      await gone.body?.cancel();
      assertEquals(gone.status, 404);
    } finally {
      await removePicked(source);
    }
  });
});

test("ui shows a server error on a resumable creation and stops, then a retry by hand works", async () => {
  const data = randomBytes(9 * MIB);
  await withUi({}, async () => {}, async (s) => {
    // The state folder's place taken by a file: every creation answers 500 with a short text.
    const state = `${s.dir}/.wireserve-uploads`;
    await Deno.writeTextFile(state, "not a folder");
    const source = await fileToPick("refused.bin", data);
    const posts: number[] = [];
    s.page.on("response", (r) => {
      if (r.request().method() === "POST") posts.push(r.status());
    });
    try {
      await s.page.goto(`${s.origin}/`);
      await s.page.waitForSelector("body[data-ready=true]");
      await s.page.locator("#file-input").setInputFiles(source);
      const row = job(s.page, "refused.bin");
      await row.and(s.page.locator("[data-state=failed]")).waitFor();
      assertEquals(
        await row.locator(".job-status").textContent(),
        "The server answered 500 (Internal server error).",
      );
      // Past the first automatic retry's wait (RETRY_DELAYS_MS[0], 250 ms): none came.
      await new Promise((r) => setTimeout(r, 1000));
      assertEquals(posts, [500]);
      assertEquals(await row.getAttribute("data-state"), "failed");
      assertEquals(await axeProblems(s.page), []);

      await Deno.remove(state);
      await row.getByRole("button", { name: /^Retry upload/ }).click();
      await row.and(s.page.locator("[data-state=done]")).waitFor({ timeout: 60_000 });
      assertEquals(posts, [500, 201]);
      assert(await sameBytes(`${s.dir}/refused.bin`, data), "the stored file differs");
    } finally {
      await removePicked(source);
    }
  });
});

test("ui waits out a 503 on a resumable creation as its Retry-After asks, then goes on", async () => {
  const data = randomBytes(9 * MIB);
  await withUi({}, async () => {}, async (s) => {
    const source = await fileToPick("busy.bin", data);
    let posts = 0;
    await s.page.route("**/files/", (route) => {
      if (route.request().method() !== "POST" || posts++ > 0) return route.continue();
      return route.fulfill({
        status: 503,
        headers: { "Retry-After": "2", "Content-Type": "text/plain" },
        body: "Busy",
      });
    });
    try {
      await s.page.goto(`${s.origin}/`);
      await s.page.waitForSelector("body[data-ready=true]");
      await s.page.locator("#file-input").setInputFiles(source);
      const row = job(s.page, "busy.bin");
      await row.and(s.page.locator("[data-state=waiting]")).waitFor();
      assertEquals(
        await row.locator(".job-status").textContent(),
        "The server answered 503; trying again in 2 s…",
      );
      await row.and(s.page.locator("[data-state=done]")).waitFor({ timeout: 60_000 });
      assertEquals(posts, 2);
      assert(await sameBytes(`${s.dir}/busy.bin`, data), "the stored file differs");
    } finally {
      await removePicked(source);
    }
  });
});

test("ui stops a resumable creation's 409 at once and says why (--no-overwrite)", async () => {
  const data = randomBytes(9 * MIB);
  await withUi({ noOverwrite: true }, async (dir) => {
    await Deno.writeTextFile(`${dir}/kept.bin`, "the file already here");
  }, async (s) => {
    const source = await fileToPick("kept.bin", data);
    const posts: number[] = [];
    s.page.on("response", (r) => {
      if (r.request().method() === "POST") posts.push(r.status());
    });
    try {
      await s.page.goto(`${s.origin}/`);
      await s.page.waitForSelector("body[data-ready=true]");
      await s.page.locator("#file-input").setInputFiles(source);
      const row = job(s.page, "kept.bin");
      // No "trying again in …" wait first: the row fails straight from "sending".
      await row.and(s.page.locator("[data-state=failed], [data-state=waiting]")).waitFor();
      assertEquals(await row.getAttribute("data-state"), "failed");
      assert(
        (await row.locator(".job-status").textContent())?.startsWith("Cannot store it: "),
        await row.textContent() ?? "",
      );
      // Past the first automatic retry's wait (RETRY_DELAYS_MS[0], 250 ms): none came.
      await new Promise((r) => setTimeout(r, 1000));
      assertEquals(posts, [409]);
      assertEquals(await row.getAttribute("data-state"), "failed");
      // Trying again fails the same way: no Retry offered.
      assertEquals(await row.getByRole("button", { name: /^Retry upload/ }).isVisible(), false);
      assertEquals(await Deno.readTextFile(`${s.dir}/kept.bin`), "the file already here");
    } finally {
      await removePicked(source);
    }
  });
});

test("ui stops a resumable creation a WebDAV lock refuses, and a retry by hand works after it", async () => {
  const data = randomBytes(9 * MIB);
  await withUi({}, async () => {}, async (s) => {
    const lockinfo = '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope>' +
      "<D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>";
    const locked = await fetch(`${s.origin}/files/held.bin`, {
      method: "LOCK",
      headers: { Depth: "0", "Content-Type": "application/xml" },
      body: lockinfo,
    });
    await locked.body?.cancel();
    assert(locked.ok, `LOCK answered ${locked.status}`);
    const token = locked.headers.get("lock-token") ?? "";
    const source = await fileToPick("held.bin", data);
    const posts: number[] = [];
    s.page.on("response", (r) => {
      if (r.request().method() === "POST") posts.push(r.status());
    });
    try {
      await s.page.goto(`${s.origin}/`);
      await s.page.waitForSelector("body[data-ready=true]");
      // The LOCK made held.bin (empty, RFC 4918 §7.3): the upload is to replace it.
      await s.page.locator("#overwrite").check();
      await s.page.locator("#file-input").setInputFiles(source);
      const row = job(s.page, "held.bin");
      await row.and(s.page.locator("[data-state=failed], [data-state=waiting]")).waitFor();
      assertEquals(await row.getAttribute("data-state"), "failed");
      assert(
        (await row.locator(".job-status").textContent())?.startsWith("Locked: "),
        await row.textContent() ?? "",
      );
      await new Promise((r) => setTimeout(r, 1000));
      assertEquals(posts, [423]);

      const unlocked = await fetch(`${s.origin}/files/held.bin`, {
        method: "UNLOCK",
        headers: { "Lock-Token": token },
      });
      await unlocked.body?.cancel();
      assertEquals(unlocked.status, 204);
      await row.getByRole("button", { name: /^Retry upload/ }).click();
      await row.and(s.page.locator("[data-state=done]")).waitFor({ timeout: 60_000 });
      assertEquals(posts, [423, 201]);
      assert(await sameBytes(`${s.dir}/held.bin`, data), "the stored file differs");
    } finally {
      await removePicked(source);
    }
  });
});
