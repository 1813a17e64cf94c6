/** Redirect chains and /redirect-to's local-only rule, with a table of hostile targets. */

import { appConfig } from "../../src/app/app_config.ts";
import { localRedirectTarget, MAX_REDIRECT_HOPS } from "../../src/httpbin/redirect.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { createRouter } from "../../src/app/router.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { bodyText, buildRequest, header } from "../support/request_builder.ts";

const app = createRouter(httpbinRoutes(appConfig()));
const open = createRouter(httpbinRoutes(appConfig({ allowExternalRedirects: true })));
const call = (target: string, headers: Array<[string, string]> = [["Host", "me.test:8080"]]) =>
  app(buildRequest({ target, headers }));

Deno.test("/redirect/<n> answers 302 to /relative-redirect/<n-1> and finally to /get", async () => {
  const three = await call("/redirect/3");
  assertEquals([three.status, header(three, "location")], [302, "/relative-redirect/2"]);
  assertEquals(header(await call("/redirect/100"), "location"), "/relative-redirect/99");
  assertEquals(header(await call("/redirect/1"), "location"), "/get");
});

Deno.test("/redirect/<n>?absolute=true (any case) continues as /absolute-redirect", async () => {
  for (const flag of ["true", "TRUE", "True"]) {
    assertEquals(
      header(await call(`/redirect/2?absolute=${flag}`), "location"),
      "http://me.test:8080/absolute-redirect/1",
      flag,
    );
  }
  assertEquals(
    header(await call("/redirect/1?absolute=true"), "location"),
    "http://me.test:8080/get",
  );
  for (const flag of ["t", "1", "yes"]) {
    assertEquals(
      header(await call(`/redirect/3?absolute=${flag}`), "location"),
      "/relative-redirect/2",
    );
  }
});

Deno.test("/absolute-redirect uses the Host", async () => {
  assertEquals(
    header(await call("/absolute-redirect/2"), "location"),
    "http://me.test:8080/absolute-redirect/1",
  );
  assertEquals(header(await call("/relative-redirect/2"), "location"), "/relative-redirect/1");
});

Deno.test("/absolute-redirect refuses a Host that is not a host name", async () => {
  const res = await call("/absolute-redirect/1", [["Host", "evil.test/x?"]]);
  assertEquals(res.status, 400);
});

Deno.test("/absolute-redirect takes an absolute-form target's authority as the host", async () => {
  // RFC 9112 §3.2.2: the target's authority is the host; the Host field is ignored.
  const res = await call("http://other.example:81/absolute-redirect/1", [["Host", "x"]]);
  assertEquals(header(res, "location"), "http://other.example:81/get");
});

Deno.test("/absolute-redirect accepts unreserved characters in the host, `_` too, and no others", async () => {
  for (const host of ["my_service:8000", "a~b.test", "[::1]:8000", "10.0.0.1"]) {
    const res = await call("/absolute-redirect/1", [["Host", host]]);
    assertEquals([host, res.status, header(res, "location")], [host, 302, `http://${host}/get`]);
  }
  // Still refused: what the protocol's Host check lets through (pct-encoded, sub-delims) and worse.
  const hostile = ["a@evil.test", "evil.test%2f", "a!b", "a$b", "a&b", "a'b", "a(b)", "a*b", "a+b"];
  hostile.push("a,b", "a;b", "a=b", "a\\b", "a/b", "a?b", "a#b", "a b", "a:b:1", "[::1]x");
  for (const host of hostile) {
    const res = await call("/absolute-redirect/1", [["Host", host]]);
    assertEquals([host, res.status], [host, 400]);
  }
});

Deno.test("/redirect/<n> refuses 0, non-digits and more than MAX_REDIRECT_HOPS", async () => {
  for (const n of ["0", "x", "-1", String(MAX_REDIRECT_HOPS + 1)]) {
    assertEquals((await call(`/redirect/${n}`)).status, 400, n);
  }
  assertEquals((await call(`/redirect/${MAX_REDIRECT_HOPS}`)).status, 302);
});

Deno.test("the redirect chains answer 404 for a missing or an extra path segment", async () => {
  for (
    const target of [
      "/redirect/10/foo",
      "/redirect/",
      "/relative-redirect/2/x",
      "/absolute-redirect/2/",
    ]
  ) {
    assertEquals((await call(target)).status, 404, target);
  }
});

