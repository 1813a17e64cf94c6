/**
 * Integrity fields (RFC 9530): reading the `Content-Digest` / `Repr-Digest` a client sent with an
 * upload, hashing the body as it streams past (incremental `node:crypto` hashes, so memory stays
 * flat whatever the size), and writing `Repr-Digest` for what was stored or served.
 *
 * Only sha-256 and sha-512 are accepted, the two the RFC's registry marks "Active" (§7.2); md5,
 * sha and the rest are "Deprecated" or "Insecure", and §3 lets a recipient ignore a digest whose
 * algorithm it does not support. A malformed field is refused, not ignored: a client that sent a
 * digest wants it checked, and skipping a check it cannot see would be a silent downgrade.
 *
 * For the uploads here no content coding is applied (a coded body is refused before the body is
 * read), so content and representation are the same bytes and both fields are checked over them.
 *
 * This module must not touch the disk or the network.
 * @module
 */

import { createHash, type Hash } from "node:crypto";
import { toBase64 } from "./byte_text.ts";
import { parseDictionary } from "./sf_dictionary.ts";

/** The algorithms wireserve computes, by their RFC 9530 registry key, and node's name for each. */
export const DIGEST_ALGORITHMS = { "sha-256": "sha256", "sha-512": "sha512" } as const;

/** A supported algorithm key. */
export type DigestAlgorithm = keyof typeof DIGEST_ALGORITHMS;

/** Digest lengths in bytes: a value of another length can never match (§3). */
const DIGEST_BYTES: Record<DigestAlgorithm, number> = { "sha-256": 32, "sha-512": 64 };

/** What a response carries when the client stated no preference: the cheaper active one. */
export const DEFAULT_DIGEST_ALGORITHM: DigestAlgorithm = "sha-256";

/** The request fields that carry digests of the body, lower-case. */
export const DIGEST_FIELDS = ["content-digest", "repr-digest"] as const;

/** One digest the client asked us to verify. */
export interface ExpectedDigest {
  /** The field it came from. */
  field: (typeof DIGEST_FIELDS)[number];
  algorithm: DigestAlgorithm;
  value: Uint8Array;
}

/** The outcome of reading the request's digest fields. */
export type DigestFieldsResult =
  | { ok: true; expected: ExpectedDigest[] }
  | { ok: false; reason: string };

/** Read access to request fields: every line of a field joined as one list. */
export interface DigestFieldSource {
  list(key: string): string | undefined;
}

/**
 * The digests to verify from `Content-Digest` and `Repr-Digest`. Members with algorithms we do
 * not support are ignored (§3); a malformed field or a supported member whose value is not a byte
 * sequence is an error.
 */
export function expectedDigests(fields: DigestFieldSource): DigestFieldsResult {
  const expected: ExpectedDigest[] = [];
  for (const field of DIGEST_FIELDS) {
    const value = fields.list(field);
    if (value === undefined) continue;
    const dict = parseDictionary(value);
    if (dict === null) return { ok: false, reason: `malformed ${field}` };
    for (const [key, item] of dict) {
      if (!isAlgorithm(key)) continue;
      if (!(item instanceof Uint8Array)) return { ok: false, reason: `${field} value not bytes` };
      expected.push({ field, algorithm: key, value: item });
    }
  }
  return { ok: true, expected };
}

/**
 * The algorithm a `Want-Repr-Digest` (or `Want-Content-Digest`) value prefers among ours
 * (§4: integer weights 1–10, 0 meaning "not acceptable"), `DEFAULT_DIGEST_ALGORITHM` when the
 * field is absent, malformed or names none of ours (another of ours if it refuses that one), and
 * null only when it refuses all of ours.
 */
export function preferredAlgorithm(value: string | undefined): DigestAlgorithm | null {
  if (value === undefined) return DEFAULT_DIGEST_ALGORITHM;
  const dict = parseDictionary(value);
  if (dict === null) return DEFAULT_DIGEST_ALGORITHM;
  let best: DigestAlgorithm | null = null;
  let bestWeight = 0;
  const refused = new Set<DigestAlgorithm>();
  for (const alg of Object.keys(DIGEST_ALGORITHMS) as DigestAlgorithm[]) {
    const w = dict.get(alg);
    if (typeof w !== "number") continue;
    if (w <= 0) refused.add(alg);
    else if (w > bestWeight) {
      best = alg;
      bestWeight = w;
    }
  }
  if (best !== null) return best;
  // None preferred: the default unless it was refused (`sha-256=0`), then any not refused.
  if (!refused.has(DEFAULT_DIGEST_ALGORITHM)) return DEFAULT_DIGEST_ALGORITHM;
  for (const alg of Object.keys(DIGEST_ALGORITHMS) as DigestAlgorithm[]) {
    if (!refused.has(alg)) return alg;
  }
  return null;
}

/**
 * Hashes a body incrementally with every algorithm it needs: the ones to verify plus the one to
 * answer with. `update` is called with each piece as it passes; `finish` once at the end.
 */
export class BodyDigests {
  #hashes = new Map<DigestAlgorithm, Hash>();
  #expected: readonly ExpectedDigest[];
  #results = new Map<DigestAlgorithm, Uint8Array>();

  /** Hashes for `expected` plus `answer` (null: nothing to answer with). */
  constructor(expected: readonly ExpectedDigest[], answer: DigestAlgorithm | null) {
    this.#expected = expected;
    const algorithms = new Set(expected.map((e) => e.algorithm));
    if (answer !== null) algorithms.add(answer);
    for (const alg of algorithms) this.#hashes.set(alg, createHash(DIGEST_ALGORITHMS[alg]));
  }

  /**
   * Stops computing `alg` unless a digest to verify needs it (an answer no longer wanted);
   * `result(alg)` is then null.
   */
  drop(alg: DigestAlgorithm): void {
    if (!this.#expected.some((e) => e.algorithm === alg)) this.#hashes.delete(alg);
  }

  /** Feeds the next piece of the body. */
  update(piece: Uint8Array): void {
    for (const h of this.#hashes.values()) h.update(piece);
  }

  /** Ends hashing; returns the first expected digest that did not match, or null when all did. */
  finish(): ExpectedDigest | null {
    for (const [alg, h] of this.#hashes) this.#results.set(alg, new Uint8Array(h.digest()));
    for (const e of this.#expected) {
      const got = this.#results.get(e.algorithm)!;
      if (e.value.length !== DIGEST_BYTES[e.algorithm] || !sameBytes(got, e.value)) return e;
    }
    return null;
  }

  /** The digest computed with `alg` (after `finish`), or null. */
  result(alg: DigestAlgorithm): Uint8Array | null {
    return this.#results.get(alg) ?? null;
  }
}

/** A one-member digest field value: `sha-256=:base64:` (RFC 9530 §2, RFC 8941 §3.3.5). */
export function formatDigest(alg: DigestAlgorithm, digest: Uint8Array): string {
  return `${alg}=:${toBase64(digest)}:`;
}

/** Digests are public values (the client sent the expected one): a plain comparison is fine. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isAlgorithm(key: string): key is DigestAlgorithm {
  return Object.hasOwn(DIGEST_ALGORITHMS, key);
}
