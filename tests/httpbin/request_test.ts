/** The request-describing httpbin routes, without sockets: go-httpbin's shapes plus raw extras. */

import { appConfig } from "../../src/app/app_config.ts";
import { canonicalHeaderName } from "../../src/httpbin/request.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { createRouter } from "../../src/app/router.ts";
import { HttpError } from "../../src/http/errors.ts";
import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { bodyJson, bodyText, buildRequest, type RequestSpec } from "../support/request_builder.ts";

const app = createRouter(httpbinRoutes(appConfig({ maxCaptureBytes: 1000 })));
const call = async (spec: RequestSpec) => {
  const res = await app(buildRequest(spec));
  return { res, json: await bodyJson(res.body) as Record<string, unknown> };
};

Deno.test("/anything describes a GET in go-httpbin's shape with raw headers kept", async () => {
  const { res, json } = await call({
    target: "/anything/x/y?a=1&b=two&a=3",
    headers: [["Host", "example.test"], ["x-dup", "1"], ["X-Dup", "2"], ["user-agent", "t/1"]],
  });
  assertEquals(res.status, 200);
  assertEquals(json, {
    args: { a: ["1", "3"], b: ["two"] },
    headers: { Host: ["example.test"], "X-Dup": ["1", "2"], "User-Agent": ["t/1"] },
    method: "GET",
    origin: "127.0.0.1",
    url: "http://example.test/anything/x/y?a=1&b=two&a=3",
    path: "/anything/x/y",
    http_version: "HTTP/1.1",
    raw_headers: [["Host", "example.test"], ["x-dup", "1"], ["X-Dup", "2"], ["user-agent", "t/1"]],
    data: "",
    files: {},
    form: {},
    json: null,
  });
});

Deno.test("/anything answers any method, MKCOL included", async () => {
  for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "MKCOL"]) {
    const { json } = await call({ method, target: "/anything" });
    assertEquals(json.method, method);
  }
});

Deno.test("/anything parses a JSON body and keeps its text in data", async () => {
  const body = '{"k":[1,2],"s":"é"}';
  const { json } = await call({
    method: "POST",
    target: "/anything",
    headers: [["Host", "t"], ["Content-Type", "application/json"]],
    body,
  });
  assertEquals([json.data, json.json], [body, { k: [1, 2], s: "é" }]);
});

for (const target of ["/post", "/put", "/patch", "/delete", "/anything"]) {
  Deno.test(`${target} answers 400 when an application/json body does not parse`, async () => {
    const method = target === "/anything" ? "POST" : target.slice(1).toUpperCase();
    const { res, json } = await call({
      method,
      target,
      headers: [["Host", "t"], ["Content-Type", "application/json; charset=utf-8"]],
      body: "foo",
    });
    assertEquals(res.status, 400);
    assertEquals(json, {
      status_code: 400,
      error: "Bad Request",
      detail: "Cannot parse the request body: it is not valid JSON",
    });
  });
}

Deno.test("/anything accepts an empty application/json body, with json null", async () => {
  const { res, json } = await call({
    method: "POST",
    target: "/anything",
    headers: [["Host", "t"], ["Content-Type", "application/json"]],
  });
  assertEquals([res.status, json.json], [200, null]);
});

Deno.test("/anything gives json null when a +json body does not parse", async () => {
  const { res, json } = await call({
    method: "POST",
    target: "/anything",
    headers: [["Host", "t"], ["Content-Type", "application/problem+json"]],
    body: "{nope",
  });
  assertEquals([res.status, json.data, json.json], [200, "{nope", null]);
});

Deno.test("/anything parses an urlencoded form with repeated fields", async () => {
  const { json } = await call({
    method: "POST",
    target: "/anything",
    headers: [["Host", "t"], ["Content-Type", "application/x-www-form-urlencoded"]],
    body: "a=1&a=2&b=x+y%21",
  });
  assertEquals(json.form, { a: ["1", "2"], b: ["x y!"] });
});

