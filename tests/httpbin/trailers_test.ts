/** `/trailers` without sockets: the Trailer field, the trailer lines, and what is refused. */

import { appConfig } from "../../src/app/app_config.ts";
import { createRouter } from "../../src/app/router.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { bodyJson, buildRequest, header } from "../support/request_builder.ts";

const app = createRouter(httpbinRoutes(appConfig()));
const call = async (target: string, method = "GET") => await app(buildRequest({ method, target }));

Deno.test("/trailers announces the canonical names and sends them after an unsized body, a repeated one once with its last value", async () => {
  const res = await call("/trailers?x-foo=bar&x-foo=baz&etag=%221%22", "POST");
  assertEquals(res.status, 200);
  assertEquals(header(res, "trailer"), "X-Foo, Etag");
  const body = res.body;
  assert(typeof body === "object" && body !== null && "kind" in body && body.kind === "stream");
  assertEquals(body.length, undefined); // chunked: the only framing with trailers
  // go-httpbin sets each value in turn (Header().Set): `x-foo=bar&x-foo=baz` sends X-Foo: baz.
  assertEquals(body.trailers?.(), [["X-Foo", "baz"], ["Etag", '"1"']]);
  assertEquals(((await bodyJson(res.body)) as { method: string }).method, "POST");
});

Deno.test("/trailers without a query sends no Trailer field", async () => {
  const res = await call("/trailers");
  assertEquals(header(res, "trailer"), undefined);
});

for (
  const [name, target] of [
    ["a forbidden field", "/trailers?Content-Length=1"],
    ["another forbidden field", "/trailers?set-cookie=a"],
    ["a field the writer owns (it would be announced, never sent)", "/trailers?Date=x"],
    ["the other field the writer owns", "/trailers?server=x"],
    ["a name that is not a token", "/trailers?a%20b=1"],
    ["a value with CR LF", "/trailers?a=1%0D%0AX:%201"],
    ["a non-ASCII value", "/trailers?a=%C3%A9"],
    ["too many fields", `/trailers?${Array.from({ length: 51 }, (_, i) => `x${i}=1`).join("&")}`],
  ]
) {
  Deno.test(`/trailers answers 400 to ${name}`, async () => {
    assertEquals((await call(target)).status, 400);
  });
}

Deno.test("/trailers announces no Trailer to HTTP/1.0, which cannot carry a trailer section", async () => {
  const res = await app(buildRequest({ target: "/trailers?x-foo=bar", version: "HTTP/1.0" }));
  assertEquals(res.status, 200);
  assertEquals(header(res, "trailer"), undefined);
});
