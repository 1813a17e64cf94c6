/** The request body as the httpbin routes describe it (readHttpbinBody), through the routes. */

import { appConfig } from "../../src/app/app_config.ts";
import { createRouter } from "../../src/app/router.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { MAX_JSON_DEPTH } from "../../src/httpbin/json_body.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { bodyJson, buildRequest } from "../support/request_builder.ts";

const app = createRouter(httpbinRoutes(appConfig({ maxCaptureBytes: 1_000_000 })));

async function send(
  method: string,
  target: string,
  contentType: string,
  body: string | Uint8Array,
) {
  const res = await app(buildRequest({
    method,
    target,
    headers: [["Host", "t"], ["Content-Type", contentType]],
    body,
  }));
  return { status: res.status, json: await bodyJson(res.body) as Record<string, unknown> };
}

const BODY_ROUTES: Array<[string, string]> = [
  ["POST", "/post"],
  ["POST", "/anything"],
  ["PUT", "/put"],
  ["PATCH", "/patch"],
  ["DELETE", "/delete"],
  ["POST", "/delay/0"],
  ["POST", "/trailers"],
];

for (const type of ["multipart/form-data; foo", "application/x-www-form-urlencoded"]) {
  Deno.test(`an empty body typed ${type} is 200 with empty form and files on every body route`, async () => {
    for (const [method, target] of BODY_ROUTES) {
      const { status, json } = await send(method, target, type, "");
      assertEquals(status, 200, `${method} ${target}`);
      assertEquals([json.data, json.form, json.files, json.json], ["", {}, {}, null], target);
    }
  });
}

Deno.test("a urlencoded body with an escape that is not UTF-8 reads as U+FFFD, as the query", async () => {
  const { status, json } = await send(
    "POST",
    "/post",
    "application/x-www-form-urlencoded",
    "a=%E9&b=%C3%A9",
  );
  assertEquals(status, 200);
  assertEquals(json.form, { a: ["\uFFFD"], b: ["é"] });
  const raw = await send(
    "POST",
    "/post",
    "application/x-www-form-urlencoded",
    new Uint8Array([0x61, 0x3d, 0xe9]),
  );
  assertEquals([raw.status, raw.json.form], [200, { a: ["\uFFFD"] }]);
  // A malformed escape is still refused, as Go's ParseForm refuses it.
  assertEquals(
    (await send("POST", "/post", "application/x-www-form-urlencoded", "a=%zz")).status,
    400,
  );
});

// Go's ParseForm (go-httpbin's parseBody) refuses a ";" in a pair of the body or of the query,
// and a malformed escape in the query too; ParseMultipartForm runs it first.
Deno.test("a form body or its query with a ';' or a bad escape is 400, as Go's ParseForm", async () => {
  const form = "application/x-www-form-urlencoded";
  const refused = async (target: string, type: string, body: string) => {
    const got = await send("POST", target, type, body);
    assertEquals(got.status, 400, `${target} ${type} ${body}`);
    return got;
  };
  const semi = await refused("/post", form, "a=1;b=2&c=3");
  assert(JSON.stringify(semi.json).includes("semicolon"), JSON.stringify(semi.json));
  await refused("/post?q=%zz", form, "a=1");
  await refused("/post?a;b=1", form, "a=1");
  const boundary = "b0undary";
  const multipart = `multipart/form-data; boundary=${boundary}`;
  const part = `--${boundary}\r\nContent-Disposition: form-data; name="f"\r\n\r\nv\r\n` +
    `--${boundary}--\r\n`;
  await refused("/post?q=%zz", multipart, part);
  await refused("/anything?x;y", multipart, part);
  // The same query with a JSON or raw body stays as it was: Go reads it through URL.Query().
  const json = await send("POST", "/post?q=%zz&ok=1", "application/json", "{}");
  assertEquals([json.status, json.json.args], [200, { ok: ["1"] }]);
  const fine = await send("POST", "/post?x=1", multipart, part);
  assertEquals([fine.status, fine.json.form], [200, { f: ["v"] }]);
});

