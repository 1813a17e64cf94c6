/**
 * `Repr-Digest` on downloads (RFC 9530 §3, §4): when a request carries `Want-Repr-Digest`, a
 * successful file response (200, or 206 — the digest always covers the whole representation)
 * gets the digest of the file, by the algorithm the client prefers. A wrapper around the read
 * handler, so the file-serving code stays unaware of it.
 *
 * Hashing a large file costs a full read, so results are remembered per path and ETag (bounded,
 * oldest first out) and uploads seed the memory with the digest they computed while streaming:
 * asking right after an upload costs nothing. The hashing runs on the isolate's thread, a MiB at
 * a time, so it is shared and bounded: requests for a digest being computed wait for that one
 * (one hash per path, ETag and algorithm), and at most {@link MAX_HASHES_RUNNING} files are hashed
 * at once, the others waiting their turn. Each request hashed the file itself before: 100 HEADs
 * of a 200 MB file (1-byte ranges: no bandwidth needed) held the worker 1.6–4.3 s at a time, and
 * the idle clock then closed connections whose requests had arrived unread (an attack probe). A response with `Content-Encoding` gets no digest:
 * its selected representation is the coded bytes, which are made as they are sent. And when the
 * file changes while it is hashed (its ETag moves), no digest is sent rather than a wrong one.
 *
 * This module must not know how files are served: it sees the path, the ETag and the status.
 * @module
 */

import { createHash } from "node:crypto";
import { STATUS } from "../http/status.ts";
import type { Handler, HttpRequest, HttpResponse } from "../http/types.ts";
import {
  DIGEST_ALGORITHMS,
  type DigestAlgorithm,
  formatDigest,
  preferredAlgorithm,
} from "../app/digest.ts";
import { fileEtag } from "../app/etag.ts";
import { resolveSafePath } from "./safe_path.ts";
import { openRegularFile } from "./open_regular.ts";

/** Digests remembered (per algorithm, path and ETag). */
export const MAX_REMEMBERED_DIGESTS = 1024;
/** Read size while hashing a file. */
const HASH_READ_BYTES = 1024 * 1024;

/** Files hashed at once by this isolate; requests for others wait their turn. */
export const MAX_HASHES_RUNNING = 2;

const remembered = new Map<string, string>();
/** Digests being computed, by `cacheKey`: every request for one waits on the same hash. */
const computing = new Map<string, Promise<string | null>>();
/** The turns taken and awaited (see MAX_HASHES_RUNNING). */
const turns = { running: 0, waiting: [] as Array<() => void> };

/** What the hashing has done in this isolate, for tests: files hashed, and most at once. */
export const hashingSeen = { files: 0, mostAtOnce: 0 };

/** Remembers the field value for `fsPath` at `etag` (uploads call this after storing). */
export function rememberReprDigest(
  fsPath: string,
  etag: string,
  alg: DigestAlgorithm,
  digest: Uint8Array,
): void {
  const key = cacheKey(alg, fsPath, etag);
  remembered.delete(key);
  remembered.set(key, formatDigest(alg, digest));
  if (remembered.size > MAX_REMEMBERED_DIGESTS) {
    remembered.delete(remembered.keys().next().value!);
  }
}

/** Where the wrapped handler serves files from. */
export interface ReprDigestOptions {
  /** The served folder (absolute). */
  root: string;
  /** URL prefix of the folder (`/files/`). */
  mount: string;
  /** Whether dotfiles are served (the path resolves as the read side resolves it). */
  dotfiles: boolean;
}

/** Wraps a file handler so that `Want-Repr-Digest` requests get `Repr-Digest`. */
export function withReprDigest(opts: ReprDigestOptions, handler: Handler): Handler {
  return (req) => {
    const want = req.headers.list("want-repr-digest");
    if (want === undefined) return handler(req);
    const res = handler(req);
    return res instanceof Promise
      ? res.then((r) => addDigest(opts, req, r, want))
      : addDigest(opts, req, res, want);
  };
}

async function addDigest(
  opts: ReprDigestOptions,
  req: HttpRequest,
  res: HttpResponse,
  want: string,
): Promise<HttpResponse> {
  if (res.status !== STATUS.OK && res.status !== STATUS.PartialContent) return res;
  const headers = res.headers ?? [];
  const field = (name: string) => headers.find(([k]) => k.toLowerCase() === name)?.[1];
  const etag = field("etag");
  if (etag === undefined || field("content-encoding") !== undefined) return res;
  const alg = preferredAlgorithm(want);
  if (alg === null) return res;
  const path = resolveSafePath(opts.root, req.path.slice(opts.mount.length), {
    dotfiles: opts.dotfiles,
  });
  if (!path.ok || path.trailingSlash) return res;
  const value = remembered.get(cacheKey(alg, path.fsPath, etag)) ??
    await sharedDigest(path.fsPath, etag, alg);
  if (value !== null) res.headers = [...headers, ["Repr-Digest", value]];
  return res;
}

/** The field value for the file at `fsPath` if it still has `etag` once hashed, else null. */
async function hashFile(
  fsPath: string,
  etag: string,
  alg: DigestAlgorithm,
): Promise<string | null> {
  let file: Deno.FsFile;
  try {
    file = await openRegularFile(fsPath);
  } catch {
    return null;
  }
  hashingSeen.files++;
  try {
    const hash = createHash(DIGEST_ALGORITHMS[alg]);
    const buf = new Uint8Array(HASH_READ_BYTES);
    for (let n = await file.read(buf); n !== null; n = await file.read(buf)) {
      hash.update(buf.subarray(0, n));
    }
    const st = await file.stat();
    const ctimeMs = st.ctime?.getTime() ?? 0;
    if (fileEtag(st.size, st.mtime?.getTime() ?? 0, ctimeMs, st.ino ?? null) !== etag) return null;
    const digest = new Uint8Array(hash.digest());
    rememberReprDigest(fsPath, etag, alg, digest);
    return formatDigest(alg, digest);
  } catch {
    return null;
  } finally {
    file.close();
  }
}

/** The digest of `fsPath` at `etag`, computed once for all who ask meanwhile, in its turn. */
function sharedDigest(fsPath: string, etag: string, alg: DigestAlgorithm): Promise<string | null> {
  const key = cacheKey(alg, fsPath, etag);
  let digest = computing.get(key);
  if (digest === undefined) {
    digest = (async () => {
      await takeTurn();
      try {
        // Computed (or seeded by an upload) while this one waited for its turn.
        return remembered.get(key) ?? await hashFile(fsPath, etag, alg);
      } finally {
        giveTurn();
        computing.delete(key);
      }
    })();
    computing.set(key, digest);
  }
  return digest;
}

async function takeTurn(): Promise<void> {
  while (turns.running >= MAX_HASHES_RUNNING) {
    await new Promise<void>((resolve) => turns.waiting.push(resolve));
  }
  turns.running++;
  hashingSeen.mostAtOnce = Math.max(hashingSeen.mostAtOnce, turns.running);
}

function giveTurn(): void {
  turns.running--;
  turns.waiting.shift()?.();
}

function cacheKey(alg: DigestAlgorithm, fsPath: string, etag: string): string {
  return `${alg}\0${fsPath}\0${etag}`;
}
