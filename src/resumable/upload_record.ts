/**
 * What the server keeps about one resumable upload besides its bytes: where it goes, how long it
 * will be, the creating request's preconditions and digest fields (checked again when the last
 * byte arrives), and whether it is finished. Stored as JSON beside the data (`upload_store.ts`);
 * read back strictly, since a record that does not parse is state the server lost (the draft:
 * "if the server loses any part of the state, it MUST deactivate the upload resource").
 *
 * The offset is deliberately not here: it is the size of the data file, so it can never
 * disagree with the bytes on disk, across workers and restarts alike.
 *
 * This module must not touch the disk or know about HTTP.
 * @module
 */

/** The record of one upload. */
export interface UploadRecord {
  /** 32 lowercase hex digits (128 random bits): the upload URL's capability. */
  id: string;
  /** The final file as a raw URL path below `/files/`, rebuilt from checked segments. */
  path: string;
  /** The creating method: a PUT that replaces answers 204, anything else 201 (like raw uploads). */
  method: "POST" | "PUT";
  /** The total length in bytes, or null while the client has not said (deferred length). */
  length: number | null;
  /** When it was created (ms since epoch). */
  createdMs: number;
  /** The creating request's tus `Upload-Metadata`, echoed on HEAD; null when none. */
  metadata: string | null;
  /** The creating request's precondition fields (lower-case names), checked again at the end. */
  conditions: Array<[string, string]>;
  /** The creating request's `Repr-Digest` (the whole file's digest to verify), or null. */
  reprDigest: string | null;
  /** The creating request's `Want-Repr-Digest`, or null. */
  wantReprDigest: string | null;
  /** When the last byte arrived and the file was published, or null while incomplete. */
  completedMs: number | null;
  /** The published file's URL once complete, else null. */
  url: string | null;
  /**
   * Where the bytes of an append not yet verified begin, while a checksummed append (tus
   * `Upload-Checksum`, the draft's `Content-Digest`) is under way; else null. Written before the
   * append's first byte and cleared once its checksum matched: a record that still says it after
   * the appending request is over (a crash, `kill -9`) means the data file past this offset was
   * never verified, and whoever holds the lease next cuts it back to here
   * (`UploadStore.settle`). Records of earlier versions have no such field: null.
   */
  unverifiedFrom: number | null;
}

const ID = /^[0-9a-f]{32}$/;
const ID_BYTES = 16;
const HEX_RADIX = 16;
const HEX_BYTE_DIGITS = 2;
/** The precondition fields a creation may carry (RFC 9110 §13.1); the rest are not kept. */
export const CONDITION_FIELDS = ["if-match", "if-none-match", "if-unmodified-since"] as const;

/** A fresh random id. */
export function newUploadId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(ID_BYTES));
  return Array.from(bytes, (b) => b.toString(HEX_RADIX).padStart(HEX_BYTE_DIGITS, "0")).join("");
}

/** Whether `id` has the shape of an upload id (anything else never reaches the disk). */
export function isUploadId(id: string): boolean {
  return ID.test(id);
}

/** The record as stored. */
export function encodeRecord(record: UploadRecord): string {
  return JSON.stringify(record);
}

/** A stored record, or null when the text is not one (corrupt, truncated, another version). */
export function decodeRecord(text: string): UploadRecord | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  const r = v as Record<string, unknown>;
  r.unverifiedFrom ??= null; // a record of an earlier version: nothing unverified
  const nullableNumber = (x: unknown) => x === null || isCount(x);
  const nullableString = (x: unknown) => x === null || typeof x === "string";
  const ok = typeof r.id === "string" && isUploadId(r.id) &&
    typeof r.path === "string" && (r.method === "POST" || r.method === "PUT") &&
    nullableNumber(r.length) && isCount(r.createdMs) && nullableString(r.metadata) &&
    Array.isArray(r.conditions) && r.conditions.every(isFieldPair) &&
    nullableString(r.reprDigest) && nullableString(r.wantReprDigest) &&
    nullableNumber(r.completedMs) && nullableString(r.url) && nullableNumber(r.unverifiedFrom);
  return ok ? r as unknown as UploadRecord : null;
}

function isCount(x: unknown): x is number {
  return typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
}

function isFieldPair(x: unknown): boolean {
  return Array.isArray(x) && x.length === 2 && typeof x[0] === "string" &&
    typeof x[1] === "string";
}
