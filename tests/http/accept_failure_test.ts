/**
 * Sorting a failed accept: a client that reset before being accepted is skipped at once, running
 * out of descriptors or socket memory backs off, and anything unknown backs off too.
 */

import { assertEquals } from "../support/assert.ts";
import { type AcceptFailureKind, classifyAcceptFailure } from "../../src/http/accept_failure.ts";

/** An error as Deno 2.9 throws it for an errno without its own class: a plain Error with `code`. */
function errno(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

const CASES: [string, unknown, AcceptFailureKind][] = [
  // What a reset before accept gives in Deno 2.9 (probed: SO_LINGER 0 close right after connect).
  [
    "ENOTCONN as Deno's NotConnected",
    Object.assign(
      new Deno.errors.NotConnected("Transport endpoint is not connected (os error 107)"),
      { code: "ENOTCONN" },
    ),
    "connection-gone",
  ],
  ["NotConnected without a code", new Deno.errors.NotConnected("gone"), "connection-gone"],
  ["ConnectionAborted", new Deno.errors.ConnectionAborted("aborted"), "connection-gone"],
  ["ConnectionReset", new Deno.errors.ConnectionReset("reset"), "connection-gone"],
  [
    "ECONNABORTED by code",
    errno("ECONNABORTED", "Software caused connection abort"),
    "connection-gone",
  ],
  ["EPROTO: a pending network error", errno("EPROTO", "Protocol error"), "connection-gone"],
  ["EPERM: a firewall rule", errno("EPERM", "Operation not permitted"), "connection-gone"],
  ["EMFILE", errno("EMFILE", "Too many open files (os error 24)"), "out-of-resources"],
  ["ENFILE", errno("ENFILE", "Too many open files in system (os error 23)"), "out-of-resources"],
  ["ENOBUFS", errno("ENOBUFS", "No buffer space available (os error 105)"), "out-of-resources"],
  ["ENOMEM", errno("ENOMEM", "Cannot allocate memory (os error 12)"), "out-of-resources"],
  ["an unknown errno", errno("EINVAL", "Invalid argument"), "unknown"],
  ["an Error without a code", new Error("odd"), "unknown"],
  ["a non-Error", "odd", "unknown"],
  ["null", null, "unknown"],
];

for (const [name, err, kind] of CASES) {
  Deno.test(`classifyAcceptFailure says ${kind} for ${name}`, () => {
    assertEquals(classifyAcceptFailure(err), kind);
  });
}
