/**
 * The `Content-Digest` field of an upload (RFC 9530 §2): `sha-256=:<base64>:`, so the server
 * verifies that what arrived is what the browser read from disk.
 *
 * `crypto.subtle` exists only in a secure context (https, or http on 127.0.0.1 / localhost).
 * Opened over plain http on a LAN address, the page has no `crypto.subtle`: uploads then go
 * without a digest (the server treats the field as optional) instead of failing.
 * @module
 */

/**
 * Largest file hashed before sending, in bytes. `crypto.subtle.digest` takes the whole file in
 * memory at once (it has no streaming interface), so bigger files go without a digest rather
 * than risk exhausting the tab's memory.
 */
export const MAX_DIGEST_BYTES = 256 * 1024 * 1024;

/** Whether this page can compute digests at all. */
export function digestAvailable() {
  return globalThis.isSecureContext === true && globalThis.crypto?.subtle !== undefined;
}

/** The Content-Digest value for `file`, or null when it cannot or should not be computed. */
export async function contentDigest(file) {
  if (!digestAvailable() || file.size > MAX_DIGEST_BYTES) return null;
  const hash = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return `sha-256=:${toBase64(new Uint8Array(hash))}:`;
}

function toBase64(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
