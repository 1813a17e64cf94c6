/**
 * Method + path → handler. A method no route takes and the server does not know → 501 (RFC 9110
 * §9.1); unknown path → 404; a known
 * path with another method → 405 with `Allow` (RFC 9110 §15.5.6); OPTIONS → 204 with `Allow`;
 * HEAD is served by the GET handler when no HEAD route exists (the writer drops the body). The
 * 405's and OPTIONS's `Allow` come from one place, the lines that match the path: an OPTIONS a
 * route answers itself (WebDAV's, with its `DAV` field) gets the router's `Allow` too, and
 * handlers that answer a 405 of their own take theirs from {@link allowAt}.
 *
 * This module must not know what the handlers do.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { Handler, HttpRequest, HttpResponse } from "../http/types.ts";

/** In a route's `methods`: any method token at all (for echo endpoints that show what came). */
export const ANY_METHOD = "*";

/** One line of the route table. */
export interface Route {
  /** Methods this route answers, or `[ANY_METHOD]`. */
  methods: readonly string[];
  /** The path, matched exactly, or as a prefix when it ends with "*" (`/echo/*`). */
  path: string;
  /** What answers it. */
  handler: Handler;
  /**
   * Takes only the requests this accepts (e.g. those with `Tus-Resumable`); the others go on to
   * the next route with the method, so a feature can claim part of another's path and method
   * without either knowing the other. Must be cheap and synchronous. Such a line adds nothing to
   * `Allow`: whether the method is offered on the path is the lines' that take it whole (a POST
   * that only some requests may make is not one clients can plan on).
   */
  when?: (req: HttpRequest) => boolean;
  /**
   * Answers its methods without advertising them in `Allow`: for methods a flag turns into a
   * refusal (403) rather than removing them — every change under `--read-only`, and a method
   * turned off whose 405 would mean something else to clients (WebDAV's MKCOL: 405 is "the name
   * is in use"). The method is then neither listed nor answered 405 on the path.
   */
  unlisted?: boolean;
  /**
   * Its error answers are HTML pages for browsers (set by `withHtmlErrors`, html_errors.ts), and
   * so must be an error given for its path before any route runs (the `--auth-all` 401).
   */
  errorPages?: boolean;
}

/**
 * Methods wireserve implements somewhere — WebDAV's (RFC 4918) among them, so one a flag turns
 * off (MOVE without --allow-delete) is 405, not 501. A router also knows every method of its
 * routes; anything else is 501.
 */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "MKCOL",
  "PROPFIND",
  "PROPPATCH",
  "COPY",
  "MOVE",
  "LOCK",
  "UNLOCK",
  // Known, and refused everywhere with 405 (as nginx does): a TRACE echo would hand credentials
  // and cookies back to a page (cross-site tracing; RFC 9110 §9.3.8 says to leave them out),
  // and the routes that show what came (`/anything`, `/inspect`) show it raw.
  "TRACE",
]);

const TEXT = [["Content-Type", "text/plain; charset=utf-8"]] as Array<[string, string]>;

/** A plain-text response with a fixed message. */
export function textResponse(status: number, text: string): HttpResponse {
  return { status, headers: [...TEXT], body: text };
}

const NONE: readonly Route[] = [];

/**
 * The lines of `routes` that a path reaches, before methods are considered: the exact lines for
 * the path, or those of its longest matching prefix; none for a path no line matches.
 */
export function routeLookup(routes: readonly Route[]): (path: string) => readonly Route[] {
  const exact = new Map<string, Route[]>();
  const byPrefix = new Map<string, Route[]>();
  for (const route of routes) {
    const table = route.path.endsWith("*") ? byPrefix : exact;
    const key = route.path.endsWith("*") ? route.path.slice(0, -1) : route.path;
    table.set(key, [...(table.get(key) ?? []), route]);
  }
  // Longest prefix first, so /files/ beats /. Prefixes that reach past their first segment are
  // grouped under it ("/files/" under "/files/"), so a path only tries the ones it can match;
  // the rest ("/") are tried after them.
  const longestFirst = [...byPrefix.entries()].sort((a, b) => b[0].length - a[0].length);
  const bySegment = new Map<string, Array<[string, Route[]]>>();
  const unsegmented: Array<[string, Route[]]> = [];
  for (const entry of longestFirst) {
    const segment = firstSegment(entry[0]);
    if (segment === null) unsegmented.push(entry);
    else bySegment.set(segment, [...(bySegment.get(segment) ?? []), entry]);
  }

  // An exact line claims its path: a shorter prefix (the web root's catch-all `/`) does not
  // reach it, so the path's methods — what routes it, what a 405 and OPTIONS list in Allow — are
  // the exact lines' alone (RFC 9110 §10.2.1: Allow lists what the resource supports; a catch-all
  // GET on `/post` would list GET there and then answer it with a 404). A prefix that is the path
  // itself (`/*` at `/`) is the same resource: its lines follow the exact ones, so an exact line
  // adds methods there (OPTIONS / for WebDAV clients) without hiding the prefix's (GET /).
  const lookup = (path: string): readonly Route[] => {
    const found = exact.get(path);
    if (found === undefined) return longestPrefix(path);
    if (found.some((r) => r.methods.includes(ANY_METHOD))) return found;
    const same = byPrefix.get(path);
    return same === undefined ? found : [...found, ...same];
  };

  const longestPrefix = (path: string): readonly Route[] => {
    const segment = firstSegment(path);
    const group = segment === null ? undefined : bySegment.get(segment);
    if (group !== undefined) {
      for (let i = 0; i < group.length; i++) {
        if (path.startsWith(group[i][0])) return group[i][1];
      }
    }
    for (let i = 0; i < unsegmented.length; i++) {
      if (path.startsWith(unsegmented[i][0])) return unsegmented[i][1];
    }
    return NONE;
  };
  return lookup;
}

