/**
 * `--host` as an address to bind: a host name or an IP literal (an IPv6 one with or without
 * brackets, a zone like `fe80::1%eth0` included), and anything made of digits and dots must be a
 * real dotted quad, so a typo like `10.0.0` is refused rather than looked up as a name.
 *
 * This module checks the text only; it must not resolve names or open sockets (a name nothing
 * resolves is found when `main.ts` listens).
 * @module
 */

import type { OptionReader } from "./option_reader.ts";

/** Host names and IP literals (an IPv6 zone like `fe80::1%eth0` included); brackets stripped. */
const HOST = /^[A-Za-z0-9.:%_-]{1,253}$/;
/** Digits and dots only: meant as an IPv4 address, so it must be one (RFC 791 dotted quad). */
const DOTTED = /^[0-9.]+$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** The `--host` to bind, brackets stripped (`[::1]` → `::1`); undefined when unset. */
export function hostOption(r: OptionReader): string | undefined {
  const text = r.string(
    "host",
    (t) => HOST.test(stripBrackets(t)) && (!DOTTED.test(t) || IPV4.test(t)),
    "an IP address or host name",
  );
  return text === undefined ? undefined : stripBrackets(text);
}

function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}
