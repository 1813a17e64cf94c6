/**
 * The address a client is known by: the socket's, with an IPv4-mapped IPv6 address
 * (`::ffff:127.0.0.1`, which a listener on `::` sees for every IPv4 client) written as the IPv4
 * address it is, as Go and nginx show it — in the access log, `/ip` and `/inspect` alike.
 *
 * This module must not know about lines or requests.
 * @module
 */

const MAPPED_PREFIX = "::ffff:";
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** `hostname` (a socket's remote address) as the client is known by (see the module doc). */
export function clientAddress(hostname: string): string {
  if (hostname.length > MAPPED_PREFIX.length && hostname.toLowerCase().startsWith(MAPPED_PREFIX)) {
    const v4 = hostname.slice(MAPPED_PREFIX.length);
    if (IPV4.test(v4)) return v4;
  }
  return hostname;
}
