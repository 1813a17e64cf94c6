/**
 * Releases a response body that will not be sent (HEAD, 304, an error before it): a file is
 * closed and a stream cancelled, so neither holds a descriptor or a producer until collected.
 *
 * This module must not know why the body goes unsent, nor about connections or framing.
 * @module
 */

import type { ResponseBody } from "./types.ts";

/** Releases `body` without reading it: closes a file, cancels a stream; bytes and strings are left. */
export async function discardBody(body: ResponseBody | undefined): Promise<void> {
  if (body === null || body === undefined || typeof body === "string") return;
  if (body instanceof Uint8Array) return;
  if (body.kind === "file") {
    body.file.close();
    return;
  }
  // A ReadableStream is cancelled; an async generator has no cancel, but `return` ends it.
  const stream = body.stream as AsyncIterable<Uint8Array> & { cancel?: () => Promise<void> };
  if (typeof stream.cancel === "function") await stream.cancel().catch(() => {});
  else await stream[Symbol.asyncIterator]().return?.();
}
