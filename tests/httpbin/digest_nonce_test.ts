/** Stateless digest nonces: any holder of the key verifies them; age and forgery are told apart. */

import {
  checkNonce,
  mintNonce,
  NONCE_LIFETIME_MS,
  opaqueFor,
} from "../../src/httpbin/digest_nonce.ts";
import { assert, assertEquals } from "../support/assert.ts";

const KEY = "k".repeat(64);
const NOW = 1_800_000_000_000;

Deno.test("a nonce is valid for its lifetime, then stale", () => {
  const nonce = mintNonce(KEY, NOW);
  assertEquals(checkNonce(KEY, nonce, NOW), "valid");
  assertEquals(checkNonce(KEY, nonce, NOW + NONCE_LIFETIME_MS), "valid");
  assertEquals(checkNonce(KEY, nonce, NOW + NONCE_LIFETIME_MS + 1), "stale");
});

Deno.test("a nonce verifies with the same key only (another process's is invalid)", () => {
  const nonce = mintNonce(KEY, NOW);
  assertEquals(checkNonce("other", nonce, NOW), "invalid");
});

Deno.test("a nonce with a changed time or MAC is invalid", () => {
  const nonce = mintNonce(KEY, NOW);
  const [time, mac] = nonce.split(".");
  const later = (NOW + 1).toString(16);
  assertEquals(checkNonce(KEY, `${later}.${mac}`, NOW + 1), "invalid");
  const flipped = mac.slice(0, -1) + (mac.endsWith("0") ? "1" : "0");
  assertEquals(checkNonce(KEY, `${time}.${flipped}`, NOW), "invalid");
  assertEquals(checkNonce(KEY, `${time}.${mac.slice(1)}`, NOW), "invalid");
});

Deno.test("a nonce from the future or of another shape is invalid", () => {
  assertEquals(checkNonce(KEY, mintNonce(KEY, NOW + 60_000), NOW), "invalid");
  for (const junk of ["", ".", "zz.00", "1.2.3", mintNonce(KEY, NOW).toUpperCase()]) {
    assertEquals(checkNonce(KEY, junk, NOW), "invalid", junk);
  }
});

Deno.test("the opaque value is fixed per key and differs between keys", () => {
  assertEquals(opaqueFor(KEY), opaqueFor(KEY));
  assert(opaqueFor(KEY) !== opaqueFor("other"));
});
