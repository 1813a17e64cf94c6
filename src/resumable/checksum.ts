/**
 * Checksums of one append's body: tus `Upload-Checksum: <algorithm> <base64>` (tus 1.0
 * checksum extension) and the draft's `Content-Digest` (RFC 9530), both verified before the
 * bytes are kept.
 *
 * This module must not know about requests.
 * @module
 */

import { createHash, type Hash } from "node:crypto";
import { expectedDigests } from "../app/digest.ts";
import type { FieldSource } from "../app/conditional.ts";
import { trimOws } from "../http/ows.ts";
import { TUS_CHECKSUM_ALGORITHMS } from "./tus_discovery.ts";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A running hash of a body and the value it must end with. */
export class PieceChecksum {
  #hash: Hash;
  #expected: Uint8Array;

  constructor(nodeAlgorithm: string, expected: Uint8Array) {
    this.#hash = createHash(nodeAlgorithm);
    this.#expected = expected;
  }

  /** Feeds the next piece. */
  update(piece: Uint8Array): void {
    this.#hash.update(piece);
  }

  /** Whether the body hashed to the expected value (call once, at the end). */
  matches(): boolean {
    const got = new Uint8Array(this.#hash.digest());
    const want = this.#expected;
    if (got.length !== want.length) return false;
    for (let i = 0; i < got.length; i++) if (got[i] !== want[i]) return false;
    return true;
  }
}

/** What an `Upload-Checksum` asks: a checksum, none (absent), or a refusal reason. */
export type ChecksumAsk =
  | { ok: true; checksum: PieceChecksum | null }
  | { ok: false; reason: "malformed" | "unsupported" };

/** Reads tus `Upload-Checksum`. */
export function tusChecksum(value: string | undefined): ChecksumAsk {
  if (value === undefined) return { ok: true, checksum: null };
  const parts = trimOws(value).split(" "); // OWS only: a NBSP makes the base64 malformed
  if (parts.length !== 2 || !BASE64.test(parts[1]) || parts[1] === "") {
    return { ok: false, reason: "malformed" };
  }
  const alg = parts[0].toLowerCase();
  if (!Object.hasOwn(TUS_CHECKSUM_ALGORITHMS, alg)) return { ok: false, reason: "unsupported" };
  const node = TUS_CHECKSUM_ALGORITHMS[alg as keyof typeof TUS_CHECKSUM_ALGORITHMS];
  const bytes = Uint8Array.from(atob(parts[1]), (c) => c.charCodeAt(0));
  return { ok: true, checksum: new PieceChecksum(node, bytes) };
}

/**
 * Whether `Repr-Digest` (RFC 9530: the whole upload's digest, checked once its last byte is in)
 * is there and malformed — not a dictionary, or a member of ours whose value is not bytes.
 * Members of algorithms we do not support are ignored (RFC 9530 §3), as a plain upload ignores
 * them.
 */
export function reprDigestMalformed(fields: FieldSource): boolean {
  const value = fields.list("repr-digest");
  if (value === undefined) return false;
  return !expectedDigests({ list: (k) => (k === "repr-digest" ? value : undefined) }).ok;
}

/** Reads the draft's `Content-Digest` (the first supported member), or reports it malformed. */
export function contentDigestChecksum(fields: FieldSource): ChecksumAsk {
  const value = fields.list("content-digest");
  if (value === undefined) return { ok: true, checksum: null };
  const digests = expectedDigests({ list: (k) => (k === "content-digest" ? value : undefined) });
  if (!digests.ok) return { ok: false, reason: "malformed" };
  const first = digests.expected[0];
  if (first === undefined) return { ok: true, checksum: null };
  const node = first.algorithm === "sha-256" ? "sha256" : "sha512";
  return { ok: true, checksum: new PieceChecksum(node, first.value) };
}
