/** The fixed sample documents: type, status and the content clients look for. */

import { appConfig } from "../../src/app/app_config.ts";
import { createRouter } from "../../src/app/router.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { bodyText, buildRequest, header } from "../support/request_builder.ts";

const app = createRouter(httpbinRoutes(appConfig()));
const get = (target: string) => app(buildRequest({ target }));

const DOCS: Array<[string, string, (text: string) => boolean]> = [
  [
    "/json",
    "application/json; charset=utf-8",
    (t) => JSON.parse(t).slideshow.title === "Sample Slide Show",
  ],
  ["/xml", "application/xml", (t) => t.startsWith("<?xml") && t.includes("<slideshow")],
  ["/html", "text/html; charset=utf-8", (t) => t.includes("<h1>Herman Melville - Moby-Dick</h1>")],
  [
    "/encoding/utf8",
    "text/html; charset=utf-8",
    // go-httpbin's TestUTF8 looks for this exact greeting.
    (t) =>
      t.includes("Hello world, Καλημέρα κόσμε, コンニチハ") && t.includes("𝄞") &&
      t.includes("中文"),
  ],
  [
    "/forms/post",
    "text/html; charset=utf-8",
    (t) => t.includes('action="/post"') && t.includes('name="custname"'),
  ],
  ["/robots.txt", "text/plain; charset=utf-8", (t) => t === "User-agent: *\nDisallow: /deny\n"],
  ["/deny", "text/plain; charset=utf-8", (t) => t === "YOU SHOULDN'T BE HERE"],
];

for (const [path, type, check] of DOCS) {
  Deno.test(`${path} answers 200 ${type} with its sample`, async () => {
    const res = await get(path);
    assertEquals(res.status, 200);
    assertEquals(header(res, "content-type"), type);
    assert(check(await bodyText(res.body)), "content");
  });
}

Deno.test("the sample documents answer HEAD, and POST except on the two GET-only pages", async () => {
  const head = await app(buildRequest({ method: "HEAD", target: "/json" }));
  assertEquals(head.status, 200);
  // go-httpbin routes /json, /xml, /html, /robots.txt and /deny for any method, but
  // /encoding/utf8 and /forms/post for GET only.
  for (const target of ["/json", "/xml", "/html", "/robots.txt", "/deny"]) {
    assertEquals((await app(buildRequest({ method: "POST", target }))).status, 200, target);
  }
  for (const target of ["/encoding/utf8", "/forms/post"]) {
    assertEquals((await app(buildRequest({ method: "POST", target }))).status, 405, target);
  }
});
