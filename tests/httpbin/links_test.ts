/** `/links/<n>[/<offset>]`. */

import { appConfig } from "../../src/app/app_config.ts";
import { createRouter } from "../../src/app/router.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { MAX_LINKS } from "../../src/httpbin/links.ts";
import { assertEquals } from "../support/assert.ts";
import { bodyText, buildRequest, header } from "../support/request_builder.ts";

const app = createRouter(httpbinRoutes(appConfig()));
const get = (target: string) => app(buildRequest({ target }));

Deno.test("/links/<n> redirects 302 to /links/<n>/0", async () => {
  const res = await get("/links/3");
  assertEquals(res.status, 302);
  assertEquals(header(res, "location"), "/links/3/0");
});

Deno.test("/links/<n> keeps the query in the Location, as go-httpbin", async () => {
  assertEquals(header(await get("/links/3?x=1&y=%20"), "location"), "/links/3/0?x=1&y=%20");
});

Deno.test("/links/<n>/<offset> with an offset that is no page's links every page", async () => {
  const all = '<html><head><title>Links</title></head><body><a href="/links/2/0">0</a> ' +
    '<a href="/links/2/1">1</a> </body></html>';
  for (const offset of ["-1", "2", "10"]) {
    const res = await get(`/links/2/${offset}`);
    assertEquals([res.status, await bodyText(res.body)], [200, all], offset);
  }
});

Deno.test("/links/<n>/<offset> lists n links, the current page as plain text", async () => {
  const res = await get("/links/3/1");
  assertEquals(res.status, 200);
  assertEquals(header(res, "content-type"), "text/html; charset=utf-8");
  assertEquals(
    await bodyText(res.body),
    '<html><head><title>Links</title></head><body><a href="/links/3/0">0</a> 1 ' +
      '<a href="/links/3/2">2</a> </body></html>',
  );
});

Deno.test("/links takes up to MAX_LINKS and refuses more, non-digits and extra segments", async () => {
  assertEquals((await get(`/links/${MAX_LINKS}/0`)).status, 200);
  for (
    const t of [`/links/${MAX_LINKS + 1}`, "/links/x", "/links/-1", "/links/2/x", "/links/2/0/1"]
  ) {
    assertEquals((await get(t)).status, 400, t);
  }
});