Deno.test("/anything answers 400 for a form body with invalid encoding", async () => {
  const res = await app(buildRequest({
    method: "POST",
    target: "/anything",
    headers: [["Host", "t"], ["Content-Type", "application/x-www-form-urlencoded"]],
    body: "a=%zz",
  }));
  assertEquals(res.status, 400);
});

Deno.test("/anything parses multipart fields and files", async () => {
  const body = '--B\r\nContent-Disposition: form-data; name="f"\r\n\r\nv\r\n' +
    '--B\r\nContent-Disposition: form-data; name="up"; filename="a.bin"\r\n' +
    "Content-Type: application/octet-stream\r\n\r\n\xff\r\n--B--\r\n";
  const bytes = Uint8Array.from(body, (c) => c.charCodeAt(0));
  const { json } = await call({
    method: "POST",
    target: "/anything",
    headers: [["Host", "t"], ["Content-Type", 'multipart/form-data; boundary="B"']],
    body: bytes,
  });
  assertEquals(json.form, { f: ["v"] });
  assertEquals(json.files, { up: ["data:application/octet-stream;base64,_w=="] });
});

Deno.test("/anything shows a body that is not UTF-8 as a base64url data URL", async () => {
  const { json } = await call({
    method: "PUT",
    target: "/anything",
    headers: [["Host", "t"], ["Content-Type", "image/x-thing"]],
    body: new Uint8Array([0xff, 0x00, 0xfe]),
  });
  // Go's base64.URLEncoding, as go-httpbin's encodeData writes it.
  assertEquals(json.data, "data:image/x-thing;base64,_wD-");
});

for (
  const [contentType, want] of [
    [undefined, "data:application/octet-stream;base64,aGk_Pg=="],
    ["application/octet-stream", "data:application/octet-stream;base64,aGk_Pg=="],
    ["application/xml; charset=utf-8", "data:application/xml;base64,aGk_Pg=="],
    ["text/plain; charset=utf-8", "hi?>"],
    ["text/html", "hi?>"],
  ] as const
) {
  Deno.test(`/post shows a UTF-8 ${contentType ?? "untyped"} body as go-httpbin's data`, async () => {
    // go-httpbin's parseBody keeps the text for text, form and JSON types only; any other body
    // is a data: URL, even when it is UTF-8.
    const { json } = await call({
      method: "POST",
      target: "/post",
      headers: contentType === undefined
        ? [["Host", "t"]]
        : [["Host", "t"], ["Content-Type", contentType]],
      body: "hi?>",
    });
    assertEquals(json.data, want);
  });
}

Deno.test("/post keeps data empty for an empty body of any type", async () => {
  const { json } = await call({
    method: "POST",
    target: "/post",
    headers: [["Host", "t"], ["Content-Type", "application/xml"]],
  });
  assertEquals(json.data, "");
});

Deno.test("/anything shows header bytes that are not UTF-8 as U+FFFD, as go-httpbin and the query do", async () => {
  const { json } = await call({
    target: "/anything",
    headers: [
      ["Host", "t"],
      ["X-Latin", "caf\u00e9"],
      ["X-Utf8", "caf\u00c3\u00a9"],
      // One U+FFFD per invalid sequence (WHATWG decode): a cut-off E2 82 is one, FF FE two.
      ["X-Cut", "a\u00e2\u0082b\u00ff\u00fe"],
    ],
  });
  const headers = json.headers as Record<string, string[]>;
  assertEquals(headers["X-Latin"], ["caf\uFFFD"]);
  assertEquals(headers["X-Utf8"], ["café"]);
  assertEquals(headers["X-Cut"], ["a\uFFFDb\uFFFD\uFFFD"]);
  assertEquals((json.raw_headers as string[][])[1], ["X-Latin", "caf\uFFFD"]);
});

