/** /inspect without sockets: the raw head byte for byte, body capture, chunks, connection facts. */

import { appConfig } from "../../src/app/app_config.ts";
import { inspectHandler } from "../../src/echo/inspect.ts";
import { HttpError } from "../../src/http/errors.ts";
import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import {
  bodyJson,
  bodyText,
  buildRequest,
  header,
  type RequestSpec,
} from "../support/request_builder.ts";

const inspect = inspectHandler(appConfig({ maxCaptureBytes: 16, maxUploadBytes: 100 }));
const json = async (spec: RequestSpec) => {
  const headers = [...(spec.headers ?? [["Host", "t"]]), ["Accept", "application/json"]] as Array<
    [string, string]
  >;
  const res = await inspect(buildRequest({ ...spec, headers }));
  // deno-lint-ignore no-explicit-any
  return (await bodyJson(res.body)) as Record<string, any>;
};

Deno.test("inspect text shows every head line with its CRLF, spacing and case kept", async () => {
  const res = await inspect(buildRequest({
    method: "POST",
    target: "/inspect?x=1",
    headers: [["Host", "t"], ["x-MiXeD", "a  b"], ["Dup", "1"], ["Dup", "2"]],
    body: "hi",
  }));
  assertEquals(header(res, "content-type"), "text/plain; charset=utf-8");
  const text = await bodyText(res.body);
  assert(
    text.includes(
      "POST /inspect?x=1 HTTP/1.1\\r\\n\nHost: t\\r\\n\nx-MiXeD: a  b\\r\\n\n" +
        "Dup: 1\\r\\n\nDup: 2\\r\\n\n\\r\\n\n",
    ),
    text,
  );
  assert(text.includes("received 2 bytes, showing 2"), text);
  assert(text.includes("-- body bytes --\nhi\n-- end of body bytes --"), text);
  assert(text.includes("connection #1, request #1 on it"), text);
});

Deno.test("inspect JSON gives the raw head as escaped text and exact base64", async () => {
  const j = await json({
    target: "/inspect",
    headers: [["Host", "t"], ["X-Odd", "caf\u00e9\u0001"]],
  });
  assertEquals(j.request_line, "GET /inspect HTTP/1.1");
  assertEquals(j.header_lines, ["Host: t", "X-Odd: caf\\xE9\\x01", "Accept: application/json"]);
  const raw = Uint8Array.fromBase64(j.head.base64);
  assertEquals(raw.length, j.head.bytes);
  assertEquals(raw.indexOf(0xe9) > 0, true, "the obs-text byte survives exactly");
  assertEquals(j.headers[1], ["X-Odd", "caf\\xE9\u0001"]);
});

Deno.test("inspect escapes a no-break and a zero-width space in the head, text and JSON", async () => {
  // Headers arrive as latin1 strings: "\u00c2\u00a0" is the UTF-8 of U+00A0.
  const headers: Array<[string, string]> = [["Host", "t"], [
    "X-Sp",
    "a\u00c2\u00a0b\u00e2\u0080\u008bc",
  ]];
  const text = await bodyText((await inspect(buildRequest({ target: "/inspect", headers }))).body);
  assert(text.includes("X-Sp: a\\xC2\\xA0b\\xE2\\x80\\x8Bc\\r\\n\n"), text);
  const j = await json({ target: "/inspect", headers });
  assertEquals(j.header_lines[1], "X-Sp: a\\xC2\\xA0b\\xE2\\x80\\x8Bc");
  // The parsed values are text, as in the httpbin echoes: the characters themselves.
  assertEquals(j.headers[1], ["X-Sp", "a\u00a0b\u200bc"]);
});

Deno.test("inspect shows a body's combining marks and Hangul as they are, its fillers escaped", async () => {
  const body = new TextEncoder().encode("e\u0301 한\u3164");
  const j = await json({ method: "PUT", body });
  assertEquals(j.body.escaped, "e\u0301 한\\xE3\\x85\\xA4");
});

Deno.test("inspect JSON shows a non-UTF-8 body as escapes and base64, text null", async () => {
  const j = await json({ method: "PUT", body: new Uint8Array([0xff, 0x41, 0x0a]) });
  assertEquals(
    [j.body.text, j.body.escaped, j.body.base64, j.body.framing],
    [null, "\\xFFA\\n", "/0EK", "content-length"],
  );
});

Deno.test("inspect truncates the capture at maxCaptureBytes and counts the rest", async () => {
  const j = await json({ method: "POST", body: "x".repeat(40), pieceBytes: 7 });
  assertEquals(
    [j.body.received_bytes, j.body.captured_bytes, j.body.truncated, j.body.text],
    [40, 16, true, "x".repeat(16)],
  );
});

Deno.test("inspect refuses a body over maxUploadBytes with contentTooLarge", async () => {
  await assertRejects(
    async () =>
      await inspect(buildRequest({ method: "POST", body: "x".repeat(101), chunked: true })),
    (e: unknown) => e instanceof HttpError && e.kind === "contentTooLarge",
  );
});

Deno.test("inspect shows chunk-size lines with extensions and the trailers", async () => {
  const spec: RequestSpec = {
    method: "POST",
    body: "hello world",
    chunked: true,
    chunkLines: ["5;name=val", "6 ;x", "0"],
    trailers: [["X-Sum", "abc"]],
  };
  const j = await json(spec);
  assertEquals(j.body.framing, "chunked");
  assertEquals(j.body.chunks, [{ size: 5, line: "5;name=val" }, { size: 6, line: "6 ;x" }, {
    size: 0,
    line: "0",
  }]);
  assertEquals(j.body.trailers, [["X-Sum", "abc"]]);
  const text = await bodyText((await inspect(buildRequest(spec))).body);
  assert(text.includes("  5;name=val\\r\\n  (5 bytes)"), text);
  assert(text.includes("trailer fields (1):\n  X-Sum: abc"), text);
});

Deno.test("inspect reports the connection facts and 100-continue after reading", async () => {
  const j = await json({
    method: "POST",
    body: "x",
    expectContinue: true,
    connection: { id: 9, requestIndex: 3, pipelined: true, remotePort: 5555 },
  });
  assertEquals(j.connection, {
    id: 9,
    request_index: 3,
    pipelined: true,
    remote_address: "127.0.0.1",
    remote_port: 5555,
    tls: false,
    expect_continue: true,
    continue_sent: true,
  });
});

Deno.test("inspect chooses JSON for ?format=json and text for Accept: */*", async () => {
  const a = await inspect(buildRequest({ target: "/inspect?format=json" }));
  assertEquals(header(a, "content-type"), "application/json; charset=utf-8");
  const b = await inspect(buildRequest({ headers: [["Host", "t"], ["Accept", "*/*"]] }));
  assertEquals(header(b, "content-type"), "text/plain; charset=utf-8");
  assertEquals(header(b, "cache-control"), "no-store");
});
