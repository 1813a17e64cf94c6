/** `/image` (negotiated) and `/image/<kind>`: the bytes are real images of the named type. */

import { appConfig } from "../../src/app/app_config.ts";
import { createRouter } from "../../src/app/router.ts";
import { httpbinRoutes } from "../../src/httpbin/httpbin_routes.ts";
import { chooseImage } from "../../src/httpbin/images.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { bodyBytes, buildRequest, header } from "../support/request_builder.ts";

const app = createRouter(httpbinRoutes(appConfig()));
const call = (target: string, accept?: string) =>
  app(buildRequest({
    target,
    headers: accept === undefined ? [["Host", "t"]] : [["Host", "t"], ["Accept", accept]],
  }));

/** Each format's signature (PNG: RFC 2083 §12.12; JPEG SOI + JFIF; RIFF….WEBP; an <svg>). */
const SIGNATURES: Record<string, (b: Uint8Array) => boolean> = {
  "image/png": (b) => b.subarray(0, 8).toHex() === "89504e470d0a1a0a",
  "image/jpeg": (b) => b.subarray(0, 3).toHex() === "ffd8ff" && b.subarray(-2).toHex() === "ffd9",
  "image/webp": (b) =>
    new TextDecoder().decode(b.subarray(0, 4)) === "RIFF" &&
    new TextDecoder().decode(b.subarray(8, 12)) === "WEBP" &&
    new DataView(b.buffer, b.byteOffset).getUint32(4, true) === b.length - 8,
  "image/svg+xml": (b) => new TextDecoder().decode(b).includes("<svg "),
};

for (
  const [kind, type] of [["png", "image/png"], ["jpeg", "image/jpeg"], ["webp", "image/webp"], [
    "svg",
    "image/svg+xml",
  ]]
) {
  Deno.test(`/image/${kind} answers a ${type} image`, async () => {
    const res = await call(`/image/${kind}`);
    assertEquals(res.status, 200);
    assertEquals(header(res, "content-type"), type);
    assert(SIGNATURES[type](await bodyBytes(res.body)), `${kind} signature`);
  });
}

Deno.test("/image/<kind> reads the kind decoded, as go-httpbin does: /image/pn%67 is a PNG", async () => {
  const res = await call("/image/pn%67");
  assertEquals(res.status, 200);
  assertEquals(header(res, "content-type"), "image/png");
  assertEquals((await call("/image/pn%6")).status, 404, "a malformed escape names no kind");
});

Deno.test("/image/<unknown> answers 404", async () => {
  for (const kind of ["gif", "jpg", "", "png/x"]) {
    assertEquals((await call(`/image/${kind}`)).status, 404, kind);
  }
});

const NEGOTIATED: Array<[string | undefined, string | null]> = [
  [undefined, "image/png"],
  ["*/*", "image/png"],
  ["image/*", "image/png"],
  ["image/webp", "image/webp"],
  ["image/jpeg", "image/jpeg"],
  ["image/svg+xml", "image/svg+xml"],
  ["text/html,image/webp,image/apng,*/*;q=0.8", "image/webp"], // Chromium's <img> Accept
  ["image/png;q=0.5, image/jpeg", "image/jpeg"],
  ["image/*;q=0.5, image/png;q=0", "image/webp"],
  ["image/*, image/png;q=0, image/webp;q=0, image/svg+xml;q=0", "image/jpeg"],
  ["text/html", null],
  ["image/gif", null],
  ["image/png;q=0", null],
  ["image/jpg", null],
  // OWS is SP and HTAB only (RFC 9110 §5.6.3): a no-break space (0xA0) makes another range.
  ["\timage/webp\t", "image/webp"],
  ["image/webp\xA0", null],
  ["image/webp\xA0, image/jpeg;q=0.5", "image/jpeg"],
  ["image/webp;q=0.5\xA0, image/jpeg;q=0.1", "image/jpeg"],
];

for (const [accept, type] of NEGOTIATED) {
  Deno.test(`chooseImage picks ${type} for Accept: ${accept}`, () => {
    assertEquals(chooseImage(accept)?.type ?? null, type);
  });
}

Deno.test("/image answers the negotiated type with Vary: Accept, or 406", async () => {
  const webp = await call("/image", "image/webp");
  assertEquals([webp.status, header(webp, "content-type")], [200, "image/webp"]);
  assertEquals(header(webp, "vary"), "Accept");
  assertEquals((await call("/image", "text/plain")).status, 406);
});
