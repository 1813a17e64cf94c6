/**
 * Digest-auth nonces that need no server state (RFC 7616 §3.3 leaves the nonce's form to the
 * server): `<issued ms, hex>.<HMAC-SHA-256(key, issued ms), hex, truncated>`. Any worker holding
 * the process key (`AppConfig.processKey`, cloned into every worker) can tell a nonce it minted
 * from a forged one, and how old it is, without asking the others.
 *
 * What this gives up, stated: a nonce can be replayed with the same `nc` until it expires,
 * since no worker remembers the counts it has seen (go-httpbin does not check them either).
 *
 * This module must not know about requests.
 * @module
 */

import { createHmac, timingSafeEqual } from "node:crypto";

/** How long a nonce is accepted; after that a correct answer gets `stale=true` (RFC 7616 §3.3). */
export const NONCE_LIFETIME_MS = 5 * 60 * 1000;
/** How far in the future an issue time may lie (clock steps between workers: none in practice). */
const NONCE_FUTURE_SLACK_MS = 1000;
/** Hex digits of the MAC kept in the nonce: 128 bits, beyond guessing. */
const MAC_HEX_DIGITS = 32;
const HEX_RADIX = 16;
const NONCE_SHAPE = /^([0-9a-f]{1,13})\.([0-9a-f]+)$/;

function mac(key: string, issued: string): string {
  return createHmac("sha256", key).update(`nonce:${issued}`).digest("hex").slice(0, MAC_HEX_DIGITS);
}

/** A fresh nonce issued at `nowMs`. */
export function mintNonce(key: string, nowMs: number): string {
  const issued = Math.floor(nowMs).toString(HEX_RADIX);
  return `${issued}.${mac(key, issued)}`;
}

/** What a nonce is worth: ours and in date, ours but too old, or not ours at all. */
export type NonceState = "valid" | "stale" | "invalid";

/** Checks `nonce` against `key` at `nowMs` (the MAC compared in constant time). */
export function checkNonce(key: string, nonce: string, nowMs: number): NonceState {
  const m = NONCE_SHAPE.exec(nonce);
  if (m === null || m[2].length !== MAC_HEX_DIGITS) return "invalid";
  const expected = new TextEncoder().encode(mac(key, m[1]));
  if (!timingSafeEqual(new TextEncoder().encode(m[2]), expected)) return "invalid";
  const issued = hexValue(m[1]);
  if (issued > nowMs + NONCE_FUTURE_SLACK_MS) return "invalid";
  return nowMs - issued > NONCE_LIFETIME_MS ? "stale" : "valid";
}

/** The value of at most 13 hex digits (checked by the caller), parsed by hand as wire data is. */
function hexValue(hex: string): number {
  let v = 0;
  for (const c of hex) v = v * HEX_RADIX + "0123456789abcdef".indexOf(c);
  return v;
}

/**
 * The opaque value of every challenge: fixed for the process, so any worker can check that a
 * client returned it unchanged (RFC 7616 §3.4: it "MUST be returned by the client unchanged").
 */
export function opaqueFor(key: string): string {
  return createHmac("sha256", key).update("opaque").digest("hex").slice(0, MAC_HEX_DIGITS);
}
