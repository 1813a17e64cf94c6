/**
 * One fuzz case: the bytes to write, cut into writes with pauses between them, and how the client
 * ends (half-close, stay open, or vanish). Made from a seed and an index alone, written to and read
 * from a JSON file so a found case replays byte for byte even after the generator changes.
 *
 * This module must not know sockets or the oracles.
 * @module
 */

import { concat, corpus, serialize, TUS_ID_PLACEHOLDER } from "./corpus.ts";
import { mutateBytes, mutateRequest } from "./mutate.ts";
import { caseSeed, Random } from "./random.ts";

/** How the client ends after its last write. */
export type Ending =
  /** shutdown(SHUT_WR), then read to the server's close: the common case. */
  | "half-close"
  /** Keep the connection open and wait for the server's clocks to close it. */
  | "keep-open"
  /** Close at once without reading: the client vanished. */
  | "abort";

/** One write of a case. */
export interface Write {
  /** Pause before this write. */
  delayMs: number;
  bytes: Uint8Array;
}

/** A case, ready to run. */
export interface FuzzCase {
  seed: number;
  index: number;
  /** The corpus entries it was made from, in order (pipelined when more than one). */
  names: string[];
  writes: Write[];
  ending: Ending;
  /** The tus upload id written where the corpus had its placeholder, or null. */
  tusId: string | null;
}

/** Share of cases that pipeline two or three requests on one connection. */
const PIPELINE_SHARE = 0.25;
/** Share of requests mutated at the token/framing level; then at the byte level. */
const STRUCTURE_MUTATION_SHARE = 0.75;
const BYTE_MUTATION_SHARE = 0.3;
/** Share of cases written in more than one piece, and of pieces preceded by a pause. */
const SPLIT_SHARE = 0.5;
const PAUSE_SHARE = 0.1;
const MAX_SPLITS = 6;
const MAX_PAUSE_MS = 25;
/** Shares of the endings other than half-close. */
const KEEP_OPEN_SHARE = 0.03;
const ABORT_SHARE = 0.04;
const latin1 = new TextDecoder("latin1");

const CORPUS = corpus();

/** Case `index` of the run seeded `seed`; `tusIds` are uploads the run created for PATCHes. */
export function generateCase(seed: number, index: number, tusIds: readonly string[]): FuzzCase {
  const rnd = new Random(caseSeed(seed, index));
  const count = rnd.chance(PIPELINE_SHARE) ? rnd.between(2, 3) : 1;
  const names: string[] = [];
  const pieces: Uint8Array[] = [];
  const tusId = tusIds.length > 0 ? rnd.pick(tusIds) : null;
  for (let i = 0; i < count; i++) {
    const entry = rnd.pick(CORPUS);
    names.push(entry.name);
    const spec = rnd.chance(STRUCTURE_MUTATION_SHARE)
      ? mutateRequest(entry.request, rnd)
      : entry.request;
    let bytes = serialize(spec);
    if (tusId !== null) bytes = replaceLatin1(bytes, TUS_ID_PLACEHOLDER, tusId);
    if (rnd.chance(BYTE_MUTATION_SHARE)) bytes = mutateBytes(bytes, rnd);
    pieces.push(bytes);
  }
  const stream = concat(pieces);
  const cuts = rnd.chance(SPLIT_SHARE) ? rnd.between(1, MAX_SPLITS) : 0;
  const offsets = Array.from({ length: cuts }, () => rnd.below(stream.length + 1)).sort((a, b) =>
    a - b
  );
  const writes: Write[] = [];
  let from = 0;
  for (const at of [...offsets, stream.length]) {
    const delayMs = writes.length > 0 && rnd.chance(PAUSE_SHARE) ? rnd.between(1, MAX_PAUSE_MS) : 0;
    writes.push({ delayMs, bytes: stream.subarray(from, at) });
    from = at;
  }
  const r = rnd.below(1000) / 1000;
  const ending: Ending = r < KEEP_OPEN_SHARE
    ? "keep-open"
    : r < KEEP_OPEN_SHARE + ABORT_SHARE
    ? "abort"
    : "half-close";
  return { seed, index, names, writes, ending, tusId };
}

/** Whether the case's bytes hold a HEAD method (its answers may then lack their bodies). */
export function mayHoldHead(c: FuzzCase): boolean {
  return latin1.decode(caseBytes(c)).includes("HEAD");
}

/** Every byte of the case, joined. */
export function caseBytes(c: FuzzCase): Uint8Array {
  return concat(c.writes.map((w) => w.bytes));
}

/** What a found-case file holds. */
export interface CaseFile {
  seed: number;
  index: number;
  names: string[];
  ending: Ending;
  tusId: string | null;
  /** Why it was kept (the oracle that failed). */
  failure: string;
  writes: Array<{ delayMs: number; base64: string }>;
  /** The request bytes as text (latin1), for reading; replay uses `writes`. */
  text: string;
}

/** The file contents for a found case. */
export function toCaseFile(c: FuzzCase, failure: string): CaseFile {
  return {
    seed: c.seed,
    index: c.index,
    names: c.names,
    ending: c.ending,
    tusId: c.tusId,
    failure,
    writes: c.writes.map((w) => ({ delayMs: w.delayMs, base64: toBase64(w.bytes) })),
    text: latin1.decode(caseBytes(c)),
  };
}

/** The case a file holds; `tusId` (a fresh upload) replaces the one the run used. */
export function fromCaseFile(file: CaseFile, tusId: string | null): FuzzCase {
  const swap = (b: Uint8Array) =>
    file.tusId !== null && tusId !== null ? replaceLatin1(b, file.tusId, tusId) : b;
  return {
    seed: file.seed,
    index: file.index,
    names: file.names,
    ending: file.ending,
    tusId,
    writes: file.writes.map((w) => ({ delayMs: w.delayMs, bytes: swap(fromBase64(w.base64)) })),
  };
}

function replaceLatin1(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const text = latin1.decode(bytes);
  if (!text.includes(from)) return bytes;
  const out = text.replaceAll(from, to);
  return Uint8Array.from(out, (ch) => ch.charCodeAt(0));
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
}
