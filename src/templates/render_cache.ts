/**
 * Rendered pages kept in memory, one per page and per variant of the request parts it used.
 *
 * A page that shows `${request.query.p}` is a different page for `?p=a` and `?p=b`, while one
 * that shows no request value is the same for every query string. So the cache remembers, per
 * page, which request parts any render of it used (`usesPath`, the query names — the union over
 * renders, since an `${if}` may use a name only sometimes) and keys each variant by the values
 * of exactly those. A variant is then correct for any request that agrees on them: the render
 * depended on nothing else of the request.
 *
 * Bounded by entries and bytes; the oldest stored go first, variants before pages that are one
 * for every request. A variant is what a request's own values make (a query value, a path that
 * only it spells so, each URL an `--spa` fallback shows): any client can make as many as it
 * likes, and they must not push out the pages every visitor gets.
 *
 * This module must not touch the disk or know HTTP.
 * @module
 */

import { firstValue } from "../app/query_params.ts";
import type { Dependency } from "./render_output.ts";
import { templateQuery } from "./template_query.ts";

/** One rendered variant. */
export interface CachedPage {
  /** The page as sent (UTF-8). */
  body: Uint8Array;
  /** Strong ETag of `body`. */
  etag: string;
  /** Compressed forms made on demand. */
  encoded: { br?: Uint8Array; gzip?: Uint8Array };
  /** Fields of an identity 200, built once and shared (never mutated) by every answer. */
  okHeaders: Array<[string, string]> | null;
  /** What the render read, to revalidate against. */
  dependencies: readonly Dependency[];
  /** The page file's ETag when it was rendered (a changed page is seen without a disk check). */
  pageTag: string;
  /** When the dependencies were last known to be current (ms since the epoch). */
  checkedAt: number;
  /** Whether the page answers 404 (a file its request named is missing). */
  notFound: boolean;
  /** A revalidation in flight, shared by the requests that wait on it. */
  revalidating: Promise<boolean> | null;
}

/** The request parts a page's renders have used. */
export interface PageInputs {
  usesPath: boolean;
  /** Sorted. */
  queryNames: readonly string[];
}

/** The request as the cache keys it. */
export interface VariantRequest {
  /** The raw path. */
  path: string;
  /** The raw query (parsed only for a page that uses query values). */
  query: string;
}

/** How much the cache holds. */
export interface RenderCacheOptions {
  maxEntries: number;
  maxBytes: number;
}

const NO_INPUTS: PageInputs = { usesPath: false, queryNames: [] };

/** Rendered variants by page and request parts. */
export class RenderCache {
  readonly #opts: RenderCacheOptions;
  readonly #inputs = new Map<string, PageInputs>();
  readonly #pages = new Map<string, CachedPage>();
  readonly #keys = new WeakMap<CachedPage, string>();
  #bytes = 0;

  constructor(opts: RenderCacheOptions) {
    this.#opts = opts;
  }

  /** The key of the variant of page `fsPath` that `req` asks for; null when never rendered. */
  keyFor(fsPath: string, req: VariantRequest): string | null {
    const inputs = this.#inputs.get(fsPath);
    return inputs === undefined ? null : variantKey(fsPath, inputs, req);
  }

  /** The variant stored under `key`. */
  get(key: string): CachedPage | undefined {
    return this.#pages.get(key);
  }

  /**
   * Stores a render of `fsPath` for `req`, which used `used`; returns its key. The page's known
   * inputs grow to include `used`, so later requests are keyed by everything any render used.
   */
  store(fsPath: string, req: VariantRequest, used: PageInputs, page: CachedPage): string {
    const known = this.#inputs.get(fsPath) ?? NO_INPUTS;
    const merged: PageInputs = {
      usesPath: known.usesPath || used.usesPath,
      queryNames: [...new Set([...known.queryNames, ...used.queryNames])].sort(),
    };
    this.#inputs.delete(fsPath);
    this.#inputs.set(fsPath, merged);
    if (this.#inputs.size > this.#opts.maxEntries) {
      const oldest = this.#inputs.keys().next().value!;
      this.#inputs.delete(oldest);
    }
    const key = variantKey(fsPath, merged, req);
    this.#remove(key);
    this.#pages.set(key, page);
    this.#keys.set(page, key);
    this.#bytes += sizeOf(page);
    this.#evict();
    return key;
  }

  /**
   * Counts `bytes` of a compressed form just added to `page`, when the page is still held (an
   * answer may finish after its page made room for others: those bytes are no one's).
   */
  grew(page: CachedPage, bytes: number): void {
    const key = this.#keys.get(page);
    if (key === undefined || this.#pages.get(key) !== page) return;
    this.#bytes += bytes;
    this.#evict();
  }

  /** Bytes held (bodies and their compressed forms). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Variants held. */
  get size(): number {
    return this.#pages.size;
  }

  #remove(key: string): void {
    const old = this.#pages.get(key);
    if (old === undefined) return;
    this.#pages.delete(key);
    this.#bytes -= sizeOf(old);
  }

  #evict(): void {
    if (!this.#over()) return;
    for (const key of this.#pages.keys()) {
      if (!isVariant(key)) continue;
      this.#remove(key);
      if (!this.#over()) return;
    }
    for (const key of this.#pages.keys()) {
      this.#remove(key);
      if (!this.#over()) return;
    }
  }

  #over(): boolean {
    return this.#bytes > this.#opts.maxBytes || this.#pages.size > this.#opts.maxEntries;
  }
}

/** The key: the page, and the value of every request part its renders used. */
function variantKey(fsPath: string, inputs: PageInputs, req: VariantRequest): string {
  // The common page uses no request value: its key is its path, with no parse and no copy.
  // (No other key is a bare path: the others are JSON arrays.)
  if (!inputs.usesPath && inputs.queryNames.length === 0) return fsPath;
  const pairs = templateQuery(req.query);
  const values = inputs.queryNames.map((n) => firstValue(pairs, n) ?? "");
  return JSON.stringify([fsPath, inputs.usesPath ? req.path : null, ...values]);
}

/** Whether `key` is a variant's (a JSON array) rather than a page's own path. */
function isVariant(key: string): boolean {
  return key.charCodeAt(0) === 0x5b; // "["
}

function sizeOf(page: CachedPage): number {
  return page.body.length + (page.encoded.br?.length ?? 0) + (page.encoded.gzip?.length ?? 0);
}
