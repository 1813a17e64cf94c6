/**
 * A small handler for engine tests: each path exercises one engine behaviour.
 * @module
 */

import { readBodyBytes } from "../../src/http/read_body_bytes.ts";
import type { Handler, HttpResponse } from "../../src/http/types.ts";

const text = (status: number, body: string): HttpResponse => ({
  status,
  headers: [["Content-Type", "text/plain"]],
  body,
});

/** The engine-test app. */
export const testHandler: Handler = async (req) => {
  switch (req.path) {
    case "/":
      return text(200, `hello ${req.connection.requestIndex}`);
    case "/path":
      return text(200, `${req.method} ${req.path}?${req.query}`);
    case "/body": {
      const body = await readBodyBytes(req.body, 1 << 20);
      const trailers = req.body.trailers?.entries().map(([k, v]) => `${k}=${v}`).join(";") ?? "";
      return {
        status: 200,
        headers: [["Content-Type", "application/octet-stream"], ["X-Trailers", trailers], [
          "X-Continue",
          String(req.continueSent),
        ]],
        body,
      };
    }
    case "/noread":
      return text(200, "not reading your body");
    case "/stream":
      return {
        status: 200,
        body: {
          kind: "stream",
          stream: (async function* () {
            yield new TextEncoder().encode("one,");
            yield new TextEncoder().encode("two");
          })(),
        },
      };
    case "/empty":
      return { status: 204 };
    case "/not-modified":
      return { status: 304, headers: [["ETag", '"x"']] };
    case "/bad-header":
      return { status: 200, headers: [["X-Bad", "a\r\nInjected: yes"]], body: "x" };
    case "/throw":
      throw new Error("handler exploded");
    case "/close":
      return { ...text(200, "bye"), close: true };
    default:
      return text(404, "nope");
  }
};
