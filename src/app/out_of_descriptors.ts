/**
 * Running out of file descriptors (EMFILE for the process, ENFILE for the system) is the
 * server's momentary trouble, never a fact about the file: a file that cannot be opened for want
 * of descriptors still exists. Every place that opens, reads or lists something for a request
 * lets this failure through (`throwIfOutOfDescriptors` in its `catch`), and `withOutOfDescriptors`
 * turns it into one answer: 503 with a short `Retry-After` (RFC 9110 §15.6.4, §10.2.3), no 404, and
 * no cache told that the file is gone.
 *
 * Deno 2.9 reports both as a plain `Error` (no `Deno.errors` class) whose `code` is the errno
 * name: `Too many open files (os error 24): open '…'`, `code: "EMFILE"` (probed).
 *
 * This module must not know which feature opened what.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { Handler, HttpRequest, HttpResponse } from "../http/types.ts";

/** The errno names of "no descriptor left": this process's limit, the system's table. */
const OUT_OF_DESCRIPTORS_CODES: ReadonlySet<string> = new Set(["EMFILE", "ENFILE"]);

/** How long a client should wait before asking again: descriptors come back within seconds. */
export const OUT_OF_DESCRIPTORS_RETRY_AFTER_SECONDS = 1;

const TEXT = "Server busy (out of file descriptors); try again\n";

/** Whether `err` says that no file descriptor was left (EMFILE or ENFILE). */
export function isOutOfDescriptors(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" && OUT_OF_DESCRIPTORS_CODES.has(code);
}

/**
 * Rethrows `err` when it is running out of descriptors; for the `catch` of a site that maps its
 * other failures to "missing", "forbidden" or 500, so that this one reaches `withOutOfDescriptors`.
 */
export function throwIfOutOfDescriptors(err: unknown): void {
  if (isOutOfDescriptors(err)) throw err;
}

/** The 503 for a request that could not be served for want of descriptors. */
export function outOfDescriptorsResponse(): HttpResponse {
  return {
    status: STATUS.ServiceUnavailable,
    headers: [
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Retry-After", `${OUT_OF_DESCRIPTORS_RETRY_AFTER_SECONDS}`],
    ],
    body: TEXT,
  };
}

/**
 * `handler`, answering 503 + Retry-After when it throws (or rejects with) an out-of-descriptors
 * error; any other error goes on as before. A synchronous answer stays synchronous.
 */
export function withOutOfDescriptors(handler: Handler): Handler {
  return (req: HttpRequest) => {
    let res: HttpResponse | Promise<HttpResponse>;
    try {
      res = handler(req);
    } catch (err) {
      if (isOutOfDescriptors(err)) return outOfDescriptorsResponse();
      throw err;
    }
    return res instanceof Promise ? res.catch(onRejected) : res;
  };
}

function onRejected(err: unknown): HttpResponse {
  if (isOutOfDescriptors(err)) return outOfDescriptorsResponse();
  throw err;
}
