/** `/cookies`, `/cookies/set`, `/cookies/delete` without sockets. */

import { appConfig } from "../../src/app/app_config.ts";
import { createRouter } from "../../src/app/router.ts";
import { MAX_COOKIES_PER_REQUEST } from "../../src/httpbin/cookies.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { assertEquals } from "../support/assert.ts";
import { bodyJson, buildRequest, header } from "../support/request_builder.ts";

const app = createRouter(httpbinRoutes(appConfig()));
const call = (target: string, headers: Array<[string, string]> = [], tls = false) =>
  app(buildRequest({ target, headers: [["Host", "t"], ...headers], connection: { tls } }));
const setCookies = (res: { headers?: Array<[string, string]> }) =>
  (res.headers ?? []).filter(([n]) => n === "Set-Cookie").map(([, v]) => v);

Deno.test("/cookies lists the Cookie fields' pairs, unquoted, last one winning", async () => {
  const res = await call("/cookies", [["Cookie", 'a=1; b="two"; c='], ["Cookie", "a=3;junk"]]);
  assertEquals(res.status, 200);
  assertEquals(await bodyJson(res.body), { cookies: { a: "3", b: "two", c: "" } });
});

Deno.test("/cookies takes SP and HTAB around a name and value off, never a no-break space", async () => {
  // RFC 6265 §5.2: WSP (SP, HTAB) only; a NBSP (0xA0) is part of the name or value.
  // The NBSP stays part of the name and value (shown as U+FFFD: a lone 0xA0 is no UTF-8, and
  // go-httpbin's JSON shows it so).
  const res = await call("/cookies", [["Cookie", "a =\t1 ;\xA0b=2; c=3\xA0"]]);
  assertEquals(await bodyJson(res.body), { cookies: { a: "1", "\uFFFDb": "2", c: "3\uFFFD" } });
});

Deno.test("/cookies answers an empty object when no cookie is sent", async () => {
  assertEquals(await bodyJson((await call("/cookies")).body), { cookies: {} });
});

Deno.test("/cookies/set sets each pair with Path=/ and HttpOnly and redirects 302 to /cookies", async () => {
  const res = await call("/cookies/set?a=1&b=two+words&c=x%2Cy");
  assertEquals(res.status, 302);
  assertEquals(header(res, "location"), "/cookies");
  assertEquals(setCookies(res), [
    "a=1; Path=/; HttpOnly",
    'b="two words"; Path=/; HttpOnly',
    'c="x,y"; Path=/; HttpOnly',
  ]);
});

Deno.test("/cookies/set adds Secure over TLS and takes attr[…] overrides", async () => {
  assertEquals(setCookies(await call("/cookies/set?a=1", [], true)), [
    "a=1; Path=/; HttpOnly; Secure",
  ]);
  const res = await call(
    "/cookies/set?a=1&attr[Path]=/x&attr[Domain]=example.org&attr[HttpOnly]=false" +
      "&attr[secure]=true&attr[SameSite]=lax",
  );
  assertEquals(setCookies(res), ["a=1; Path=/x; Domain=example.org; Secure; SameSite=Lax"]);
});

Deno.test("/cookies/set adds Secure when a forwarded field says https, as go-httpbin", async () => {
  const forwarded: Array<[string, string]> = [
    ["X-Forwarded-Proto", "https"],
    ["X-Forwarded-Protocol", "https"],
    ["X-Forwarded-Ssl", "on"],
  ];
  for (const field of forwarded) {
    assertEquals(setCookies(await call("/cookies/set?a=1", [field])), [
      "a=1; Path=/; HttpOnly; Secure",
    ], field[0]);
  }
  for (const field of [["X-Forwarded-Proto", "http"], ["X-Forwarded-Ssl", "off"]]) {
    assertEquals(setCookies(await call("/cookies/set?a=1", [field as [string, string]])), [
      "a=1; Path=/; HttpOnly",
    ], field[0]);
  }
});

