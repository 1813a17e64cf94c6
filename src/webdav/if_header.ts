/**
 * The `If` header (RFC 4918 §10.4): parsing its full grammar — untagged lists, tagged lists,
 * `Not`, state tokens and entity tags — and evaluating it against what the resources are now.
 * Pure: the caller looks up each resource's ETag and covering lock tokens first.
 *
 * ```
 * If = 1*No-tag-list | 1*Tagged-list          ; not both kinds in one header
 * Tagged-list = Resource-Tag 1*List           ; Resource-Tag = "<" Simple-ref ">"
 * List = "(" 1*Condition ")"
 * Condition = ["Not"] ( "<" State-token ">" | "[" entity-tag "]" )
 * ```
 *
 * Decisions:
 * - The header is true when any one list is true, a list when all its conditions are (§10.4.3);
 *   a header that is false → 412 (§10.4.1), a header that does not parse → 400.
 * - A state token is true for a resource when it names a lock that covers it (§10.4.4).
 *   `DAV:no-lock` (or any unknown URI) is never current, so `(Not <DAV:no-lock>)` is always true.
 * - An entity tag is compared strongly unless either side is weak (then by its opaque part): the
 *   tags we send are strong, and a client echoes them as received.
 * - Every state token the header names outside a `Not` counts as submitted (§7.5): it is how a
 *   client proves it holds a lock, wherever in the header it put it. Those of the lists that
 *   hold are told apart (`held`): a LOCK refresh renews a lock the header shows to be current,
 *   never one named only in a list that is false (§9.10.2).
 * - A resource that does not exist has no entity tag and no locks but its covering ones.
 *
 * This module must not touch the disk or know about locks beyond their tokens.
 * @module
 */

/** One condition of a list. */
export interface IfCondition {
  not: boolean;
  kind: "token" | "etag";
  /** The token URI without `<>`, or the entity-tag as written (quotes and `W/` kept). */
  value: string;
}

/** One list, with the resource it is tagged with (null: the request's own resource). */
export interface IfList {
  resource: string | null;
  conditions: IfCondition[];
}

/** What the evaluation needs to know about one resource. */
export interface IfResourceState {
  /** Its current entity tag, or null when it does not exist (or has none). */
  etag: string | null;
  /**
   * The tags of its compressed downloads (`-gzip`, `-br`): the same bytes, so a client that read
   * the file compressed and echoes that tag holds the current state, as If-Match accepts it.
   */
  codingEtags?: readonly string[];
  /** The tokens of the locks that cover it. */
  lockTokens: readonly string[];
}

/** The outcome: whether the header holds, and the lock tokens it submits. */
export interface IfOutcome {
  ok: boolean;
  tokens: string[];
  /** The tokens (outside `Not`) of the lists that hold: a subset of `tokens`. */
  held: string[];
}

/** Most lists and conditions in one header: generous for any client, bounded for us. */
export const MAX_IF_CONDITIONS = 64;

/**
 * Whether the inside of `<…>` (a URI: RFC 3986 has no blanks) or `[…]` (an entity-tag: RFC 9110
 * §8.8.3, no blanks either) can be one: not empty and without spaces or tabs — `(<   >)` is a
 * malformed header (400), not a token that never matches (412).
 */
function wellFormedInner(inner: string): boolean {
  return inner !== "" && !/[ \t]/.test(inner);
}

/** Parses an `If` field value; null when it is malformed. */
export function parseIfHeader(value: string): IfList[] | null {
  const lists: IfList[] = [];
  let at = 0;
  let tagged: boolean | null = null;
  let resource: string | null = null;
  let conditions = 0;
  const skipSpace = () => {
    while (at < value.length && (value[at] === " " || value[at] === "\t")) at++;
  };
  for (;;) {
    skipSpace();
    if (at >= value.length) break;
    if (value[at] === "<") {
      if (tagged === false) return null; // no-tag and tagged lists do not mix
      tagged = true;
      const end = value.indexOf(">", at);
      if (end < 0) return null;
      resource = value.slice(at + 1, end);
      if (!wellFormedInner(resource)) return null;
      at = end + 1;
      skipSpace();
      if (value[at] !== "(") return null; // a Resource-Tag is followed by at least one list
      continue;
    }
    if (value[at] !== "(") return null;
    if (tagged === null) tagged = false;
    at++;
    const list: IfList = { resource: tagged ? resource : null, conditions: [] };
    for (;;) {
      skipSpace();
      if (at >= value.length) return null;
      if (value[at] === ")") {
        at++;
        break;
      }
      let not = false;
      if (value.slice(at, at + 3).toLowerCase() === "not") {
        not = true;
        at += 3;
        skipSpace();
      }
      const open = value[at];
      const close = open === "<" ? ">" : open === "[" ? "]" : null;
      if (close === null) return null;
      const end = value.indexOf(close, at + 1);
      if (end < 0) return null;
      const inner = value.slice(at + 1, end);
      if (!wellFormedInner(inner)) return null;
      if (++conditions > MAX_IF_CONDITIONS) return null;
      list.conditions.push({ not, kind: open === "<" ? "token" : "etag", value: inner });
      at = end + 1;
    }
    if (list.conditions.length === 0) return null;
    lists.push(list);
  }
  return lists.length === 0 ? null : lists;
}

/**
 * Evaluates `lists` for a request on `requestPath`; `resourceOf` maps a tag to a resource path
 * (null for a resource this server does not have), and `state` describes each path.
 */
export function evaluateIf(
  lists: readonly IfList[],
  requestPath: string,
  resourceOf: (tag: string) => string | null,
  state: (path: string | null) => IfResourceState,
): IfOutcome {
  const tokens: string[] = [];
  const held: string[] = [];
  let ok = false;
  for (const list of lists) {
    const path = list.resource === null ? requestPath : resourceOf(list.resource);
    const current = state(path);
    let all = true;
    const named: string[] = [];
    for (const c of list.conditions) {
      if (c.kind === "token" && !c.not) named.push(c.value);
      const holds = c.kind === "token"
        ? current.lockTokens.includes(c.value)
        : current.etag !== null && (etagsMatch(c.value, current.etag) ||
          (current.codingEtags ?? []).some((tag) => etagsMatch(c.value, tag)));
      if (holds === c.not) all = false;
    }
    tokens.push(...named);
    if (all) {
      ok = true;
      held.push(...named);
    }
  }
  return { ok, tokens, held };
}

/** The resource paths a header's tagged lists name (to look up before evaluating). */
export function taggedResources(lists: readonly IfList[]): string[] {
  const out: string[] = [];
  for (const l of lists) if (l.resource !== null && !out.includes(l.resource)) out.push(l.resource);
  return out;
}

function etagsMatch(a: string, b: string): boolean {
  if (a === b) return true;
  const weakA = a.startsWith("W/");
  const weakB = b.startsWith("W/");
  if (!weakA && !weakB) return false;
  return (weakA ? a.slice(2) : a) === (weakB ? b.slice(2) : b);
}
