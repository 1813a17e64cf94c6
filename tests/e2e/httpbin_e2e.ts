/**
 * httpbin routes in Chromium: every sample image decodes (32×32) whether asked by kind or
 * negotiated by the browser's own Accept, the `/forms/post` form submits to `/post`, and
 * `/cookies/set` leaves an HttpOnly cookie the browser sends back to `/cookies`, and Chromium
 * answers `/digest-auth` challenges with MD5 and SHA-256.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { uiTest, withUi } from "./browser.ts";

/** Runs in the page (a string: the test is type-checked without the DOM's types). */
const IMAGE_SIZES =
  `Promise.all(["/image/png", "/image/jpeg", "/image/webp", "/image/svg", "/image"]
  .map((src) => new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve(src + " " + img.naturalWidth + "x" + img.naturalHeight);
    img.onerror = () => resolve(src + " failed");
    img.src = src;
  })))`;

uiTest("httpbin images decode, the form posts and cookies round-trip in Chromium", async () => {
  await withUi({}, async () => {}, async (s) => {
    await s.page.goto(`${s.origin}/html`);
    assertEquals(await s.page.locator("h1").textContent(), "Herman Melville - Moby-Dick");
    assertEquals(await s.page.evaluate(IMAGE_SIZES), [
      "/image/png 32x32",
      "/image/jpeg 32x32",
      "/image/webp 32x32",
      "/image/svg 32x32",
      "/image 32x32",
    ]);

    await s.page.goto(`${s.origin}/forms/post`);
    await s.page.getByLabel("Customer name:").fill("Ada");
    await s.page.getByLabel("Medium").check();
    await s.page.getByLabel("Extra Cheese").check();
    await s.page.getByLabel("Onion").check();
    await Promise.all([s.page.waitForURL(/\/post$/), s.page.getByText("Submit order").click()]);
    const posted = JSON.parse(await s.page.locator("body").innerText());
    assertEquals(posted.form.custname, ["Ada"]);
    assertEquals(posted.form.size, ["medium"]);
    assertEquals(posted.form.topping, ["cheese", "onion"]);

    await s.page.goto(`${s.origin}/cookies/set?flavour=oatmeal`);
    assert(s.page.url().endsWith("/cookies"), s.page.url());
    assertEquals(JSON.parse(await s.page.locator("body").innerText()), {
      cookies: { flavour: "oatmeal" },
    });
    const jar = await s.context.cookies();
    assertEquals(jar.map((c) => [c.name, c.value, c.httpOnly, c.path]), [
      ["flavour", "oatmeal", true, "/"],
    ]);
    await s.page.goto(`${s.origin}/cookies/delete?flavour`);
    assertEquals(JSON.parse(await s.page.locator("body").innerText()), { cookies: {} });
    assertEquals(await s.context.cookies(), []);
    // Digest auth as the browser does it: it answers the challenge with the context's credentials.
    await s.context.setHTTPCredentials({ username: "zoe", password: "pw" });
    for (const algorithm of ["MD5", "SHA-256"]) {
      const res = await s.page.goto(`${s.origin}/digest-auth/auth/zoe/pw/${algorithm}`);
      assertEquals(res?.status(), 200, algorithm);
      assertEquals(JSON.parse(await s.page.locator("body").innerText()).user, "zoe");
    }
    // The pages have no favicon: Chromium logs its 404 as a console error; nothing else may fail.
    assertEquals(s.pageErrors.filter((e) => !e.startsWith("Failed to load resource")), []);
  });
});

/** Runs in the page: a WebSocket round trip of text and binary, then the close code. */
const WEBSOCKET_ROUND_TRIP = (url: string) =>
  `new Promise((resolve) => {
    const ws = new WebSocket(${JSON.stringify(url)});
    ws.binaryType = "arraybuffer";
    const got = [];
    ws.onopen = () => { ws.send("héllo ✓"); ws.send(new Uint8Array(200000).fill(7)); };
    ws.onmessage = (e) => {
      got.push(typeof e.data === "string" ? e.data : e.data.byteLength);
      if (got.length === 2) ws.close(1000, "done");
    };
    ws.onclose = (e) => resolve({ got, code: e.code, clean: e.wasClean });
    ws.onerror = () => resolve({ got, error: true });
  })`;

uiTest(
  "Chromium opens /websocket/echo and gets text and binary back, then a clean close",
  async () => {
    await withUi({}, async () => {}, async (s) => {
      // A page of the server's own origin (Chromium blocks about:blank from reaching loopback).
      await s.page.goto(`${s.origin}/echo/page`);
      const url = `${s.origin.replace("http:", "ws:")}/websocket/echo`;
      assertEquals(await s.page.evaluate(WEBSOCKET_ROUND_TRIP(url)), {
        got: ["héllo ✓", 200000],
        code: 1000,
        clean: true,
      });
    });
  },
);