Deno.test("/redirect-to sends a local target with the chosen 3xx", async () => {
  const res = await call("/redirect-to?url=%2Fget%3Fa%3D1&status_code=307");
  assertEquals([res.status, header(res, "location")], [307, "/get?a=1"]);
  assertEquals((await call("/redirect-to?url=/x")).status, 302);
});

Deno.test("/redirect-to refuses a status outside 300-399 and a missing url", async () => {
  assertEquals((await call("/redirect-to?url=/x&status_code=200")).status, 400);
  assertEquals((await call("/redirect-to?url=/x&status_code=abc")).status, 400);
  assertEquals((await call("/redirect-to")).status, 400);
});

Deno.test("/redirect-to answers 403 with go-httpbin's plain-text warning for a refused url", async () => {
  const res = await call("/redirect-to?url=http%3A%2F%2Fevil.com&status_code=200");
  assertEquals([res.status, header(res, "content-type"), header(res, "location")], [
    403,
    "text/plain",
    undefined,
  ]);
  const text = await bodyText(res.body);
  assert(text.startsWith("Forbidden redirect URL. Please be careful with this link.\n"), text);
});

/** [url as decoded from the query, why it must be refused]. */
const HOSTILE: Array<[string, string]> = [
  ["//evil.com", "a network-path reference"],
  ["///evil.com", "three slashes"],
  ["http://evil.com", "an absolute URL"],
  ["HTTPS://evil.com", "an upper-case scheme"],
  ["/\\evil.com", "slash backslash (WHATWG reads it as //)"],
  ["\\\\evil.com", "two backslashes"],
  ["/a\\b", "a backslash anywhere"],
  ["/\t/evil.com", "a TAB browsers strip"],
  ["/\n/evil.com", "a LF browsers strip"],
  ["\r\nSet-Cookie: x", "CR LF header injection"],
  [" //evil.com", "a leading space browsers trim"],
  ["\x00//evil.com", "a leading NUL browsers trim"],
  ["javascript:alert(1)", "a javascript: URL"],
  ["data:text/html,x", "a data: URL"],
  ["evil.com:80/x", "a colon in the first segment (a scheme)"],
];

/** Control characters: Go's URL parser refuses them, so go-httpbin answers 400, as we do. */
const UNPARSABLE = new Set(["/\t/evil.com", "/\n/evil.com", "\r\nSet-Cookie: x", "\x00//evil.com"]);

for (const [url, why] of HOSTILE) {
  Deno.test(`/redirect-to refuses ${why}`, async () => {
    assertEquals(localRedirectTarget(url), null);
    const res = await call(`/redirect-to?url=${encodeURIComponent(url)}`);
    assertEquals([res.status, header(res, "location")], [
      UNPARSABLE.has(url) ? 400 : 403,
      undefined,
    ]);
  });
}

/** Relative references: neither absolute nor starting with `/`, so go-httpbin answers 403. */
for (const url of ["status/200", "?x=1", "#top", "get"]) {
  Deno.test(`/redirect-to answers 403 for the relative reference ${JSON.stringify(url)}`, async () => {
    const res = await call(`/redirect-to?url=${encodeURIComponent(url)}`);
    assertEquals([res.status, header(res, "location")], [403, undefined]);
  });
}

const LOCAL: Array<[string, string]> = [
  ["/get", "/get"],
  ["/a:b", "/a:b"],
  ["/a b/é", "/a%20b/%C3%A9"],
  ["/%2F%2Fevil.com", "/%2F%2Fevil.com"],
];

for (const [url, location] of LOCAL) {
  Deno.test(`/redirect-to allows the local target ${JSON.stringify(url)}`, () => {
    assertEquals(localRedirectTarget(url), location);
  });
}

Deno.test("/redirect-to allows http(s) URLs only with allowExternalRedirects", async () => {
  const req = () => buildRequest({ target: "/redirect-to?url=https%3A%2F%2Fexample.com%2Fx" });
  assertEquals((await app(req())).status, 403);
  const res = await open(req());
  assertEquals([res.status, header(res, "location")], [302, "https://example.com/x"]);
  const js = await open(buildRequest({ target: "/redirect-to?url=javascript%3Aalert(1)" }));
  assertEquals(js.status, 403);
  const slash = await open(buildRequest({ target: "/redirect-to?url=https%3A%2F%5Cevil.com" }));
  assertEquals(slash.status, 403);
});

