/** The CodeCrafters text routes without sockets: exact headers, decoding, compression. */

import { gunzipSync } from "node:zlib";
import { echo, userAgent } from "../../src/echo/echo.ts";
import { websocketEcho } from "../../src/echo/websocket_echo.ts";
import { assertEquals } from "../support/assert.ts";
import { bodyBytes, bodyJson, bodyText, buildRequest, header } from "../support/request_builder.ts";

const get = (target: string, extra: Array<[string, string]> = []) =>
  buildRequest({ target, headers: [["Host", "t"], ...extra] });

Deno.test("echo answers 200 text/plain with the text when no coding is accepted", async () => {
  const res = echo(get("/echo/abc"));
  assertEquals(res.status, 200);
  assertEquals(header(res, "content-type"), "text/plain");
  assertEquals(header(res, "content-encoding"), undefined);
  assertEquals(await bodyText(res.body), "abc");
});

Deno.test("echo percent-decodes the text, slashes included", async () => {
  assertEquals(await bodyText(echo(get("/echo/hello%20w%C3%B6rld/x%2Fy")).body), "hello wörld/x/y");
});

Deno.test("echo answers 400 when the percent-encoding is malformed", () => {
  for (const target of ["/echo/%zz", "/echo/%f", "/echo/a%"]) {
    assertEquals(echo(get(target)).status, 400, target);
  }
});

Deno.test("echo gives back escaped bytes that are not UTF-8 as they are (RFC 3986 §2.1)", async () => {
  const res = echo(get("/echo/%FF%fea%C3%A9"));
  assertEquals([res.status, header(res, "content-type")], [200, "text/plain"]);
  assertEquals(await bodyBytes(res.body), Uint8Array.of(0xff, 0xfe, 0x61, 0xc3, 0xa9));
  const gzipped = echo(get("/echo/%FF", [["Accept-Encoding", "gzip"]]));
  assertEquals(new Uint8Array(gunzipSync(await bodyBytes(gzipped.body))), Uint8Array.of(0xff));
});

Deno.test("echo of nothing is an empty 200", async () => {
  const res = echo(get("/echo/"));
  assertEquals([res.status, await bodyText(res.body)], [200, ""]);
});

for (const ae of ["gzip", "encoding-1, gzip, encoding-2", "GZIP;q=0.5", "x-gzip", "*"]) {
  Deno.test(`echo gzips the text when Accept-Encoding is ${JSON.stringify(ae)}`, async () => {
    const res = echo(get("/echo/abc", [["Accept-Encoding", ae]]));
    assertEquals(header(res, "content-encoding"), "gzip");
    assertEquals(header(res, "vary"), "Accept-Encoding");
    assertEquals(header(res, "content-type"), "text/plain");
    assertEquals(new TextDecoder().decode(gunzipSync(await bodyBytes(res.body))), "abc");
  });
}

for (const ae of ["invalid-encoding", "br", "gzip;q=0", "identity;q=0", ""]) {
  Deno.test(`echo sends no Content-Encoding when Accept-Encoding is ${JSON.stringify(ae)}`, async () => {
    const res = echo(get("/echo/abc", [["Accept-Encoding", ae]]));
    assertEquals(header(res, "content-encoding"), undefined);
    assertEquals(await bodyText(res.body), "abc");
  });
}

Deno.test("echo joins several Accept-Encoding lines into one list", () => {
  const res = echo(get("/echo/abc", [["Accept-Encoding", "foo"], ["Accept-Encoding", "gzip"]]));
  assertEquals(header(res, "content-encoding"), "gzip");
});

Deno.test("userAgent answers the User-Agent bytes exactly as sent", async () => {
  const res = userAgent(get("/user-agent", [["User-Agent", "foobar/1.2.3"]]));
  assertEquals([res.status, header(res, "content-type")], [200, "text/plain"]);
  assertEquals(await bodyText(res.body), "foobar/1.2.3");
  // obs-text bytes go back as the same bytes, not re-encoded
  const odd = userAgent(get("/user-agent", [["User-Agent", "caf\u00e9"]]));
  assertEquals(await bodyBytes(odd.body), new Uint8Array([0x63, 0x61, 0x66, 0xe9]));
});

Deno.test("userAgent answers 200 with an empty body when there is no User-Agent", async () => {
  const res = userAgent(get("/user-agent"));
  assertEquals([res.status, await bodyText(res.body)], [200, ""]);
});

