/** /status and /response-headers without sockets. */

import { appConfig } from "../../src/app/app_config.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { MAX_RESPONSE_HEADERS, MAX_STATUS_CHOICES } from "../../src/httpbin/status.ts";
import { createRouter } from "../../src/app/router.ts";
import { reasonPhrase } from "../../src/http/status.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { bodyJson, bodyText, buildRequest, header } from "../support/request_builder.ts";

const app = createRouter(httpbinRoutes(appConfig()));
const call = (target: string, method = "GET") => app(buildRequest({ target, method }));

Deno.test("/status/<code> answers that code for any method", async () => {
  for (const code of [200, 201, 404, 500, 599]) {
    assertEquals((await call(`/status/${code}`, "POST")).status, code);
  }
});

Deno.test("/status adds go-httpbin's example fields for 3xx, 401 and 407", async () => {
  for (const code of [301, 302, 303, 305, 307]) {
    const res = await call(`/status/${code}`);
    assertEquals(header(res, "location"), "/redirect/1", String(code));
    assertEquals(await bodyText(res.body), "");
  }
  assertEquals(header(await call("/status/401"), "www-authenticate"), 'Basic realm="Fake Realm"');
  assertEquals(header(await call("/status/407"), "proxy-authenticate"), 'Basic realm="Fake Realm"');
  assertEquals(header(await call("/status/304"), "location"), undefined);
});

Deno.test("/status/300 and /status/308 point at /image/jpeg with go-httpbin's HTML", async () => {
  const multiple = await call("/status/300");
  assertEquals(header(multiple, "location"), "/image/jpeg");
  assertEquals(header(multiple, "content-type"), "text/plain; charset=utf-8");
  const text = await bodyText(multiple.body);
  assert(text.startsWith("<!doctype html>\n<head>\n<title>Multiple Choices</title>"), text);
  assert(text.includes('<li><a href="/image/svg">/image/svg</a></li>') && text.endsWith("</html>"));
  const permanent = await call("/status/308");
  assertEquals(header(permanent, "location"), "/image/jpeg");
  assert(
    (await bodyText(permanent.body)).includes(
      'Permanently redirected to <a href="/image/jpeg">/image/jpeg</a>',
    ),
  );
});

Deno.test("/status/402, 406 and 418 send go-httpbin's bodies exactly", async () => {
  const pay = await call("/status/402");
  assertEquals(await bodyText(pay.body), "Fuck you, pay me!");
  assertEquals(header(pay, "x-more-info"), "http://vimeo.com/22053820");
  const teapot = await call("/status/418");
  assertEquals(await bodyText(teapot.body), "I'm a teapot!");
  assertEquals(header(teapot, "x-more-info"), "http://tools.ietf.org/html/rfc2324");
  assertEquals(header(teapot, "content-type"), "text/plain; charset=utf-8");
  const notAcceptable = await call("/status/406");
  assertEquals(header(notAcceptable, "content-type"), "application/json; charset=utf-8");
  assertEquals(await bodyJson(notAcceptable.body), {
    message: "Client did not request a supported media type",
    accept: ["image/webp", "image/svg+xml", "image/jpeg", "image/png", "image/"],
  });
});

