/**
 * Which representation of a file answers a GET or HEAD: the identity bytes, a precompressed
 * sibling (`x.js.br`, `x.js.gz`) or compression on the fly, negotiated from Accept-Encoding
 * (RFC 9110 §12.5.3) — and the validators each form has, which preconditions are evaluated
 * against. Also the two fields that depend on that choice: `Vary` and `Accept-Ranges`.
 *
 * This module must not build responses, open files or know the cap on streamed compressions: it
 * reads a checked `FileFacts`.
 * @module
 */

import type { Validators } from "../app/conditional.ts";
import {
  type ContentCoding,
  MIN_COMPRESS_BYTES,
  negotiateEncoding,
} from "../app/content_coding.ts";
import { withSuffix } from "../app/etag.ts";
import type { HttpRequest } from "../http/types.ts";
import type { FileFacts, Sibling } from "./file_facts.ts";

/** The codings a file is offered in besides identity. */
export type Coded = "br" | "gzip";

/** Offer lists, most preferred first: brotli is smaller at a similar cost (content_coding.ts). */
const OFFER_BOTH: readonly ContentCoding[] = ["br", "gzip", "identity"];
const OFFER_BR: readonly ContentCoding[] = ["br", "identity"];
const OFFER_GZIP: readonly ContentCoding[] = ["gzip", "identity"];

/** Every response of a compressible file says it was chosen by Accept-Encoding (RFC 9110 §12.5.5). */
export const VARY: [string, string] = ["Vary", "Accept-Encoding"];
/** Ranges are served of the identity bytes, so only identity answers advertise them (§14.3). */
export const ACCEPT_RANGES: [string, string] = ["Accept-Ranges", "bytes"];

/** The representation chosen for a response. */
export interface Representation {
  coding: ContentCoding;
  validators: Validators;
  lastModified: string;
  /** The precompressed sibling serving it, if any. */
  sibling: Sibling | null;
}

/** The coding `req`'s Accept-Encoding prefers among those `facts` can be served in. */
export function chooseCoding(req: HttpRequest, facts: FileFacts): ContentCoding {
  const accept = req.headers.list("accept-encoding");
  if (accept === undefined) return "identity";
  const onTheFly = facts.size >= MIN_COMPRESS_BYTES;
  const offered = onTheFly || (facts.br !== null && facts.gzip !== null)
    ? OFFER_BOTH
    : facts.br !== null
    ? OFFER_BR
    : facts.gzip !== null
    ? OFFER_GZIP
    : null;
  if (offered === null) return "identity";
  return negotiateEncoding(accept, offered) ?? "identity";
}

/**
 * Whether `coding` would be made by compressing the file as it streams from its opened file (no
 * sibling, not cached).
 */
export function streamsCompressed(facts: FileFacts, coding: Coded): boolean {
  return facts[coding] === null && facts.bytes === null;
}

/** The file in `coding`, with the validators of that form. */
export function representation(facts: FileFacts, coding: ContentCoding): Representation {
  if (coding === "identity") {
    return {
      coding,
      validators: facts,
      lastModified: facts.lastModified,
      sibling: null,
    };
  }
  const sibling = facts[coding];
  // A sibling is its own representation with its own validators; an on-the-fly form shares the
  // file's time but needs its own strong tag (different bytes).
  const etag = sibling?.etag ?? withSuffix(facts.etag, coding);
  return {
    coding,
    validators: { etag, lastModifiedMs: facts.lastModifiedMs, mtimeMs: facts.mtimeMs },
    lastModified: facts.lastModified,
    sibling,
  };
}
