/** `/head`, `/upload`, `/dump/request`, `/unstable`, `/hostname`, `/version`, `/env`, `/deflate`. */

import { inflateSync } from "node:zlib";
import { appConfig } from "../../src/app/app_config.ts";
import { createRouter } from "../../src/app/router.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { assertEquals, assertRejects } from "../support/assert.ts";
import {
  bodyBytes,
  bodyJson,
  bodyText,
  buildRequest,
  header,
  type RequestSpec,
} from "../support/request_builder.ts";

const app = createRouter(httpbinRoutes(appConfig({ maxUploadBytes: 10, maxCaptureBytes: 10 })));
const call = async (spec: RequestSpec) => await app(buildRequest(spec));

Deno.test("/upload counts and discards the body, up to maxUploadBytes", async () => {
  const res = await call({ method: "PUT", target: "/upload?a=1", body: "0123456789" });
  assertEquals(res.status, 200);
  const json = await bodyJson(res.body) as Record<string, unknown>;
  assertEquals([json.bytes_received, json.method, json.data], [10, "PUT", undefined]);
  await assertRejects(() => call({ method: "POST", target: "/upload", body: "0123456789A" }));
  await assertRejects(() =>
    call({ method: "POST", target: "/upload", body: "0123456789A", chunked: true, pieceBytes: 4 })
  );
  assertEquals((await call({ method: "GET", target: "/upload" })).status, 405);
});

Deno.test("/head answers HEAD only", async () => {
  assertEquals((await call({ method: "HEAD", target: "/head" })).status, 200);
  assertEquals((await call({ method: "GET", target: "/head" })).status, 405);
});

Deno.test("/dump/request answers the head as received and the body", async () => {
  const res = await call({ method: "POST", target: "/dump/request?x", body: "hi" });
  const text = await bodyText(res.body);
  assertEquals(text.startsWith("POST /dump/request?x HTTP/1.1\r\n"), true);
  assertEquals(text.endsWith("\r\n\r\nhi"), true);
  await assertRejects(() =>
    call({ method: "POST", target: "/dump/request", body: "x".repeat(11) })
  );
});

Deno.test("/dump/request shows a chunked body chunked again, trailers included", async () => {
  // As Go's httputil.DumpRequest: the head says chunked, so the body must be in chunks.
  const headers: Array<[string, string]> = [["Host", "t"], ["Transfer-Encoding", "chunked"]];
  const res = await call({
    method: "POST",
    target: "/dump/request",
    headers,
    body: "abcde",
    chunked: true,
    pieceBytes: 3,
    trailers: [["X-Sum", "1"]],
  });
  const text = await bodyText(res.body);
  assertEquals(text.slice(text.indexOf("\r\n\r\n") + 4), "5\r\nabcde\r\n0\r\nX-Sum: 1\r\n\r\n");
  const empty = await call({ method: "POST", target: "/dump/request", headers, chunked: true });
  const emptyText = await bodyText(empty.body);
  assertEquals(emptyText.endsWith("chunked\r\n\r\n0\r\n\r\n"), true, emptyText);
});

Deno.test("/unstable fails at the given rate, reproducibly with a seed", async () => {
  assertEquals((await call({ target: "/unstable?failure_rate=0" })).status, 200);
  assertEquals((await call({ target: "/unstable?failure_rate=1" })).status, 500);
  const seeded = async () => (await call({ target: "/unstable?seed=42" })).status;
  assertEquals(await seeded(), await seeded());
  let failures = 0;
  for (let seed = 0; seed < 200; seed++) {
    if ((await call({ target: `/unstable?seed=${seed}&failure_rate=0.25` })).status === 500) {
      failures++;
    }
  }
  assertEquals(failures > 20 && failures < 80, true, `${failures} of 200 at 0.25`);
  for (const q of ["failure_rate=1.5", "failure_rate=x", "seed=x"]) {
    assertEquals((await call({ target: `/unstable?${q}` })).status, 400, q);
  }
});

Deno.test("/hostname, /version and /env answer go-httpbin's shapes without host facts", async () => {
  assertEquals(await bodyJson((await call({ target: "/hostname" })).body), {
    hostname: "wireserve",
  });
  assertEquals(await bodyJson((await call({ target: "/version" })).body), {
    service: "wireserve",
    version: appConfig().version,
  });
  assertEquals(await bodyJson((await call({ target: "/env" })).body), { env: {} });
});

Deno.test("/deflate answers zlib-wrapped JSON with deflated: true whatever is accepted", async () => {
  const res = await call({
    target: "/deflate",
    headers: [["Host", "t"], ["Accept-Encoding", "identity"]],
  });
  assertEquals(header(res, "content-encoding"), "deflate");
  const json = JSON.parse(new TextDecoder().decode(inflateSync(await bodyBytes(res.body))));
  assertEquals(json.deflated, true);
  assertEquals(json.method, "GET");
});

Deno.test("/base64/encode and /base64/decode work both ways", async () => {
  const enc = await call({ target: "/base64/encode/hi%3F%3E" });
  assertEquals(await bodyText(enc.body), "aGk_Pg==");
  assertEquals(await bodyText((await call({ target: "/base64/decode/aGk_Pg==" })).body), "hi?>");
  // An empty data segment does not match go-httpbin's route: 404.
  assertEquals((await call({ target: "/base64/encode/" })).status, 404);
});

Deno.test("/unstable takes failure_rate as go-httpbin's ParseFloat: .5, 1., +1, -0", async () => {
  // `%2B` is a plus sign; a bare `+` in a query is a space, for Go as for us.
  for (const [rate, status] of [["1.", 500], ["%2B1", 500], ["-0", 200], ["%2B0.", 200]] as const) {
    assertEquals((await call({ target: `/unstable?failure_rate=${rate}` })).status, status, rate);
  }
  for (const rate of [".5", "0.5"]) {
    assertEquals((await call({ target: `/unstable?failure_rate=${rate}` })).status !== 400, true);
  }
  for (const rate of ["1e0", "inf", "-0.1", "1.0001", ".", "+1"]) {
    assertEquals((await call({ target: `/unstable?failure_rate=${rate}` })).status, 400, rate);
  }
});

Deno.test("/unstable reads failure_rate exactly, not to the thousandth", async () => {
  // Cut to thousandths, 0.0009 was 0: never a failure. Read exactly, some seed draws under it.
  let failures = 0;
  for (let seed = 0; seed < 20000 && failures === 0; seed++) {
    const res = await call({ target: `/unstable?seed=${seed}&failure_rate=0.0009` });
    if (res.status === 500) failures++;
  }
  assertEquals(failures, 1);
});