Deno.test("userAgent gives go-httpbin's JSON for ?format=json or Accept: application/json", async () => {
  const ua: [string, string] = ["User-Agent", "curl/8"];
  assertEquals(await bodyJson(userAgent(get("/user-agent?format=json", [ua])).body), {
    "user-agent": "curl/8",
  });
  const res = userAgent(get("/user-agent", [ua, ["Accept", "application/json"]]));
  assertEquals(header(res, "content-type"), "application/json; charset=utf-8");
  // A byte that is not UTF-8 (a latin1 é) shows as U+FFFD, as go-httpbin's JSON shows it.
  const latin1 = userAgent(get("/user-agent?format=json", [["User-Agent", "caf\xE9"]]));
  assertEquals(await bodyJson(latin1.body), { "user-agent": "caf\uFFFD" });
});

Deno.test("userAgent is gzipped like echo when gzip is accepted", async () => {
  const res = userAgent(get("/user-agent", [["User-Agent", "x"], ["Accept-Encoding", "gzip"]]));
  assertEquals(header(res, "content-encoding"), "gzip");
  assertEquals(new TextDecoder().decode(gunzipSync(await bodyBytes(res.body))), "x");
});

Deno.test("userAgent's JSON form is gzipped too when gzip is accepted, varying by all three", async () => {
  const accepts: Array<[string, string]> = [["User-Agent", "x"], ["Accept-Encoding", "gzip"]];
  for (
    const res of [
      userAgent(get("/user-agent?format=json", accepts)),
      userAgent(get("/user-agent", [...accepts, ["Accept", "application/json"]])),
    ]
  ) {
    assertEquals(header(res, "content-encoding"), "gzip");
    assertEquals(header(res, "vary"), "Accept, User-Agent, Accept-Encoding");
    const text = new TextDecoder().decode(gunzipSync(await bodyBytes(res.body)));
    assertEquals(JSON.parse(text), { "user-agent": "x" });
  }
});

Deno.test("echo answers built one after another never share their header lists", () => {
  const fieldsOf = (res: ReturnType<typeof echo>) =>
    (res.headers ?? []).map(([n, v]) => `${n}: ${v}`);
  const expected = ["Content-Type: text/plain", "Vary: Accept-Encoding"];
  for (let i = 0; i < 3; i++) {
    assertEquals(fieldsOf(echo(get("/echo/abc"))), expected, `plain answer ${i}`);
    assertEquals(
      fieldsOf(echo(get("/echo/abc", [["Accept-Encoding", "gzip"]]))),
      [...expected, "Content-Encoding: gzip"],
      `gzip answer ${i}`,
    );
    assertEquals(fieldsOf(userAgent(get("/user-agent", [["User-Agent", "x"]]))), [
      "Content-Type: text/plain",
      "Vary: Accept, User-Agent, Accept-Encoding", // one line (RFC 9110 §12.5.5 takes a list)
    ]);
  }
});

Deno.test("the WebSocket echo takes an empty size parameter as its default, as go-httpbin", () => {
  // No Upgrade: the 426 a valid query gets, not the 400 of a bad size.
  const req = get("/websocket/echo?max_message_size=&max_fragment_size=");
  assertEquals(websocketEcho(req).status, 426);
  assertEquals(websocketEcho(get("/websocket/echo?max_message_size=0")).status, 400);
});

Deno.test("the WebSocket echo's size errors are go-httpbin's JSON errors; a sign is Go's ParseInt's", async () => {
  const res = websocketEcho(get("/websocket/echo?max_fragment_size=0"));
  assertEquals(res.status, 400);
  assertEquals(header(res, "content-type")?.startsWith("application/json"), true);
  const body = await bodyJson(res.body) as { status_code: number; error: string; detail: string };
  assertEquals([body.status_code, body.error], [400, "Bad Request"]);
  assertEquals(body.detail.startsWith("invalid max_fragment_size: not in range [1, "), true);
  const both = websocketEcho(get("/websocket/echo?max_fragment_size=8&max_message_size=4"));
  assertEquals(header(both, "content-type")?.startsWith("application/json"), true);
  // `+10` is 10 (the 426 of a valid query without Upgrade); `-10` is out of range.
  assertEquals(websocketEcho(get("/websocket/echo?max_fragment_size=%2B10")).status, 426);
  assertEquals(websocketEcho(get("/websocket/echo?max_fragment_size=-10")).status, 400);
});