Deno.test("/cookies/set takes the first value of a repeated name, as go-httpbin's params.Get", async () => {
  const res = await call("/cookies/set?a=1&b=2&a=3&attr[Path]=/x&attr[Path]=/y");
  assertEquals(setCookies(res), ["a=1; Path=/x; HttpOnly", "b=2; Path=/x; HttpOnly"]);
  const deleted = await call("/cookies/delete?a&a");
  assertEquals(setCookies(deleted).length, 1);
});

Deno.test("/cookies/set leaves out a pair with bad percent-encoding, as Go's query parser", async () => {
  const res = await call("/cookies/set?a=%ZZ&b=1");
  assertEquals([res.status, setCookies(res)], [302, ["b=1; Path=/; HttpOnly"]]);
});

Deno.test("/cookies/delete expires each named cookie and redirects 302 to /cookies", async () => {
  const res = await call("/cookies/delete?a&b=ignored");
  assertEquals(res.status, 302);
  assertEquals(header(res, "location"), "/cookies");
  const expired = "Path=/; HttpOnly; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0";
  assertEquals(setCookies(res), [`a=; ${expired}`, `b=; ${expired}`]);
});

const REFUSED: Array<[string, string]> = [
  ["a name that is not a token", "/cookies/set?a%20b=1"],
  ["a name with =", "/cookies/set?a%3Db=1"],
  ["a value with ;", "/cookies/set?a=1%3B%20Secure"],
  ["a value with a quote", "/cookies/set?a=%22"],
  ["a value with CR LF", "/cookies/set?a=1%0D%0ASet-Cookie:%20x=1"],
  ["a non-ASCII value", "/cookies/set?a=%C3%A9"],
  ["a path with ;", "/cookies/set?a=1&attr[Path]=/%3B%20Domain=evil"],
  ["a domain with a line break", "/cookies/delete?a&attr[Domain]=x%0Ay"],
  [
    "too many cookies",
    `/cookies/set?${
      Array.from({ length: MAX_COOKIES_PER_REQUEST + 1 }, (_, i) => `c${i}=1`).join("&")
    }`,
  ],
];

for (const [name, target] of REFUSED) {
  Deno.test(`/cookies/set and /cookies/delete answer 400 to ${name}`, async () => {
    const res = await call(target);
    assertEquals(res.status, 400);
    assertEquals(setCookies(res), []);
  });
}

Deno.test("/cookies/set takes exactly the most cookies at once", async () => {
  const query = Array.from({ length: MAX_COOKIES_PER_REQUEST }, (_, i) => `c${i}=1`).join("&");
  const res = await call(`/cookies/set?${query}`);
  assertEquals(res.status, 302);
  assertEquals(setCookies(res).length, MAX_COOKIES_PER_REQUEST);
});

/** attr[Domain] as Go's Cookie.String writes it: [query value, the Domain written or null]. */
const DOMAINS: Array<[string, string | null]> = [
  ["example.com", "example.com"],
  [".example.com", "example.com"],
  ["a-b.example", "a-b.example"],
  ["EXAMPLE.com.", "EXAMPLE.com."],
  ["127.0.0.1", "127.0.0.1"],
  ["localhost", "localhost"],
  ["localhost:80", null],
  ["ex ample", null],
  ["[::1]", null],
  ["::1", null],
  ["a..b", null],
  ["-a.com", null],
  ["a-.com", null],
  ["a_b.com", null],
  ["123", null],
  ["1.2.3.256", null],
  ["01.2.3.4", null],
  [".", null],
  [`${"a".repeat(64)}.com`, null],
  [`${"a".repeat(63)}.com`, `${"a".repeat(63)}.com`],
];

for (const [domain, written] of DOMAINS) {
  Deno.test(`/cookies/set and /cookies/delete write attr[Domain]=${domain} as ${written}`, async () => {
    for (const route of ["/cookies/set", "/cookies/delete"]) {
      const res = await call(`${route}?a=1&attr[Domain]=${domain}`);
      assertEquals(res.status, 302);
      const line = setCookies(res)[0];
      const shown = /; Domain=([^;]*)/.exec(line)?.[1] ?? null;
      assertEquals(shown, written, `${route}: ${line}`);
    }
  });
}