Deno.test("/anything and /get read the query as Go does: bad pairs left out, %FF as U+FFFD", async () => {
  // Go's url.ParseQuery drops a pair it cannot unescape (and one with `;`) and keeps the rest;
  // a byte that is not UTF-8 reaches go-httpbin's JSON encoder, which writes U+FFFD.
  for (const path of ["/anything", "/get"]) {
    const res = await app(buildRequest({ target: `${path}?h=%FF&f=%zz&k=1;2&ok=1&h=a%C3%A9` }));
    assertEquals(res.status, 200, path);
    const json = (await bodyJson(res.body)) as { args: Record<string, string[]> };
    assertEquals(json.args, { h: ["\uFFFD", "a\u00e9"], ok: ["1"] }, path);
  }
});

Deno.test("/anything refuses a body over maxCaptureBytes with contentTooLarge", async () => {
  await assertRejects(
    async () =>
      await app(buildRequest({ method: "POST", target: "/anything", body: "x".repeat(1001) })),
    (e: unknown) => e instanceof HttpError && e.kind === "contentTooLarge",
  );
  const { res } = await call({ method: "POST", target: "/anything", body: "x".repeat(1000) });
  assertEquals(res.status, 200);
});

Deno.test("/anything reports the absolute-form target as the url", async () => {
  const { json } = await call({ target: "http://elsewhere.test/anything?q=1" });
  assertEquals([json.url, json.path], ["http://elsewhere.test/anything?q=1", "/anything"]);
});

Deno.test("/get reports an https url when a forwarded field says so, as go-httpbin's getURL", async () => {
  const cases: Array<[Array<[string, string]>, string]> = [
    [[["X-Forwarded-Proto", "https"]], "https"],
    [[["X-Forwarded-Protocol", "https"]], "https"],
    [[["X-Forwarded-Ssl", "on"]], "https"],
    [[["X-Forwarded-Proto", "http"], ["X-Forwarded-Ssl", "on"]], "http"],
    [[["X-Forwarded-Ssl", "off"]], "http"],
    [[], "http"],
  ];
  for (const [fields, scheme] of cases) {
    const { json } = await call({ target: "/get?a=1", headers: [["Host", "h.test"], ...fields] });
    assertEquals(json.url, `${scheme}://h.test/get?a=1`, JSON.stringify(fields));
  }
});

Deno.test("/get describes without body fields; /post answers POST only", async () => {
  const { json } = await call({ target: "/get?x=1" });
  assertEquals(Object.keys(json).includes("data"), false);
  assertEquals(json.args, { x: ["1"] });
  const post = await call({
    method: "POST",
    target: "/post",
    headers: [["Host", "t"], ["Content-Type", "text/plain"]],
    body: "hi",
  });
  assertEquals(post.json.data, "hi");
  assertEquals((await app(buildRequest({ target: "/post" }))).status, 405);
});

Deno.test("/headers lists headers both ways and /ip gives the origin", async () => {
  const { json } = await call({
    target: "/headers",
    headers: [["Host", "t"], ["a", "1"], ["A", "2"]],
  });
  assertEquals(json, {
    headers: { Host: ["t"], A: ["1", "2"] },
    raw_headers: [["Host", "t"], ["a", "1"], ["A", "2"]],
  });
  const ip = await call({ target: "/ip", connection: { remoteAddress: "10.1.2.3" } });
  assertEquals(ip.json, { origin: "10.1.2.3" });
});

Deno.test("/ip?format=text answers the address and a newline as text/plain", async () => {
  const connection = { remoteAddress: "127.0.0.1" };
  const res = await app(buildRequest({ target: "/ip?format=text", connection }));
  assertEquals(res.status, 200);
  assertEquals(res.headers!.find(([n]) => n === "Content-Type")?.[1], "text/plain; charset=utf-8");
  assertEquals(await bodyText(res.body), "127.0.0.1\n");
  const json = await app(buildRequest({ target: "/ip?format=json", connection }));
  assertEquals(await bodyJson(json.body), { origin: "127.0.0.1" });
});

Deno.test("canonicalHeaderName capitalizes each dash-separated word", () => {
  assertEquals(canonicalHeaderName("x-forwarded-FOR"), "X-Forwarded-For");
  assertEquals(canonicalHeaderName("etag"), "Etag");
  assert(canonicalHeaderName("") === "");
});
