/**
 * The template language's parser: every construct, the `$${` escape, and a table of broken
 * placeholders that must each become an error node at the right line — never an exception.
 */

import { parseTemplate, type TemplateNode } from "../../src/templates/template_syntax.ts";
import { MAX_NESTING, MAX_PLACEHOLDER_CHARS } from "../../src/templates/template_limits.ts";
import { assert, assertEquals } from "../support/assert.ts";

const errors = (nodes: readonly TemplateNode[]): string[] =>
  nodes.flatMap((n) => {
    if (n.kind === "error") return [`${n.line}: ${n.message}`];
    if (n.kind === "for") return [...errors(n.body), ...errors(n.empty)];
    if (n.kind === "if") return [...errors(n.then), ...errors(n.otherwise)];
    return [];
  });

Deno.test("parseTemplate reads values, with the url filter", () => {
  assertEquals(parseTemplate("a ${request.path} b ${ request.query.q | url }c"), [
    { kind: "text", text: "a " },
    { kind: "value", ref: { kind: "path" }, url: false, line: 1 },
    { kind: "text", text: " b " },
    { kind: "value", ref: { kind: "query", name: "q" }, url: true, line: 1 },
    { kind: "text", text: "c" },
  ]);
  assertEquals(parseTemplate("${env.SITE_NAME}${server.version}"), [
    { kind: "value", ref: { kind: "env", name: "SITE_NAME" }, url: false, line: 1 },
    { kind: "value", ref: { kind: "version" }, url: false, line: 1 },
  ]);
});

Deno.test("parseTemplate writes $${ as a literal ${ and leaves other dollars alone", () => {
  assertEquals(parseTemplate("cost $5, $${x} and $$"), [
    { kind: "text", text: "cost $5, ${x} and $$" },
  ]);
  assertEquals(parseTemplate("`${'$'}${'{'}`"), parseTemplate("`${'$'}${'{'}`"));
});

Deno.test("parseTemplate reads include and markdown paths, quoted or not, with values", () => {
  const [inc] = parseTemplate("${include /partials/head.html}");
  assertEquals(inc, {
    kind: "include",
    path: { pieces: ["/partials/head.html"], text: "/partials/head.html" },
    line: 1,
  });
  const [md] = parseTemplate('${markdown "/my posts/{request.query.p}.md"}');
  assertEquals(md, {
    kind: "markdown",
    path: {
      pieces: ["/my posts/", { kind: "query", name: "p" }, ".md"],
      text: "/my posts/{request.query.p}.md",
    },
    line: 1,
  });
});

Deno.test("parseTemplate nests for, if and else, with loop variables in scope", () => {
  const nodes = parseTemplate(
    '${for post in folder("/posts", sort="-date", limit=3, ext=".MD")}' +
      "${if post.description}${post.description}${else}-${end}" +
      "${else}none${end}",
  );
  assertEquals(errors(nodes), []);
  assertEquals(nodes.length, 1);
  const loop = nodes[0];
  assert(loop.kind === "for");
  assertEquals(loop.variable, "post");
  assertEquals(loop.folder, {
    path: { pieces: ["/posts"], text: "/posts" },
    sort: "date",
    descending: true,
    limit: 3,
    ext: ".md",
  });
  assertEquals(loop.empty, [{ kind: "text", text: "none" }]);
  const cond = loop.body[0];
  assert(cond.kind === "if");
  assertEquals(cond.ref, { kind: "field", variable: "post", field: "description" });
  assertEquals(cond.otherwise, [{ kind: "text", text: "-" }]);
});

Deno.test("parseTemplate takes the loop variables of the page an include sits in", () => {
  assertEquals(errors(parseTemplate("${post.title}", ["post"])), []);
  assertEquals(errors(parseTemplate("${post.title}")).length, 1);
});

