/**
 * Test support for WebDAV handler tests: the real app (createApp) over a temp root, called
 * without sockets, and a reader for 207 bodies that maps each href to its properties.
 * @module
 */

import { type AppConfig, appConfig } from "../../src/app/app_config.ts";
import { createApp } from "../../src/app/routes.ts";
import type { Handler } from "../../src/http/types.ts";
import { parseXml, type XmlElement } from "../../src/webdav/xml_tree.ts";
import { bodyText, buildRequest, header } from "../support/request_builder.ts";

/** An answer as a test reads it. */
export interface DavAnswer {
  status: number;
  text: string;
  header(name: string): string | undefined;
  /** The body's kind as the handler returned it ("stream" for streamed bodies). */
  kind: string;
}

/** The app over a fresh temp root. */
export interface DavApp {
  root: string;
  /** Sends one request; `headers` as [name, value] pairs (Host is added). */
  call(
    method: string,
    target: string,
    headers?: Array<[string, string]>,
    body?: string,
  ): Promise<DavAnswer>;
}

/** Runs `fn` against the app over a temp root with `overrides`, then removes the root. */
export async function withDav(
  overrides: Partial<AppConfig>,
  fn: (app: DavApp) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "wireserve-dav-" });
  const app: Handler = createApp(appConfig({ directory: root, statCacheMs: 0, ...overrides }));
  try {
    await fn({
      root,
      async call(method, target, headers = [], body) {
        const req = buildRequest({
          method,
          target,
          headers: [["Host", "dav.test"], ...headers],
          body,
        });
        const res = await app(req);
        const kind = res.body === null || res.body === undefined
          ? "none"
          : typeof res.body === "string"
          ? "text"
          : res.body instanceof Uint8Array
          ? "bytes"
          : res.body.kind;
        return {
          status: res.status,
          text: kind === "file" ? "" : await bodyText(res.body),
          header: (name) => header(res, name),
          kind,
        };
      },
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** One property as found in a 207: its status and its element. */
export interface FoundProp {
  status: number;
  element: XmlElement;
}

/** A 207 body as href → "{ns}local" → property. */
export function readMultistatus(text: string): Map<string, Map<string, FoundProp>> {
  const root = parseXml(text);
  const out = new Map<string, Map<string, FoundProp>>();
  for (const response of elements(root, "response")) {
    const href = textIn(elements(response, "href")[0]);
    const props = new Map<string, FoundProp>();
    for (const propstat of elements(response, "propstat")) {
      const status = Number(textIn(elements(propstat, "status")[0]).split(" ")[1]);
      for (const prop of elements(propstat, "prop")) {
        for (const el of prop.children) {
          if (typeof el !== "string") props.set(`{${el.ns}}${el.local}`, { status, element: el });
        }
      }
    }
    out.set(href, props);
  }
  return out;
}

/** The text inside an element and its descendants. */
export function textIn(el: XmlElement | undefined): string {
  if (el === undefined) return "";
  return el.children.map((c) => (typeof c === "string" ? c : textIn(c))).join("");
}

function elements(el: XmlElement, local: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement =>
    typeof c !== "string" && c.ns === "DAV:" && c.local === local
  );
}

/** A PROPFIND body asking for `props` (DAV: names unless given as "{ns}local"). */
export function propfindBody(...props: string[]): string {
  const items = props.map((p) => {
    const m = /^\{(.*)\}(.+)$/.exec(p);
    if (m === null) return `<D:${p}/>`;
    return m[1] === "" ? `<${m[2]} xmlns=""/>` : `<x:${m[2]} xmlns:x="${m[1]}"/>`;
  });
  return `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop>${items.join("")}</D:prop>` +
    "</D:propfind>";
}

/** A PROPPATCH body setting `{ns}name` to raw markup values, and removing names. */
export function proppatchBody(set: Array<[string, string, string]>, remove: string[][] = []) {
  const tag = (ns: string, name: string) =>
    ns === ""
      ? [`<${name} xmlns="">`, `</${name}>`]
      : [`<p:${name} xmlns:p="${ns}">`, `</p:${name}>`];
  const sets = set.map(([ns, name, value]) => {
    const [open, close] = tag(ns, name);
    return `<D:set><D:prop>${open}${value}${close}</D:prop></D:set>`;
  });
  const removes = remove.map(([ns, name]) => {
    const [open, close] = tag(ns, name);
    return `<D:remove><D:prop>${open}${close}</D:prop></D:remove>`;
  });
  return `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:">${sets.join("")}${
    removes.join("")
  }</D:propertyupdate>`;
}

/** A LOCK body. */
export function lockBody(scope: "exclusive" | "shared" = "exclusive", owner = "tester"): string {
  return '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:">' +
    `<D:lockscope><D:${scope}/></D:lockscope><D:locktype><D:write/></D:locktype>` +
    `<D:owner>${owner}</D:owner></D:lockinfo>`;
}
