/**
 * Conditional requests (RFC 9110 §13): evaluating If-Match, If-Unmodified-Since, If-None-Match
 * and If-Modified-Since in the order of §13.2.2, and If-Range (§13.1.5). Pure: the caller passes
 * the request's fields and the selected representation's validators.
 *
 * This module must not touch the disk or build responses.
 * @module
 */

import { type EntityTag, parseEntityTag, parseEntityTags, strongMatch, weakMatch } from "./etag.ts";
import { parseHttpDate } from "./parse_http_date.ts";
import { trimOws } from "../http/ows.ts";

/** Validators of the selected representation (RFC 9110 §8.8). */
export interface Validators {
  /** The strong entity-tag, with its quotes (`"abc"`). */
  etag: string;
  /**
   * Last-Modified in milliseconds, whole seconds (HTTP dates carry no finer precision); null when
   * the representation has none (a rendered template): the date conditions are then ignored, as
   * §13.1.3 and §13.1.4 apply them only to a known modification date.
   */
  lastModifiedMs: number | null;
  /**
   * The modification time to the millisecond, where known. A date in If-Range is only a strong
   * validator when nothing could have changed within its second (§8.8.2.2): it must equal this.
   */
  mtimeMs?: number;
  /**
   * Tags of other content codings of the same bytes (the `-br` and `-gzip` forms a download may
   * have carried). A write's If-Match accepts them: a client that downloaded the Brotli form holds
   * the current content, and refusing its tag would make lost-update protection unusable from
   * any browser (Apache's bug 45023 was this).
   */
  codingEtags?: readonly string[];
}

/** Read access to request fields: every value of a field joined as one list. */
export interface FieldSource {
  list(key: string): string | undefined;
}

/** What the preconditions decided. */
export type PreconditionOutcome = "proceed" | "not-modified" | "failed";

/**
 * Evaluates the preconditions of a request for a representation that exists (`current`) or not
 * (null), following RFC 9110 §13.2.2 steps 1–4. "not-modified" means 304 (GET and HEAD only),
 * "failed" means 412.
 */
export function evaluatePreconditions(
  method: string,
  fields: FieldSource,
  current: Validators | null,
): PreconditionOutcome {
  const safe = method === "GET" || method === "HEAD";
  const ifMatch = fields.list("if-match");
  // Step 1: If-Match present → if false, 412.
  if (ifMatch !== undefined) {
    if (!ifMatchPasses(ifMatch, current)) return "failed";
  } else {
    // Step 2: no If-Match, If-Unmodified-Since present → if false, 412. A value that is not a
    // date is ignored (§13.1.4), as is the field when there is no representation to compare.
    const ius = fields.list("if-unmodified-since");
    const date = ius === undefined ? null : parseHttpDate(ius);
    const modified = current?.lastModifiedMs ?? null;
    if (date !== null && modified !== null && modified > date) return "failed";
  }
  const ifNoneMatch = fields.list("if-none-match");
  // Step 3: If-None-Match present → if false, 304 for GET/HEAD, else 412.
  if (ifNoneMatch !== undefined) {
    if (!ifNoneMatchPasses(ifNoneMatch, current)) return safe ? "not-modified" : "failed";
    return "proceed";
  }
  // Step 4: GET/HEAD, no If-None-Match, If-Modified-Since present → if false, 304.
  const modified = current?.lastModifiedMs ?? null;
  if (safe && modified !== null) {
    const ims = fields.list("if-modified-since");
    const date = ims === undefined ? null : parseHttpDate(ims);
    // A date in the future is not a valid validator (§13.1.3): the client's clock is wrong.
    if (date !== null && date <= Date.now() && modified <= date) {
      return "not-modified";
    }
  }
  return "proceed";
}

/**
 * Whether a Range request may be served as ranges given its If-Range value (RFC 9110 §13.1.5):
 * true when there is no If-Range, when its entity-tag strongly matches, or when its date equals
 * Last-Modified exactly — and, where the exact modification time is known, equals that too: a
 * file modified at 12:00:00.400 and again at 12:00:00.900 has one Last-Modified for both, so a
 * date can only vouch for a file whose time is the whole second itself (§8.8.2.2, §13.1.5: a
 * date that is not strong makes the condition false). A weak or malformed validator means "send
 * the whole representation".
 */
export function ifRangePasses(value: string | undefined, current: Validators): boolean {
  if (value === undefined) return true;
  const v = trimOws(value); // OWS only: a tag or date followed by NBSP is neither
  if (v.startsWith('"') || v.startsWith("W/")) {
    const tag = parseEntityTag(v);
    const mine = parseEntityTag(current.etag);
    return tag !== null && mine !== null && strongMatch(tag, mine);
  }
  const date = parseHttpDate(v);
  return date !== null && current.lastModifiedMs !== null && date === current.lastModifiedMs &&
    (current.mtimeMs === undefined || current.mtimeMs === date);
}

/** If-Match (§13.1.1): `*` matches any current representation; a list uses strong comparison. */
function ifMatchPasses(value: string, current: Validators | null): boolean {
  if (current === null) return false;
  const tags = parseEntityTags(value);
  if (tags === "*") return true;
  // A malformed If-Match cannot match: the safe reading for a request that guards a write.
  if (tags === null) return false;
  const mine = parseEntityTag(current.etag);
  if (mine !== null && tags.some((t: EntityTag) => strongMatch(t, mine))) return true;
  return (current.codingEtags ?? []).some((etag) => {
    const other = parseEntityTag(etag);
    return other !== null && tags.some((t: EntityTag) => strongMatch(t, other));
  });
}

/** If-None-Match (§13.1.2): false when `*` and a representation exists, or any tag weakly matches. */
function ifNoneMatchPasses(value: string, current: Validators | null): boolean {
  if (current === null) return true;
  const tags = parseEntityTags(value);
  if (tags === "*") return false;
  // A malformed list matches nothing: the full response is always a correct answer.
  if (tags === null) return true;
  const mine = parseEntityTag(current.etag);
  return mine === null || !tags.some((t) => weakMatch(t, mine));
}