/** Characters RFC 3986 does not allow in a URI-reference, percent-encoded in the Location. */
const ENCODED: Array<[string, string]> = [
  ["/x%3C", "/x%3C"],
  ["/x%22", "/x%22"],
  ["/x%7B%7D", "/x%7B%7D"],
  ["/x%60", "/x%60"],
  ["/x%5E%7C", "/x%5E%7C"],
  ["/x%5B1%5D", "/x%5B1%5D"],
  ["/x%2541", "/x%41"],
  ["/a%3Fb%23c%23d", "/a?b#c%23d"],
];

for (const [query, location] of ENCODED) {
  Deno.test(`/redirect-to?url=${query} sends a valid URI-reference, ${location}`, async () => {
    const res = await call(`/redirect-to?url=${query}`);
    assertEquals([res.status, header(res, "location")], [302, location]);
  });
}

Deno.test("/redirect-to refuses a bare % in the url with 400, as Go's URL parser", async () => {
  for (const query of ["/x%25", "/x%25zz", "/x%254", "x%25"]) {
    const res = await call(`/redirect-to?url=${query}`);
    assertEquals(res.status, 400, query);
  }
  // A whole escape in the decoded url is kept as it is.
  assertEquals(header(await call("/redirect-to?url=/x%252F"), "location"), "/x%2F");
});

Deno.test("the redirect counts accept a leading + as Go's Atoi", async () => {
  assertEquals(header(await call("/redirect/+2"), "location"), "/relative-redirect/1");
  assertEquals(header(await call("/relative-redirect/+1"), "location"), "/get");
  assertEquals(
    header(await call("/absolute-redirect/+2"), "location"),
    "http://me.test:8080/absolute-redirect/1",
  );
  assertEquals((await call("/redirect-to?url=/x&status_code=%2B307")).status, 307);
  assertEquals((await call("/redirect/++1")).status, 400);
});

Deno.test("/absolute-redirect keeps the connection's scheme whatever X-Forwarded-Proto says", async () => {
  const res = await call("/absolute-redirect/1", [["Host", "me.test"], [
    "X-Forwarded-Proto",
    "https",
  ]]);
  assertEquals(header(res, "location"), "http://me.test/get");
});

/** Targets whose bytes are not UTF-8: kept as `%XX`, never turned into U+FFFD (`%EF%BF%BD`). */
const NOT_UTF8: Array<[string, string]> = [
  ["/%FF", "/%FF"],
  ["/a%C3%28", "/a%C3("],
  ["/x%3Fy%3D%FF", "/x?y=%FF"],
  ["/x?y=%FF", "/x?y=%FF"], // `?y=…` is the url's own query: Go reads the value `/x?y=\xFF`
  ["/%E2%82%AC%E2%82", "/%E2%82%AC%E2%82"], // a whole € and a cut-off one
  ["/caf%C3%A9", "/caf%C3%A9"],
];

for (const [query, location] of NOT_UTF8) {
  Deno.test(`/redirect-to?url=${query} keeps the target's bytes: ${location}`, async () => {
    const res = await call(`/redirect-to?url=${query}`);
    assertEquals([res.status, header(res, "location")], [302, location]);
  });
}

Deno.test("/redirect-to keeps its checks on a target with bytes that are not UTF-8", async () => {
  assertEquals((await call("/redirect-to?url=%2F%2F%FFevil.com")).status, 403);
  assertEquals((await call("/redirect-to?url=/%FF%5Cx")).status, 403);
  assertEquals((await call("/redirect-to?url=/%FF%0Ax")).status, 400);
  assertEquals((await call("/redirect-to?url=/%FF%25")).status, 400);
  assertEquals((await call("/redirect-to?url=%FF")).status, 403);
  // The url is still the first pair Go's ParseQuery keeps: a malformed one is left out.
  const second = await call("/redirect-to?url=%zz&url=/%FF");
  assertEquals([second.status, header(second, "location")], [302, "/%FF"]);
  const external = await open(
    buildRequest({ target: "/redirect-to?url=https%3A%2F%2Fa.test%2F%FF" }),
  );
  assertEquals([external.status, header(external, "location")], [302, "https://a.test/%FF"]);
});

Deno.test("a redirect with an empty body carries no Content-Type, as go-httpbin's", async () => {
  for (const target of ["/redirect-to?url=/get", "/redirect/2", "/relative-redirect/1"]) {
    const res = await call(target);
    assertEquals([res.status, header(res, "content-type")], [302, undefined], target);
  }
  // RFC 9110 §15.4.5: no representation metadata on a 304.
  const notModified = await call("/redirect-to?url=/get&status_code=304");
  assertEquals([notModified.status, header(notModified, "content-type")], [304, undefined]);
});
