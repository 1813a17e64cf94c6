/**
 * The URLs a server answers on, from the address it is bound to and the machine's interfaces:
 * the loopback one first, then each LAN address when bound to every interface. The banner prints
 * them; `GET /api/info` hands the LAN ones (`lanUrls`) to the page, which shows them with a QR
 * code so a phone can open the share.
 *
 * This module must not open sockets or read the machine's interfaces itself: they are passed in.
 * @module
 */

/** An interface address as `Deno.networkInterfaces()` reports it (only what is used). */
export interface InterfaceAddress {
  family: "IPv4" | "IPv6";
  address: string;
}

/** Whether `host` only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === "localhost" || h === "::1" || h.startsWith("127.") || h.startsWith("::ffff:127.");
}

/** Whether `host` means every interface. */
export function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host === "[::]";
}

/**
 * Every URL to open for a server bound to `hostname:port`: that address, or for a wildcard the
 * loopback address and each interface address (IPv6 ones only when bound to `::`).
 */
export function serverUrls(
  hostname: string,
  port: number,
  tls: boolean,
  interfaces: readonly InterfaceAddress[],
): string[] {
  const scheme = tls ? "https" : "http";
  const url = (host: string) => `${scheme}://${urlHost(host)}:${port}/`;
  if (!isWildcard(hostname)) return [url(hostname)];
  const v6 = hostname !== "0.0.0.0";
  const out = [url(v6 ? "::1" : "127.0.0.1")];
  const seen = new Set<string>();
  for (const i of interfaces) {
    if (isLoopback(i.address) || seen.has(i.address)) continue;
    // Link-local IPv6 needs a zone id that browsers do not accept in URLs.
    if (i.family === "IPv6" && (!v6 || i.address.toLowerCase().startsWith("fe80:"))) continue;
    seen.add(i.address);
    out.push(url(i.address));
  }
  return out;
}

/**
 * `host` as a URL writes it: an IPv6 literal in brackets, its zone (`fe80::1%eth0`, the interface
 * a link-local address is on) after `%25`, the `%` itself percent-encoded (RFC 6874 §2:
 * `http://[fe80::1%25eth0]:8000/`).
 */
export function urlHost(host: string): string {
  if (!host.includes(":")) return host;
  const at = host.indexOf("%");
  if (at === -1) return `[${host}]`;
  return `[${host.slice(0, at)}%25${encodeURIComponent(host.slice(at + 1))}]`;
}

/**
 * The address bound, with the zone `asked` gave (`--host fe80::1%eth0`): the system reports the
 * bound address without it, and a link-local address without its interface names no host.
 */
export function withZone(bound: string, asked: string): string {
  const at = asked.indexOf("%");
  if (at === -1 || bound.includes("%") || !bound.includes(":")) return bound;
  return `${bound}${asked.slice(at)}`;
}

/** The URLs another machine on the network can open: `serverUrls` without loopback ones. */
export function lanUrls(
  hostname: string,
  port: number,
  tls: boolean,
  interfaces: readonly InterfaceAddress[],
): string[] {
  return serverUrls(hostname, port, tls, interfaces).filter((u) => !isLoopback(hostOf(u)));
}

/** The host of a URL `serverUrls` built, without brackets (a zone stays encoded). */
function hostOf(url: string): string {
  const rest = url.slice(url.indexOf("//") + 2);
  if (rest.startsWith("[")) return rest.slice(1, rest.indexOf("]"));
  return rest.slice(0, rest.indexOf(":"));
}
