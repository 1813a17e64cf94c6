/**
 * Errors as the lines wireserve prints on stderr: why the server could not listen, named by the
 * option to change (`--port 0 picks a free one`, `--host`, the TLS files), and any other error
 * with its stack.
 *
 * This module words errors; it must not print, listen or exit.
 * @module
 */

import type { Config } from "./config.ts";

/** Deno's error for a host name the resolver does not know (getaddrinfo failed). */
const LOOKUP_FAILED = /failed to lookup address/i;
/** The TLS layer's word for a key that does not belong to the certificate. */
const KEY_MISMATCH = /KeyMismatch/;
const CERT_V1 = /UnsupportedCertVersion/;

/** Whether `e` is the resolver not knowing the host name: a bad `--host` value (exit 2). */
export function isLookupFailure(e: unknown): boolean {
  return e instanceof Error && LOOKUP_FAILED.test(e.message);
}

/** The line for a failure to listen as `config` asks; `hostSource` names where --host came from. */
export function listenError(config: Config, e: unknown, hostSource: string): string {
  // An IPv6 address is bracketed before its port (RFC 3986 §3.2.2): `[::]:8000`, not `:::8000`.
  const host = config.hostname.includes(":") ? `[${config.hostname}]` : config.hostname;
  const where = `${host}:${config.port}`;
  if (isLookupFailure(e)) {
    return `${hostSource}: ${
      JSON.stringify(config.hostname)
    } is not an address of this machine or a name it can resolve`;
  }
  if (e instanceof Deno.errors.AddrInUse) {
    return `cannot listen on ${where}: the port is already in use (--port 0 picks a free one)`;
  }
  if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable) {
    return `cannot listen on ${where}: permission denied (ports below 1024 need privileges)`;
  }
  if (e instanceof Deno.errors.AddrNotAvailable) {
    return `cannot listen on ${where}: no such address on this machine (--host)`;
  }
  const message = e instanceof Error ? e.message : String(e);
  // A link-local IPv6 address names no interface by itself: the kernel answers EINVAL.
  if (/^fe[89ab]/i.test(config.hostname) && !config.hostname.includes("%")) {
    return `cannot listen on ${where}: a link-local address needs its interface (--host ${config.hostname}%<interface>)`;
  }
  // Deno reports a certificate/key problem (mismatch, bad key type) only when listening; the
  // start-up check catches a mismatch first, this is the backstop for what it cannot parse.
  if (config.tls !== null && KEY_MISMATCH.test(message)) {
    return "--tls-key: the private key does not match the certificate in --tls-cert";
  }
  // `openssl x509 -req … -signkey` without `-extfile` makes a v1 certificate, which rustls refuses
  // (as "invalid peer certificate", though it is ours).
  if (config.tls !== null && CERT_V1.test(message)) {
    return "--tls-cert: the certificate is X.509 version 1, which TLS here does not take; make a " +
      "v3 one (openssl req -x509 …, or openssl x509 -req … with -extfile)";
  }
  if (config.tls !== null) return `cannot use --tls-cert and --tls-key: ${message}`;
  return `cannot listen on ${where}: ${message}`;
}

/** An unexpected error for stderr: its stack when it has one. */
export function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
