/**
 * Templated pages of a web root: answer a request for an `.html` file with its rendering — from
 * the cache when the variant is there and current, else rendered now.
 *
 * "Current" follows `--stat-cache` like every file wireserve serves: within the period after a
 * variant was rendered or last checked it is sent as is (synchronously, no disk access); after
 * it, the next request checks every file and folder the render read (the page, its includes, the
 * Markdown, the listed folders with each entry's size and time) and renders again only when one
 * changed. So an edited post shows on the first request after the period, and a busy page costs
 * one round of stats per period, not one per request. A page whose own file changed is seen at
 * once by its ETag in the web root's stat cache.
 *
 * Concurrent requests for a variant being rendered or revalidated wait on the same work.
 *
 * What a client can vary at will does not crowd out the site: a render that ends in 404 (a
 * post page asked for a post that does not exist) is not kept — it is cheap to redo — and the
 * root's `404.html`, which may show `${request.path}` and so differ for every missing path, has
 * a small cache of its own.
 *
 * This module must not resolve request paths: the web root hands it a checked file.
 * @module
 */

import type { HttpRequest, HttpResponse } from "../http/types.ts";
import { percentDecode } from "../app/percent_decode.ts";
import type { FileFacts, ServedRoot } from "../files/mod.ts";
import { type CachedPage, RenderCache, type VariantRequest } from "./render_cache.ts";
import { renderPage, type RenderSources } from "./template_render.ts";
import { renderedEtag, renderedResponse } from "./template_response.ts";
import { TemplateFiles } from "./template_files.ts";
import { templateQuery } from "./template_query.ts";
import {
  MAX_ERROR_PAGE_CACHE_ENTRIES,
  MAX_RENDER_CACHE_BYTES,
  MAX_RENDER_CACHE_ENTRIES,
} from "./template_limits.ts";
import { STATUS } from "../http/status.ts";

type Reply = HttpResponse | Promise<HttpResponse>;

/** What a web root's templates are built from. */
export interface TemplatePagesOptions {
  /** The web root (its rules hold for every file a template reads). */
  root: ServedRoot;
  /** `${server.version}`. */
  version: string;
  /** How long a rendered variant is trusted before its dependencies are checked, in ms. */
  statCacheMs: number;
  /** The web root's Cache-Control value. */
  cacheControl: string;
  /** `${env.NAME}`: `WIRESERVE_VAR_NAME`, or undefined. */
  env(name: string): string | undefined;
  /** One line for the operator's log (a template problem). */
  warn(line: string): void;
}

/** A page to answer: its file and where it sits below the web root. */
export interface TemplatePage {
  fsPath: string;
  /** Decoded segments below the web root (`["blog", "index.html"]`). */
  segments: readonly string[];
  facts: FileFacts;
}

const encoder = new TextEncoder();

/** The templated pages of one web root. */
export class TemplatePages {
  readonly #opts: TemplatePagesOptions;
  readonly #sources: RenderSources;
  readonly #pages = new RenderCache({
    maxEntries: MAX_RENDER_CACHE_ENTRIES,
    maxBytes: MAX_RENDER_CACHE_BYTES,
  });
  readonly #errorPages = new RenderCache({
    maxEntries: MAX_ERROR_PAGE_CACHE_ENTRIES,
    maxBytes: MAX_RENDER_CACHE_BYTES / MAX_RENDER_CACHE_ENTRIES * MAX_ERROR_PAGE_CACHE_ENTRIES,
  });
  readonly #rendering = new Map<string, Promise<CachedPage>>();

  constructor(opts: TemplatePagesOptions) {
    this.#opts = opts;
    this.#sources = {
      files: new TemplateFiles(opts.root),
      version: opts.version,
      env: opts.env,
    };
  }

  /**
   * The answer for `page` with `status` (200, or 404 for the root's `404.html`); `notFound`
   * answers when the page itself says the request names nothing (a missing post).
   */
  serve(req: HttpRequest, page: TemplatePage, status: number, notFound: () => Reply): Reply {
    const variant: VariantRequest = { path: req.path, query: req.query };
    const cache = status === STATUS.OK ? this.#pages : this.#errorPages;
    const key = cache.keyFor(page.fsPath, variant);
    const cached = key === null ? undefined : cache.get(key);
    if (cached !== undefined && cached.pageTag === page.facts.etag) {
      if (Date.now() - cached.checkedAt < this.#opts.statCacheMs) {
        return this.#answer(req, cache, cached, status, notFound);
      }
      return this.#revalidate(cached).then((current) =>
        current
          ? this.#answer(req, cache, cached, status, notFound)
          : this.#render(cache, req, page, variant).then((p) =>
            this.#answer(req, cache, p, status, notFound)
          )
      );
    }
    return this.#render(cache, req, page, variant).then((p) =>
      this.#answer(req, cache, p, status, notFound)
    );
  }

  #answer(
    req: HttpRequest,
    cache: RenderCache,
    page: CachedPage,
    status: number,
    notFound: () => Reply,
  ): Reply {
    if (page.notFound) return notFound();
    const grew = (n: number) => cache.grew(page, n);
    return renderedResponse(req, page, status, this.#opts.cacheControl, grew);
  }

  /** Whether everything `page` read is unchanged; if so it counts as checked now. */
  #revalidate(page: CachedPage): Promise<boolean> {
    page.revalidating ??= (async () => {
      const startedAt = Date.now();
      const files = this.#sources.files;
      const now = await Promise.all(
        page.dependencies.map((d) =>
          d.kind === "file" ? files.fileTag(d.fsPath) : files.folderTag(d.fsPath, d.ext ?? null)
        ),
      );
      const same = now.every((tag, i) => tag === page.dependencies[i].tag);
      if (same) page.checkedAt = startedAt;
      return same;
    })().finally(() => page.revalidating = null);
    return page.revalidating;
  }

  /** Renders the variant `variant` of `page` (once, however many requests wait for it). */
  #render(
    cache: RenderCache,
    req: HttpRequest,
    page: TemplatePage,
    variant: VariantRequest,
  ): Promise<CachedPage> {
    const pendingKey = `${page.fsPath}\n${req.path}?${req.query}`;
    let pending = this.#rendering.get(pendingKey);
    if (pending === undefined) {
      pending = this.#renderNow(cache, page, variant).finally(() =>
        this.#rendering.delete(pendingKey)
      );
      this.#rendering.set(pendingKey, pending);
    }
    return pending;
  }

  async #renderNow(
    cache: RenderCache,
    page: TemplatePage,
    variant: VariantRequest,
  ): Promise<CachedPage> {
    const startedAt = Date.now();
    // The raw path was resolved already, so it decodes; the raw form is the fallback anyway.
    const shownPath = percentDecode(variant.path) ?? variant.path;
    const query = templateQuery(variant.query);
    const result = await renderPage(this.#sources, { path: shownPath, query }, page.segments);
    for (const error of result.errors) this.#opts.warn(`wireserve: template ${error}`);
    const body = encoder.encode(result.html);
    const rendered: CachedPage = {
      body,
      etag: renderedEtag(body),
      encoded: {},
      okHeaders: null,
      dependencies: result.dependencies,
      pageTag: page.facts.etag,
      checkedAt: startedAt,
      notFound: result.notFound,
      revalidating: null,
    };
    // A 404 is cheap to render again, and caching one per made-up query would crowd out pages.
    if (!result.notFound) {
      const used = { usesPath: result.usesPath, queryNames: result.queryNames };
      cache.store(page.fsPath, variant, used, rendered);
    }
    return rendered;
  }
}