/** Builds the app's handler from a route table. */
export function createRouter(routes: readonly Route[]): Handler {
  const lookup = routeLookup(routes);
  const known = knownMethods(routes);
  const allMethods = listableMethods(known);

  // Requests on a connection often repeat their path (the parser even hands out the same string
  // then): the last answer is kept, checked by identity first.
  let lastPath = "";
  let lastRoutes = NONE;
  const match = (path: string): readonly Route[] => {
    if (path === lastPath) return lastRoutes;
    const routes = lookup(path);
    lastPath = path;
    lastRoutes = routes;
    return routes;
  };

  return (req: HttpRequest) => {
    const method = req.method;
    if (req.targetForm === "asterisk") {
      if (method !== "OPTIONS") return textResponse(STATUS.BadRequest, "Bad request\n");
      return { status: STATUS.NoContent, headers: [["Allow", allMethods.join(", ")]] };
    }
    const candidates = match(req.path);
    for (const route of candidates) {
      if (route.methods.includes(method) && (route.when === undefined || route.when(req))) {
        if (method !== "OPTIONS") return route.handler(req);
        return withAllow(route.handler(req), allowed(candidates, allMethods));
      }
    }
    // The parser already made sure the method is a token, so "any method" routes may take it —
    // all but TRACE (see KNOWN_METHODS).
    if (method !== "TRACE") {
      for (const route of candidates) {
        if (route.methods.includes(ANY_METHOD)) return route.handler(req);
      }
    }
    if (!known.has(method)) {
      return textResponse(STATUS.NotImplemented, "Method not implemented\n");
    }
    if (candidates.length === 0) return textResponse(STATUS.NotFound, "Not found\n");
    if (method === "HEAD") {
      for (const route of candidates) if (route.methods.includes("GET")) return route.handler(req);
    }
    const allow = allowed(candidates, allMethods);
    if (method === "OPTIONS") return { status: STATUS.NoContent, headers: [["Allow", allow]] };
    const res = textResponse(STATUS.MethodNotAllowed, "Method not allowed\n");
    res.headers!.push(["Allow", allow]);
    return res;
  };
}

/**
 * The `Allow` a router made from `routes` gives `path`: for a handler that answers a 405 itself
 * (MKCOL on a name in use), so that it lists what the router's 405 and OPTIONS list there.
 */
export function allowAt(routes: readonly Route[], path: string): string {
  return allowed(routeLookup(routes)(path), listableMethods(knownMethods(routes)));
}

/** KNOWN_METHODS and every method a line of `routes` names. */
function knownMethods(routes: readonly Route[]): Set<string> {
  const known = new Set(KNOWN_METHODS);
  for (const route of routes) for (const m of route.methods) if (m !== ANY_METHOD) known.add(m);
  return known;
}

/** What `Allow` may list for an any-method line: every known method but TRACE (no route answers it). */
function listableMethods(known: ReadonlySet<string>): readonly string[] {
  return [...known].filter((m) => m !== "TRACE");
}

/**
 * A route's answer to OPTIONS with the router's `Allow` (replacing any the handler gave), when it
 * is a success: the path's methods are the router's to say, whoever adds the other fields.
 */
function withAllow(
  answer: HttpResponse | Promise<HttpResponse>,
  allow: string,
): HttpResponse | Promise<HttpResponse> {
  const stamp = (res: HttpResponse): HttpResponse => {
    if (res.status < 200 || res.status > 299) return res;
    const headers = (res.headers ?? []).filter(([name]) => name.toLowerCase() !== "allow");
    headers.push(["Allow", allow]);
    return { ...res, headers };
  };
  return answer instanceof Promise ? answer.then(stamp) : stamp(answer);
}

/** `/name/` for a path that has a second "/", else null. */
function firstSegment(path: string): string | null {
  const slash = path.indexOf("/", 1);
  return slash < 0 ? null : path.slice(0, slash + 1);
}

/**
 * The Allow value for a set of routes: their methods, plus HEAD with GET, plus OPTIONS — but not
 * those of `unlisted` lines (refusals) or of `when` lines (claims on part of a method).
 */
function allowed(routes: readonly Route[], allMethods: readonly string[]): string {
  const methods = new Set<string>();
  for (const r of routes) {
    if (r.unlisted || r.when !== undefined) continue;
    for (const m of r.methods) {
      if (m !== ANY_METHOD) methods.add(m);
      else for (const any of allMethods) methods.add(any);
    }
  }
  if (methods.has("GET")) methods.add("HEAD");
  methods.delete("OPTIONS"); // always last, whichever route listed it
  methods.add("OPTIONS");
  return [...methods].join(", ");
}