/** [template, expected error lines (line: start of message)] */
const BROKEN: Array<[string, string[]]> = [
  ["${nope}", ["1: unknown placeholder ${nope}"]],
  ["${env.}", ["1: unknown placeholder ${env.}"]],
  ["${env.A-B}", ["1: unknown placeholder ${env.A-B}"]],
  ["${env.PATH.x}", ["1: unknown placeholder ${env.PATH.x}"]],
  ["${request.headers.cookie}", ["1: unknown placeholder ${request.headers.cookie}"]],
  ["${request.query.}", ["1: unknown placeholder ${request.query.}"]],
  ["${server.secret}", ["1: unknown placeholder ${server.secret}"]],
  ["${request.path | raw}", ['1: ${request.path | raw}: unknown filter "raw"']],
  ["${post.title}", ["1: unknown placeholder ${post.title}"]],
  ['${for p in folder("/x")}${p.body}${end}', ["1: unknown placeholder ${p.body}"]],
  ["${include partials/x.html}", ["1: ${include partials/x.html}: a path starts with"]],
  ["${include /a b.html}", ["1: ${include /a b.html}: quote a path with spaces"]],
  ['${include "/a.html}', ["1: a placeholder without its closing }"]],
  ["${markdown /x/{nope}.md}", ["1: ${markdown /x/{nope}.md}: {nope}: not env"]],
  ['${for x in folders("/a")}${end}', ["1: ${for x in folders"]],
  ['${for env in folder("/a")}${end}', ['1: ${for env in folder("/a")}: "env" is reserved']],
  ['${for x in folder("/a", sort="size")}${end}', [
    '1: ${for x in folder("/a", sort="size")}: sort is',
  ]],
  ['${for x in folder("/a", limit=0)}${end}', ['1: ${for x in folder("/a", limit=0)}: limit is']],
  ['${for x in folder("/a", limit=1001)}${end}', [
    '1: ${for x in folder("/a", limit=1001)}: limit is',
  ]],
  ['${for x in folder("/a", color="red")}${end}', [
    '1: ${for x in folder("/a", color="red")}: unknown argument',
  ]],
  ["${for x in folder(/a)}${end}", ['1: ${for x in folder(/a)}: folder("/path") needs']],
  ["a\nb\n${end}", ["3: ${end} without"]],
  ["${else}", ["1: ${else} without"]],
  ["${if}x${end}", ["1: ${if}: not env"]],
  ["${if nope}x${else}y${end}", ["1: ${if nope}: not env"]],
  ["${if request.path}${else}${else}${end}", ["1: ${else} without"]],
  ["x\n${if request.path}\nopen", ["2: unclosed ${if}: no ${end} closes it"]],
  ['${for x in folder("/a")}', ["1: unclosed ${for}: no ${end} closes it"]],
  ["${for x in folder(/a)}", ["1: unclosed ${for}", '1: ${for x in folder(/a)}: folder("/path")']],
  ['${if request.path}\n${for x in folder("/a")}\n${end}', ["1: unclosed ${if}"]],
  ['${for x in folder("/a")}\n${if x.title}\n${end}', ["1: unclosed ${for}"]],
  ["${request.path", ["1: a placeholder without its closing }"]],
  ["${", ["1: a placeholder without its closing }"]],
  ["${}", ["1: unknown placeholder ${}"]],
];

Deno.test("parseTemplate turns each broken placeholder into an error at its line", () => {
  for (const [source, expected] of BROKEN) {
    const got = errors(parseTemplate(source));
    assertEquals(got.length, expected.length, `${source}: ${JSON.stringify(got)}`);
    for (const [i, want] of expected.entries()) {
      assert(got[i].startsWith(want), `${source}: got ${JSON.stringify(got[i])}, want ${want}`);
    }
  }
});

Deno.test("parseTemplate puts an unclosed block's error where the block opens", () => {
  const nodes = parseTemplate('top\n${for x in folder("/a")}\n${x.name}');
  assertEquals(nodes.map((n) => n.kind), ["text", "error", "for"]);
  assertEquals(nodes[1], {
    kind: "error",
    message: "unclosed ${for}: no ${end} closes it",
    line: 2,
  });
});

