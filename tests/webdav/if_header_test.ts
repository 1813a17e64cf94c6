/**
 * The If header (RFC 4918 §10.4): a table of field values and their parses, then evaluation
 * against resource states — the litmus conditional PUTs among them.
 */

import { assertEquals } from "../support/assert.ts";
import {
  evaluateIf,
  type IfList,
  type IfResourceState,
  MAX_IF_CONDITIONS,
  parseIfHeader,
} from "../../src/webdav/if_header.ts";

const T = (value: string, not = false) => ({ not, kind: "token" as const, value });
const E = (value: string, not = false) => ({ not, kind: "etag" as const, value });

/** [case, field value, lists (null: malformed)] */
const PARSES: Array<[string, string, IfList[] | null]> = [
  ["one token", "(<urn:uuid:1>)", [{ resource: null, conditions: [T("urn:uuid:1")] }]],
  ["token and etag", '(<urn:uuid:1> ["e1"])', [{
    resource: null,
    conditions: [T("urn:uuid:1"), E('"e1"')],
  }]],
  ["two lists, Not", "(<a:b>) (Not <DAV:no-lock>)", [
    { resource: null, conditions: [T("a:b")] },
    { resource: null, conditions: [T("DAV:no-lock", true)] },
  ]],
  ["lower-case not, weak etag", '(["x"] not [W/"y"])', [{
    resource: null,
    conditions: [E('"x"'), E('W/"y"', true)],
  }]],
  ["tagged lists", '<http://h/files/a> (<t1>) (<t2>) </files/b> (["e"])', [
    { resource: "http://h/files/a", conditions: [T("t1")] },
    { resource: "http://h/files/a", conditions: [T("t2")] },
    { resource: "/files/b", conditions: [E('"e"')] },
  ]],
  ["tabs and spaces", "\t( <t> \t)  ", [{ resource: null, conditions: [T("t")] }]],
  ["empty", "", null],
  ["empty list", "()", null],
  ["unclosed list", "(<t>", null],
  ["unclosed token", "(<t)", null],
  ["bare word", "(token)", null],
  ["no-tag then tagged", "(<t>) <http://h/a> (<t>)", null],
  ["tag without list", "<http://h/a>", null],
  ["empty token", "(<>)", null],
  ["Not alone", "(Not)", null],
  ["blank token", "(<   >)", null],
  ["token with a space", "(<urn:a b>)", null],
  ["blank entity-tag", "([ ])", null],
  ["blank resource tag", "< > (<t>)", null],
];

Deno.test("parseIfHeader reads the whole grammar and refuses what is not in it", () => {
  for (const [what, value, want] of PARSES) assertEquals(parseIfHeader(value), want, what);
});

Deno.test("parseIfHeader bounds the number of conditions", () => {
  const at = `(${"<t> ".repeat(MAX_IF_CONDITIONS)})`;
  assertEquals(parseIfHeader(at)?.[0].conditions.length, MAX_IF_CONDITIONS);
  assertEquals(parseIfHeader(`(${"<t> ".repeat(MAX_IF_CONDITIONS + 1)})`), null);
});

const LOCKED: IfResourceState = { etag: '"e1"', lockTokens: ["urn:uuid:lock"] };
const OTHER: IfResourceState = { etag: '"e2"', lockTokens: [] };
const NONE: IfResourceState = { etag: null, lockTokens: [] };

function run(value: string) {
  return evaluateIf(
    parseIfHeader(value)!,
    "/res",
    (tag) => (tag.endsWith("/files/other") ? "/other" : tag.endsWith("/files/res") ? "/res" : null),
    (path) => (path === "/res" ? LOCKED : path === "/other" ? OTHER : NONE),
  );
}

/** [case (litmus name where it is one), value, holds] */
const EVALUATIONS: Array<[string, string, boolean]> = [
  ["cond_put: token and etag", '(<urn:uuid:lock> ["e1"])', true],
  ["fail_cond_put: no-lock and etag", '(<DAV:no-lock> ["e1"])', false],
  ["cond_put_with_not", "(<urn:uuid:lock>) (Not <DAV:no-lock>)", true],
  ["cond_put_corrupt_token: Not saves the header", "(<urn:uuid:lockx>) (Not <DAV:no-lock>)", true],
  ["complex_cond_put", '(<urn:uuid:lock> ["e1"]) (Not <DAV:no-lock> ["e1"])', true],
  ["fail_complex_cond_put", '(<urn:uuid:lock> ["e9"]) (Not <DAV:no-lock> ["e9"])', false],
  ["fail_cond_put_unlocked", "(<DAV:no-lock>)", false],
  ["etag only", '(["e1"])', true],
  ["Not the current etag", '(Not ["e1"])', false],
  ["weak tag matches its strong form", '([W/"e1"])', true],
  ["tagged other resource", '</files/other> (["e2"])', true],
  ["tagged other resource, wrong etag", '</files/other> (["e1"])', false],
  ["tagged with an absolute URI", "<http://h/files/res> (<urn:uuid:lock>)", true],
  ["a resource we do not have: nothing matches", '<http://x/elsewhere> (["e1"])', false],
  ["... but Not does", "<http://x/elsewhere> (Not <urn:uuid:lock>)", true],
];

Deno.test("evaluateIf: any list true makes the header true, all conditions make a list", () => {
  for (const [what, value, holds] of EVALUATIONS) assertEquals(run(value).ok, holds, what);
});

Deno.test("evaluateIf submits every token outside a Not, wherever it appears", () => {
  assertEquals(run("(<urn:uuid:lockx>) (Not <DAV:no-lock>)").tokens, ["urn:uuid:lockx"]);
  assertEquals(run("</files/other> (<a>) (Not <b>)").tokens, ["a"]);
});

Deno.test("evaluateIf tells apart the tokens of the lists that hold (what a refresh renews)", () => {
  const mixed = run('(<urn:uuid:lock> ["e9"]) (Not <DAV:no-lock>)');
  assertEquals([mixed.ok, mixed.tokens, mixed.held], [true, ["urn:uuid:lock"], []]);
  const both = run('</files/res> (<urn:uuid:lock>) </files/other> (<b> ["e1"])');
  assertEquals([both.ok, both.tokens, both.held], [true, ["urn:uuid:lock", "b"], [
    "urn:uuid:lock",
  ]]);
  assertEquals(run("</files/other> (Not <b>)").held, [], "a token under Not is never held");
});