Deno.test("/status answers 404 for a missing or an extra path segment", async () => {
  for (const target of ["/status/", "/status/200/foo", "/status/200/"]) {
    assertEquals((await call(target)).status, 404, target);
  }
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
  ["an empty code", "/status/200,"],
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

Deno.test("/response-headers keeps the JSON type for an empty Content-Type, as go-httpbin", async () => {
  const res = await call("/response-headers?Content-Type=&X-A=1");
  assertEquals(header(res, "content-type"), "application/json; charset=utf-8");
  assertEquals(await bodyJson(res.body), {
    "Content-Type": ["application/json; charset=utf-8"],
    "X-A": ["1"],
  });
});

Deno.test("/status accepts a leading + on a code, as go-httpbin's Atoi", async () => {
  assertEquals((await call("/status/+200")).status, 200);
  assertEquals((await call("/status/+201,+201:1")).status, 201);
  assertEquals((await call("/status/-200")).status, 400);
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
  ["too many fields", Array(MAX_RESPONSE_HEADERS + 1).fill("X-A=1").join("&")],
];

for (const [why, query] of BAD_FIELDS) {
  Deno.test(`/response-headers answers 400 for ${why}`, async () => {
    const res = await call(`/response-headers?${query}`);
    assertEquals(res.status, 400);
    assert(!res.headers!.some(([n]) => n.toLowerCase() === "set-cookie"));
  });
}

const XSS = "<img/src/onerror=alert('xss')>";
const XSS_ESCAPED = "&lt;img/src/onerror=alert(&#39;xss&#39;)&gt;";
/** Names must be tokens here (else 400), but `&` and `'` are tchars. */
const TOKEN_NAME = "X-A&B'C";
const TOKEN_NAME_ESCAPED = "X-A&amp;B&#39;C";

// go-httpbin's table (handlers_test.go, "escaping HTML content").
const ESCAPING: Array<[string, boolean]> = [
  ["application/json; charset=utf8", false],
  ["text/plain", false],
  ["application/octet-string", false],
  ["", false],
  ["application/xml", true],
  ["image/png", true],
  ["text/html; charset=utf8", true],
  ["text/html", true],
];

for (const [type, escaped] of ESCAPING) {
  Deno.test(
    `/response-headers ${escaped ? "HTML-escapes" : "keeps"} names and values under "${type}"`,
    async () => {
      const query = new URLSearchParams([["xss", XSS], [TOKEN_NAME, "xss"]]);
      if (type !== "") query.set("Content-Type", type);
      const res = await call(`/response-headers?${query}`);
      assertEquals(res.status, 200);
      assertEquals(header(res, "content-type"), type || "application/json; charset=utf-8");
      // The field itself goes out unescaped: it is not rendered.
      assertEquals(header(res, "xss"), XSS);
      const body = (await bodyJson(res.body)) as Record<string, string[]>;
      assertEquals(body["xss"], [escaped ? XSS_ESCAPED : XSS]);
      assertEquals(body[escaped ? TOKEN_NAME_ESCAPED : TOKEN_NAME], ["xss"]);
      assertEquals(body["Content-Type"].length, 1);
    },
  );
}

Deno.test("/status weights take .5, 5., +0.5, +1 and -0, as go-httpbin's ParseFloat", async () => {
  for (const list of ["200:.5,201:0", "200:5.,201:0", "200:+0.5,201:0", "200:+1,201:-0"]) {
    assertEquals((await call(`/status/${list}`)).status, 200, list);
  }
  for (const list of ["200:1e0,201:0", "200:inf,201:0", "200:0x1,201:0", "200:-0.5,201:1"]) {
    assertEquals((await call(`/status/${list}`)).status, 400, list);
  }
});

Deno.test("/status weights are real decimals, not thousandths", async () => {
  // Cut to thousandths, both weights were 0 ("every weight is zero").
  for (let i = 0; i < 20; i++) {
    const status = (await call("/status/200:0.0004,500:0.0006")).status;
    assert(status === 200 || status === 500, String(status));
  }
  assertEquals((await call("/status/200:0.0009,500:0")).status, 200);
});

Deno.test("/status/200:1, one code with a weight but no comma, is 400 as in go-httpbin", async () => {
  // go-httpbin reads weights only in a list; without a comma the path is one code.
  assertEquals((await call("/status/200:1")).status, 400);
  assertEquals((await call("/status/200:1,")).status, 400);
  assertEquals((await call("/status/200:1,201:0")).status, 200);
  assertEquals((await call("/status/%2B200")).status, 200);
});

Deno.test("/status/304 carries no Content-Type (RFC 9110 §15.4.5); other 3xx keep go-httpbin's", async () => {
  const notModified = await call("/status/304");
  assertEquals(notModified.status, 304);
  assertEquals(header(notModified, "content-type"), undefined);
  assertEquals(header(await call("/status/302"), "content-type"), "text/plain; charset=utf-8");
});

Deno.test("/status/208 and /status/226 carry their registered reason phrases", () => {
  // RFC 5842 §7.1 and RFC 3229 §10.4.1: the status line is written from this table.
  assertEquals(reasonPhrase(208), "Already Reported");
  assertEquals(reasonPhrase(226), "IM Used");
});
