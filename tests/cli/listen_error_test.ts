/** The one line for a failure to listen: the address as a URL writes it, and why. */

import { assertEquals } from "../support/assert.ts";
import { listenError } from "../../src/cli/listen_error.ts";
import type { Config } from "../../src/cli/config.ts";

const config = (hostname: string, port = 8000) =>
  ({ hostname, port, tls: null }) as unknown as Config;

Deno.test("listenError brackets an IPv6 address before its port", () => {
  assertEquals(
    listenError(config("::"), new Deno.errors.AddrInUse("in use"), "--host"),
    "cannot listen on [::]:8000: the port is already in use (--port 0 picks a free one)",
  );
  assertEquals(
    listenError(config("127.0.0.1"), new Deno.errors.AddrInUse("in use"), "--host"),
    "cannot listen on 127.0.0.1:8000: the port is already in use (--port 0 picks a free one)",
  );
});

Deno.test("listenError says a link-local address needs its interface", () => {
  assertEquals(
    listenError(
      config("fe80::fc:ff:fe00:1"),
      new Error("Invalid argument (os error 22)"),
      "--host",
    ),
    "cannot listen on [fe80::fc:ff:fe00:1]:8000: a link-local address needs its interface " +
      "(--host fe80::fc:ff:fe00:1%<interface>)",
  );
});

Deno.test("listenError names a version 1 certificate as such", () => {
  const tls = { ...config("127.0.0.1"), tls: { cert: "c", key: "k" } } as unknown as Config;
  const line = listenError(
    tls,
    new Error("invalid peer certificate: Other(OtherError(UnsupportedCertVersion))"),
    "--host",
  );
  assertEquals(line.startsWith("--tls-cert: the certificate is X.509 version 1"), true, line);
});
