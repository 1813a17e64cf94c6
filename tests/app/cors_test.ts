/**
 * The CORS wrapper without sockets: the Origin reflected with Vary, preflights answered before
 * the app (and before auth), no credentials ever allowed, handler headers left intact.
 */

import { EXPOSED_HEADERS, PREFLIGHT_MAX_AGE_SECONDS, withCors } from "../../src/app/cors.ts";
import type { Handler, HttpRequest, HttpResponse } from "../../src/http/types.ts";
import { buildRequest } from "../support/request_builder.ts";
import { assert, assertEquals } from "../support/assert.ts";

const SHARED_HEADERS: Array<[string, string]> = [["Content-Type", "text/plain"]];

/** An app that records what reached it and answers with a shared, constant header array. */
function app(): { handler: Handler; seen: HttpRequest[] } {
  const seen: HttpRequest[] = [];
  const handler: Handler = (req) => {
    seen.push(req);
    return { status: 200, headers: SHARED_HEADERS, body: "ok" };
  };
  return { handler, seen };
}

function headerValues(res: HttpResponse, name: string): string[] {
  return (res.headers ?? []).filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

Deno.test("withCors reflects the Origin, exposes headers and adds Vary: Origin", async () => {
  const { handler } = app();
  const res = await withCors(handler)(
    buildRequest({ headers: [["Host", "t"], ["Origin", "https://a.example"]] }),
  );
  assertEquals(res.status, 200);
  assertEquals(headerValues(res, "access-control-allow-origin"), ["https://a.example"]);
  assertEquals(headerValues(res, "access-control-expose-headers"), [EXPOSED_HEADERS]);
  assertEquals(headerValues(res, "vary"), ["Origin"]);
  assertEquals(headerValues(res, "access-control-allow-credentials"), []);
  assertEquals(SHARED_HEADERS, [["Content-Type", "text/plain"]], "shared array untouched");
});

Deno.test("withCors adds Vary: Origin even without an Origin, and no allow-origin", async () => {
  const { handler } = app();
  const res = await withCors(handler)(buildRequest());
  assertEquals(headerValues(res, "vary"), ["Origin"]);
  assertEquals(headerValues(res, "access-control-allow-origin"), []);
});

Deno.test("withCors merges Origin into an existing Vary field", async () => {
  const handler: Handler = () => ({ status: 200, headers: [["Vary", "Accept-Encoding"]] });
  const res = await withCors(handler)(buildRequest({ headers: [["Origin", "null"]] }));
  assertEquals(headerValues(res, "vary"), ["Accept-Encoding, Origin"]);
  assertEquals(headerValues(res, "access-control-allow-origin"), ["null"]);
  const star: Handler = () => ({ status: 200, headers: [["vary", "*"]] });
  assertEquals(headerValues(await withCors(star)(buildRequest()), "vary"), ["*"]);
});

Deno.test("withCors answers a preflight itself with methods, headers and max-age", async () => {
  const { handler, seen } = app();
  const res = await withCors(handler)(buildRequest({
    method: "OPTIONS",
    target: "/files/a.txt",
    headers: [
      ["Host", "t"],
      ["Origin", "https://a.example"],
      ["Access-Control-Request-Method", "PUT"],
      ["Access-Control-Request-Headers", "authorization, content-type,x-custom"],
    ],
  }));
  assertEquals(seen.length, 0, "the app (and its auth) never saw the preflight");
  assertEquals(res.status, 204);
  assertEquals(headerValues(res, "access-control-allow-origin"), ["https://a.example"]);
  assertEquals(headerValues(res, "access-control-allow-methods"), ["PUT"]);
  assertEquals(headerValues(res, "access-control-allow-headers"), [
    "authorization, content-type,x-custom",
  ]);
  assertEquals(headerValues(res, "access-control-max-age"), [String(PREFLIGHT_MAX_AGE_SECONDS)]);
  assertEquals(headerValues(res, "access-control-allow-credentials"), []);
  assert(headerValues(res, "vary")[0].includes("Origin"));
});

Deno.test("withCors allows nothing for a preflight with a malformed header list", async () => {
  const { handler } = app();
  const res = await withCors(handler)(buildRequest({
    method: "OPTIONS",
    headers: [
      ["Origin", "https://a.example"],
      ["Access-Control-Request-Method", "PUT"],
      ["Access-Control-Request-Headers", "bad header"],
    ],
  }));
  assertEquals(res.status, 204);
  assertEquals(headerValues(res, "access-control-allow-origin"), []);
});

Deno.test("withCors allows nothing for a header list followed by a no-break space", async () => {
  // OWS is SP and HTAB only (RFC 9110 §5.6.3): `x-a\xA0` is no token list to echo as `x-a`.
  for (const requested of ["x-a\xA0", "\xA0x-a", "\xA0"]) {
    const res = await withCors(app().handler)(buildRequest({
      method: "OPTIONS",
      headers: [
        ["Origin", "https://a.example"],
        ["Access-Control-Request-Method", "PUT"],
        ["Access-Control-Request-Headers", requested],
      ],
    }));
    assertEquals(res.status, 204);
    assertEquals(headerValues(res, "access-control-allow-origin"), [], JSON.stringify(requested));
    assertEquals(headerValues(res, "access-control-allow-headers"), []);
  }
});

Deno.test("withCors passes a plain OPTIONS (no preflight) to the app", async () => {
  const { handler, seen } = app();
  const res = await withCors(handler)(
    buildRequest({ method: "OPTIONS", headers: [["Origin", "https://a.example"]] }),
  );
  assertEquals(seen.length, 1);
  assertEquals(headerValues(res, "access-control-allow-origin"), ["https://a.example"]);
});

Deno.test("withCors drops the CORS fields a handler set, but for Expose-Headers", async () => {
  // `/response-headers?Access-Control-Allow-Credentials=true` sets whatever it is asked to.
  const handler: Handler = () => ({
    status: 200,
    headers: [
      ["Access-Control-Allow-Credentials", "true"],
      ["access-control-allow-origin", "*"],
      ["Access-Control-Allow-Methods", "PUT"],
      ["Access-Control-Expose-Headers", "Upload-Offset"],
      ["X-Kept", "1"],
    ],
  });
  const res = await withCors(handler)(
    buildRequest({ headers: [["Host", "t"], ["Origin", "https://a.example"]] }),
  );
  assertEquals(headerValues(res, "access-control-allow-credentials"), []);
  assertEquals(headerValues(res, "access-control-allow-methods"), []);
  assertEquals(headerValues(res, "access-control-allow-origin"), ["https://a.example"]);
  assertEquals(headerValues(res, "access-control-expose-headers"), [
    "Upload-Offset",
    EXPOSED_HEADERS,
  ]);
  assertEquals(headerValues(res, "x-kept"), ["1"]);
});
