/**
 * Names of WebDAV resources: the resource path the lock table and the `If` header use
 * ("/a/b", "/" for the share), the `href` a 207 carries, and the URLs clients send back in
 * `Destination` and in the `If` header's resource tags.
 *
 * Decisions:
 * - `Destination` (RFC 4918 §10.3) may be an absolute URI or an absolute path. An absolute URI
 *   whose authority is not the request's `Host`, whose scheme is neither `http` nor `https`, or
 *   any path outside `/files/`, names a resource this server does not hold here → 502 Bad Gateway
 *   (§9.8.5, §9.9.4: "on another server, repository, or URL namespace"). A malformed one → 400.
 * - `http` and `https` are both taken for this server, whichever the connection is: behind a
 *   proxy that ends TLS (README: nginx, Caddy) every client writes `https://` URLs for a server
 *   that sees plain HTTP, and refusing them would break COPY and MOVE there (Apache needs a
 *   `RequestHeader edit Destination` rule for the same reason).
 * - Only the path is kept; query and fragment are dropped. The path is then resolved by the same
 *   safe-path rules as a request path (the caller does that), never trusted as it came.
 * - Bytes above 0x7F written raw (not percent-encoded) are taken as the UTF-8 they are: the HTTP
 *   layer hands field values over one byte per character (latin1), so `é` sent raw arrives as the
 *   two characters `Ã©`, and decoding those as they stand wrote a file of that garbled name.
 *   Escaping each such byte first makes a raw UTF-8 name mean what an encoded one does (invalid
 *   UTF-8 then fails the decoding: 400), as Apache and nginx read it.
 *
 * This module must not touch the disk.
 * @module
 */

import { FILES_BARE, FILES_MOUNT, segmentsUrl } from "../files/mod.ts";
import { trimOws } from "../http/ows.ts";

/** The resource path of `segments` ("/" for none). */
export function resourcePath(segments: readonly string[]): string {
  return `/${segments.join("/")}`;
}

/** The resource path of the folder holding `segments` (null for the share itself). */
export function parentPath(segments: readonly string[]): string | null {
  return segments.length === 0 ? null : resourcePath(segments.slice(0, -1));
}

/** The `href` of a resource: percent-encoded, with a final "/" for a collection. */
export function hrefOf(segments: readonly string[], isDir: boolean): string {
  return segmentsUrl(FILES_MOUNT, segments, isDir);
}

/** The raw (still encoded) path below the mount of a request path under `/files`. */
export function belowMount(path: string): string {
  return path === FILES_BARE ? "" : path.slice(FILES_MOUNT.length);
}

/** A URL a client sent, reduced to the raw path below `/files/`, or why it cannot be. */
export type UrlTarget = { ok: true; raw: string } | {
  ok: false;
  reason: "malformed" | "elsewhere";
};

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** The ports a URI may leave out (RFC 3986 §6.2.3: `http://h:80/` and `http://h/` are one). */
const DEFAULT_PORTS: ReadonlyMap<string, string> = new Map([["http", "80"], ["https", "443"]]);

/** `authority` lower-cased, without the scheme's default port, for comparing two of them. */
function normalAuthority(authority: string, defaultPort: string | undefined): string {
  const a = authority.toLowerCase();
  return defaultPort !== undefined && a.endsWith(`:${defaultPort}`)
    ? a.slice(0, -defaultPort.length - 1)
    : a;
}

/**
 * The raw path below the mount that `url` names (an absolute URI on `host`, or an absolute
 * path), or why not.
 */
export function urlBelowMount(url: string, host: string | undefined): UrlTarget {
  // Only HTTP's whitespace (RFC 9110 §5.6.3): `trim()` would also take U+00A0, the byte 0xA0
  // that ends a raw UTF-8 `à`.
  let path = trimOws(url);
  if (path === "") return { ok: false, reason: "malformed" };
  const scheme = SCHEME.exec(path);
  if (scheme !== null) {
    const rest = path.slice(scheme[0].length);
    const slash = rest.indexOf("/");
    const authority = slash < 0 ? rest : rest.slice(0, slash);
    const defaultPort = DEFAULT_PORTS.get(scheme[0].slice(0, -"://".length).toLowerCase());
    if (
      // refuse: only HTTP's schemes name this server (`ftp://` on the same host does not)
      defaultPort === undefined || host === undefined ||
      normalAuthority(authority, defaultPort) !== normalAuthority(trimOws(host), defaultPort)
    ) {
      return { ok: false, reason: "elsewhere" };
    }
    path = slash < 0 ? "/" : rest.slice(slash);
  } else if (!path.startsWith("/") || path.startsWith("//")) {
    return { ok: false, reason: "malformed" };
  }
  const end = path.search(/[?#]/);
  if (end >= 0) path = path.slice(0, end);
  if (path === FILES_BARE) return { ok: true, raw: "" };
  if (!path.startsWith(FILES_MOUNT)) return { ok: false, reason: "elsewhere" };
  return { ok: true, raw: escapeRawBytes(path.slice(FILES_MOUNT.length)) };
}

const RAW_BYTE = /[\x80-\xff]/g;
const HEX_RADIX = 16;

/** `path` with every character U+0080–U+00FF (a raw byte of the field value) as `%XX`. */
function escapeRawBytes(path: string): string {
  return path.replace(
    RAW_BYTE,
    (c) => `%${c.charCodeAt(0).toString(HEX_RADIX).toUpperCase().padStart(2, "0")}`,
  );
}
