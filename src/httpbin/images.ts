/**
 * `/image` (the format chosen from `Accept`) and `/image/<kind>` for png, jpeg, webp and svg.
 *
 * This module must not touch sockets.
 * @module
 */

import { percentDecode } from "../app/percent_decode.ts";
import { jsonError } from "../app/json_response.ts";
import { memberWeight } from "../app/qvalue.ts";
import { trimOws } from "../http/ows.ts";
import { STATUS } from "../http/status.ts";
import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { SAMPLE_JPEG, SAMPLE_PNG, SAMPLE_SVG, SAMPLE_WEBP } from "./sample_images.ts";

/** One sample image: its media type and bytes. */
interface Image {
  readonly type: string;
  readonly bytes: Uint8Array;
}

/**
 * The images by kind, in the order `/image` prefers them when `Accept` ranks several equally
 * (go-httpbin's order: png, webp, svg, jpeg).
 */
export const IMAGES: ReadonlyMap<string, Image> = new Map([
  ["png", { type: "image/png", bytes: SAMPLE_PNG }],
  ["webp", { type: "image/webp", bytes: SAMPLE_WEBP }],
  ["svg", { type: "image/svg+xml", bytes: new TextEncoder().encode(SAMPLE_SVG) }],
  ["jpeg", { type: "image/jpeg", bytes: SAMPLE_JPEG }],
]);

function imageResponse(image: Image): HttpResponse {
  return { status: STATUS.OK, headers: [["Content-Type", image.type]], body: image.bytes };
}

/**
 * The image `accept` asks for (RFC 9110 §12.5.1): the highest q among the media ranges that
 * match one (`image/png`, `image/*`, `*\/*`; the most specific range decides a type's q), ties
 * broken by {@link IMAGES}' order; png when there is no Accept; null when none is acceptable.
 */
export function chooseImage(accept: string | undefined): Image | null {
  if (accept === undefined || trimOws(accept) === "") return IMAGES.get("png")!;
  const ranges = accept.split(",").map((member) => {
    const params = member.split(";");
    // OWS only (RFC 9110 §5.6.3): `image/png\xA0` is another range, matching no image.
    return { range: trimOws(params[0]).toLowerCase(), q: memberWeight(params.slice(1)) };
  });
  let best: Image | null = null;
  let bestQ = 0;
  for (const image of IMAGES.values()) {
    // §12.5.1: the most specific matching range gives the type its q.
    let q = -1;
    let specificity = -1;
    for (const { range, q: rangeQ } of ranges) {
      const s = range === image.type ? 2 : range === "image/*" ? 1 : range === "*/*" ? 0 : -1;
      if (s > specificity) [q, specificity] = [rangeQ, s];
    }
    if (q > bestQ) [best, bestQ] = [image, q];
  }
  return best;
}

/**
 * `/image`: the sample picture in the format `Accept` prefers; 406 Not Acceptable when it
 * accepts none of png, webp, svg, jpeg (RFC 9110 §15.5.7; go-httpbin says 415, httpbin.org 406).
 */
export function imageAcceptHandler(req: HttpRequest): HttpResponse {
  const image = chooseImage(req.headers.list("accept"));
  if (image === null) {
    return jsonError(STATUS.NotAcceptable, "Cannot send an image: Accept allows none we have");
  }
  return { ...imageResponse(image), headers: [["Content-Type", image.type], ["Vary", "Accept"]] };
}

/** `/image/<kind>`: that format (png, jpeg, webp, svg), else 404. */
export function imageKindHandler(prefix: string) {
  return (req: HttpRequest): HttpResponse => {
    // Read decoded, as go-httpbin (Go's decoded URL path) reads it: /image/pn%67 is a PNG.
    const image = IMAGES.get(percentDecode(req.path.slice(prefix.length)) ?? "");
    return image === undefined
      ? jsonError(STATUS.NotFound, "Cannot send an image: the kinds are png, jpeg, webp, svg")
      : imageResponse(image);
  };
}