Deno.test("parseTemplate keeps rendering after an unclosed placeholder", () => {
  const nodes = parseTemplate("${request.path\n<p>${server.version}</p>");
  assertEquals(nodes[0].kind, "error");
  assertEquals(nodes[1], { kind: "text", text: "${request.path\n<p>" });
  assertEquals(nodes[2], { kind: "value", ref: { kind: "version" }, url: false, line: 2 });
});

Deno.test("parseTemplate bounds a placeholder's length", () => {
  const long = `\${request.path${" ".repeat(MAX_PLACEHOLDER_CHARS)}}`;
  assertEquals(parseTemplate(long)[0].kind, "error");
  const fits = `\${request.path${" ".repeat(MAX_PLACEHOLDER_CHARS - "request.path".length - 1)}}`;
  assertEquals(parseTemplate(fits)[0].kind, "value");
});

Deno.test("parseTemplate counts lines across text and placeholders", () => {
  const nodes = parseTemplate("one\ntwo ${request.path}\n\n${nope}\n");
  assertEquals(errors(nodes), [
    "4: unknown placeholder ${nope}: not env.…, request.…, server.…, page.… or a loop variable",
  ]);
  const value = nodes.find((n) => n.kind === "value");
  assertEquals(value?.kind === "value" && value.line, 2);
});

Deno.test("parseTemplate survives arbitrary input", () => {
  const pieces = ["${", "}", "$${", "{", '"', "end", "else", "for x in folder(", ")", "\n", "a"];
  let seed = 7;
  for (let round = 0; round < 500; round++) {
    let s = "";
    for (let i = 0; i < 20; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      s += pieces[seed % pieces.length];
    }
    parseTemplate(s); // must not throw
  }
});

/** How deep the blocks of `nodes` nest (a block's else counts as the same level). */
const depth = (nodes: readonly TemplateNode[]): number =>
  Math.max(
    0,
    ...nodes.map((n) => {
      if (n.kind === "for") return 1 + Math.max(depth(n.body), depth(n.empty));
      if (n.kind === "if") return 1 + Math.max(depth(n.then), depth(n.otherwise));
      return 0;
    }),
  );

Deno.test("parseTemplate stops at the nesting limit with one error, before the outer block", () => {
  const source = "top\n" + "${if request.path}".repeat(4000) + "x" + "${end}".repeat(4000);
  const nodes = parseTemplate(source);
  assertEquals(nodes.map((n) => n.kind), ["text", "error", "if"]);
  assertEquals(
    errors(nodes),
    [`2: \${if} nested more than ${MAX_NESTING} levels deep (\${for} and \${if} blocks open at once); the rest of the file is not shown`],
  );
  assertEquals(depth(nodes), MAX_NESTING);
});

Deno.test("parseTemplate gives unclosed blocks past the nesting limit one error, quickly", () => {
  // 55,000 took 26 s (a scope list rebuilt per placeholder) and made 55,000 errors.
  const nodes = parseTemplate("${if request.path}".repeat(55_000));
  const found = errors(nodes);
  assertEquals(found.length, 1, JSON.stringify(found.slice(0, 3)));
  assert(found[0].includes(`more than ${MAX_NESTING} levels`), found[0]);
  // Below the limit each unclosed block keeps its own error.
  assertEquals(errors(parseTemplate("${if request.path}".repeat(MAX_NESTING))).length, MAX_NESTING);
});

Deno.test("parseTemplate nests up to the limit, loop variables in scope at every level", () => {
  const open = (i: number) => i % 2 ? `\${if v${i - 1}.title}` : `\${for v${i} in folder("/a")}`;
  let source = "";
  for (let i = 0; i < MAX_NESTING; i++) source += open(i);
  source += "${v0.name}${v98.slug}" + "${end}".repeat(MAX_NESTING) + "${v0.name}";
  const nodes = parseTemplate(source);
  assertEquals(depth(nodes), MAX_NESTING);
  // Only the use of v0 after its ${end} is out of scope.
  assertEquals(errors(nodes).length, 1, JSON.stringify(errors(nodes)));
  assert(errors(nodes)[0].includes("unknown placeholder ${v0.name}"));
});
