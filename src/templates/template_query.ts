/**
 * The query string as a template sees it (`${request.query.NAME}`): the app's strict
 * form-urlencoded parse, except that a pair whose escapes are not valid UTF-8 is left out
 * instead of emptying the whole query.
 *
 * Why lenient here: a link to `/post.html?p=hello` often gains parameters the site never asked
 * for (a campaign tag, a Latin-1 `%E9` from an old mailer). Strictly, one bad pair made every
 * value empty, so the post page answered 404 for a post that exists. The page and the render
 * cache must read the same values, so both parse through this one function.
 *
 * This module must not touch the disk or know HTTP.
 * @module
 */

import { parseQuery, type QueryPairs } from "../app/query_params.ts";

/** The query's pairs (without the "?"), those that do not decode left out. */
export function templateQuery(query: string): QueryPairs {
  const strict = parseQuery(query);
  if (strict !== null) return strict;
  const pairs: Array<readonly [string, string]> = [];
  for (const part of query.split("&")) pairs.push(...(parseQuery(part) ?? []));
  return pairs;
}