Deno.test("a JSON body nested 9,000 deep is echoed; one past MAX_JSON_DEPTH is 400", async () => {
  const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
  const ok = await send("POST", "/post", "application/json", nested(9000));
  assertEquals(ok.status, 200);
  assertEquals(JSON.stringify(ok.json.json), nested(9000));
  const deep = await send("POST", "/post", "application/json", nested(MAX_JSON_DEPTH + 1));
  assertEquals(deep.status, 400);
  // A +json type is not refused (go-httpbin does not parse those): its json is null.
  const plus = await send("POST", "/post", "application/ld+json", nested(MAX_JSON_DEPTH + 1));
  assertEquals([plus.status, plus.json.json], [200, null]);
});

Deno.test("a JSON number out of float64 range is 400, not a silent null", async () => {
  assertEquals((await send("POST", "/post", "application/json", "1e999")).status, 400);
  assertEquals((await send("POST", "/post", "application/json", '{"n":[-1e999]}')).status, 400);
  const plus = await send("POST", "/post", "application/vnd.x+json", "1e999");
  assertEquals([plus.status, plus.json.json], [200, null]);
});

Deno.test('a multipart part with filename="" is a form field; one with filename* a file', async () => {
  const body = '--X\r\nContent-Disposition: form-data; name="f"; filename=""\r\n\r\nv\r\n' +
    "--X\r\nContent-Disposition: form-data; name=\"g\"; filename*=UTF-8''a%20b.txt\r\n\r\nw\r\n" +
    '--X\r\nContent-Disposition: attachment; name="h"\r\n\r\nskipped\r\n--X--\r\n';
  const { status, json } = await send("POST", "/post", "multipart/form-data; boundary=X", body);
  assertEquals(status, 200);
  assertEquals([json.form, json.files], [{ f: ["v"] }, { g: ["w"] }]);
});

Deno.test("a Content-Type with a no-break space (0xA0) is not the form type it spells", async () => {
  // OWS is SP and HTAB only (Go's textproto, RFC 9110 §5.6.3): the NBSP is part of the type.
  const body = '--X\r\nContent-Disposition: form-data; name="f"\r\n\r\nv\r\n--X--\r\n';
  const parsed = await send("POST", "/post", "multipart/form-data\t; boundary=X\t", body);
  assertEquals([parsed.status, parsed.json.form], [200, { f: ["v"] }]);
  const typed = await send("POST", "/post", "multipart/form-data\xA0; boundary=X", body);
  assertEquals([typed.status, typed.json.form], [200, {}]);
  const bounded = await send("POST", "/post", "multipart/form-data; boundary=X\xA0", body);
  assertEquals(bounded.status, 400);
  const urlencoded = await send("POST", "/post", "application/x-www-form-urlencoded\xA0", "a=1");
  assertEquals([urlencoded.status, urlencoded.json.form], [200, {}]);
});

Deno.test("a multipart field name and value that are not UTF-8 show U+FFFD, as go-httpbin", async () => {
  // One U+FFFD per invalid sequence, as for a query or an urlencoded body (no `\xHH` text).
  const body = new Uint8Array([
    ...new TextEncoder().encode('--X\r\nContent-Disposition: form-data; name="n'),
    0xff,
    ...new TextEncoder().encode('"\r\n\r\nv'),
    0xe2,
    0x82,
    0x21,
    ...new TextEncoder().encode("\r\n--X--\r\n"),
  ]);
  const { status, json } = await send("POST", "/post", "multipart/form-data; boundary=X", body);
  assertEquals(status, 200);
  assertEquals(json.form, { "n\uFFFD": ["v\uFFFD!"] });
});

Deno.test("a lone surrogate escape in a JSON body is echoed as U+FFFD, well-formed (RFC 8259 §8.2)", async () => {
  const { status, json } = await send(
    "POST",
    "/post",
    "application/json",
    '{"a":"\\ud800x","\\udc00":"\\ud83d\\ude00","b":"\\\\ud800","c":["\\ud800\\ud800"]}',
  );
  assertEquals(status, 200);
  // A pair stays a pair; `\\ud800` is a backslash and text, not an escape.
  assertEquals(json.json, {
    a: "\uFFFDx",
    "\uFFFD": "\u{1F600}",
    b: "\\ud800",
    c: ["\uFFFD\uFFFD"],
  });
});
