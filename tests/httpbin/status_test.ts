/** /status and /response-headers without sockets. */

import { appConfig } from "../../src/app/app_config.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { MAX_RESPONSE_HEADERS, MAX_STATUS_CHOICES } from "../../src/httpbin/status.ts";
import { createRouter } from "../../src/app/router.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { bodyJson, bodyText, buildRequest, header } from "../support/request_builder.ts";

const app = createRouter(httpbinRoutes(appConfig()));
const call = (target: string, method = "GET") => app(buildRequest({ target, method }));

Deno.test("/status/<code> answers that code for any method", async () => {
  for (const code of [200, 201, 404, 500, 599]) {
    assertEquals((await call(`/status/${code}`, "POST")).status, code);
  }
});

Deno.test("/status adds go-httpbin's example fields for 3xx, 401 and 418", async () => {
  assertEquals(header(await call("/status/302"), "location"), "/redirect/1");
  assertEquals(header(await call("/status/401"), "www-authenticate"), 'Basic realm="Fake Realm"');
  assertEquals(await bodyText((await call("/status/418")).body), "I'm a teapot\n");
});

Deno.test("/status picks only among the listed codes", async () => {
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) seen.add((await call("/status/200,404,503")).status);
  assertEquals([...seen].sort(), [200, 404, 503]);
});

Deno.test("/status never picks a code of weight zero", async () => {
  for (let i = 0; i < 100; i++) assertEquals((await call("/status/200:0,500:1")).status, 500);
});

const BAD = [
  ["a 1xx code (interim, the client would hang)", "/status/100"],
  ["a code under 100", "/status/42"],
  ["a code over 599", "/status/600"],
  ["a non-numeric code", "/status/abc"],
  ["an empty list", "/status/"],
  ["a malformed weight", "/status/200:x"],
  ["all weights zero", "/status/200:0,500:0"],
  ["too many codes", `/status/${Array(MAX_STATUS_CHOICES + 1).fill(200).join(",")}`],
];

for (const [why, target] of BAD) {
  Deno.test(`/status answers 400 for ${why}`, async () => {
    const res = await call(target);
    assertEquals(res.status, 400);
    assertEquals(((await bodyJson(res.body)) as { status_code: number }).status_code, 400);
  });
}

Deno.test("/status accepts exactly MAX_STATUS_CHOICES codes", async () => {
  assertEquals(
    (await call(`/status/${Array(MAX_STATUS_CHOICES).fill(204).join(",")}`)).status,
    204,
  );
});

Deno.test("/response-headers sets repeated fields and lists them in the body", async () => {
  const res = await call("/response-headers?X-A=1&X-A=2&Content-Type=text%2Fx-test");
  assertEquals(res.status, 200);
  const fields = res.headers!.filter(([n]) => n === "X-A").map(([, v]) => v);
  assertEquals(fields, ["1", "2"]);
  assertEquals(header(res, "content-type"), "text/x-test");
  assertEquals(await bodyJson(res.body), { "Content-Type": ["text/x-test"], "X-A": ["1", "2"] });
});

Deno.test("/response-headers sends a UTF-8 value as its bytes", async () => {
  const res = await call("/response-headers?X-U=%C3%A9");
  assertEquals(header(res, "x-u"), "\u00c3\u00a9");
});

const BAD_FIELDS = [
  ["CR LF in a value (response splitting)", "X-A=a%0d%0aSet-Cookie:%20x"],
  ["a leading LF that trim() would hide", "X-A=%0aSet-Cookie:%20x"],
  ["NUL in a value", "X-A=a%00b"],
  ["a name that is not a token", "X%20A=1"],
  ["a name with a colon", "X-A%3A=1"],
  ["Content-Length, owned by the writer", "Content-Length=5"],
  ["Transfer-Encoding, owned by the writer", "transfer-encoding=chunked"],
  ["invalid percent-encoding", "X-A=%zz"],
  ["too many fields", Array(MAX_RESPONSE_HEADERS + 1).fill("X-A=1").join("&")],
];

for (const [why, query] of BAD_FIELDS) {
  Deno.test(`/response-headers answers 400 for ${why}`, async () => {
    const res = await call(`/response-headers?${query}`);
    assertEquals(res.status, 400);
    assert(!res.headers!.some(([n]) => n.toLowerCase() === "set-cookie"));
  });
}
