/**
 * Rendering pages from a real folder, without sockets: values are escaped, includes and Markdown
 * obey the web root's rules (no way out, no dotfiles, no private paths, no symlinks out), a
 * request value can only name one file in its folder, folders become sorted entries, problems
 * become error boxes, and every bound holds.
 */

import { siteRoot } from "./site_root.ts";
import { TemplateFiles } from "../../src/templates/template_files.ts";
import {
  renderPage,
  type RenderRequest,
  type RenderResult,
} from "../../src/templates/template_render.ts";
import {
  MAX_INCLUDE_DEPTH,
  MAX_LOOP_ITERATIONS,
  MAX_NESTING,
  MAX_RENDERED_CHARS,
  MAX_SOURCE_BYTES,
} from "../../src/templates/template_limits.ts";
import { assert, assertEquals } from "../support/assert.ts";

const SECRET = "SECRET-outside-or-private";

interface Site {
  base: string;
  www: string;
  write(path: string, text: string): Promise<void>;
  render(
    page: string,
    req?: Partial<RenderRequest>,
    vars?: Record<string, string>,
  ): Promise<RenderResult>;
}

async function withSite(fn: (site: Site) => Promise<void>) {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-tpl-" }));
  const www = `${base}/www`;
  await Deno.mkdir(`${www}/private`, { recursive: true });
  await Deno.writeTextFile(`${base}/outside.html`, SECRET);
  await Deno.writeTextFile(`${base}/outside.md`, SECRET);
  await Deno.writeTextFile(`${www}/private/p.html`, SECRET);
  await Deno.writeTextFile(`${www}/.dot.html`, SECRET);
  await Deno.symlink(`${base}/outside.html`, `${www}/link-out.html`);
  const root = siteRoot(www, ["private/", "*.secret.md"]);
  const files = new TemplateFiles(root);
  const site: Site = {
    base,
    www,
    async write(path, text) {
      const full = `${www}/${path}`;
      await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
      await Deno.writeTextFile(full, text);
    },
    render(page, req = {}, vars = {}) {
      return renderPage(
        { files, version: "9.9.9", env: (name) => vars[name] },
        { path: req.path ?? `/${page}`, query: req.query ?? [] },
        page.split("/"),
      );
    },
  };
  try {
    await fn(site);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

const boxes = (html: string) => html.match(/wireserve-template-error/g)?.length ?? 0;

Deno.test("renderPage escapes every value and percent-encodes with | url", async () => {
  await withSite(async (site) => {
    await site.write(
      "index.html",
      '<a title="${env.NAME}" href="?q=${request.query.q | url}">${request.query.q}</a>${request.path}${server.version}',
    );
    const r = await site.render("index.html", {
      path: "/<p>",
      query: [["q", `"><script>x</script>&'`]],
    }, { NAME: "<b>" });
    assertEquals(
      r.html,
      '<a title="&lt;b&gt;" href="?q=%22%3E%3Cscript%3Ex%3C%2Fscript%3E%26&#39;">' +
        "&quot;&gt;&lt;script&gt;x&lt;/script&gt;&amp;&#39;</a>/&lt;p&gt;9.9.9",
    );
    assertEquals([r.usesPath, r.queryNames, r.errors], [true, ["q"], []]);
  });
});

Deno.test("renderPage shows an unset env value as an error box, and if treats it as empty", async () => {
  await withSite(async (site) => {
    await site.write("index.html", "${env.MISSING}|${if env.MISSING}yes${else}no${end}");
    const r = await site.render("index.html");
    assertEquals(boxes(r.html), 1);
    assert(r.html.endsWith("|no"));
    assertEquals(r.errors, ["/index.html line 1: env.MISSING (WIRESERVE_VAR_MISSING) is not set"]);
  });
});

Deno.test("renderPage renders includes with the loop's variables, and records them", async () => {
  await withSite(async (site) => {
    await site.write("posts/a.md", "# Alpha\n");
    await site.write("partials/card.html", "<li>${post.title}</li>");
    await site.write(
      "index.html",
      '<ul>${for post in folder("/posts")}${include /partials/card.html}${end}</ul>',
    );
    const r = await site.render("index.html");
    assertEquals(r.html, "<ul><li>Alpha</li></ul>");
    const deps = r.dependencies.map((d) => `${d.kind}:${d.fsPath.slice(site.www.length)}`);
    assertEquals(deps.sort(), ["file:/index.html", "file:/partials/card.html", "folder:/posts"]);
    assert(r.dependencies.every((d) => d.tag !== null));
  });
});

Deno.test("renderPage never includes or renders anything outside the rules", async () => {
  await withSite(async (site) => {
    const paths = [
      "/../outside.html",
      "/link-out.html",
      "/private/p.html",
      "/.dot.html",
      "/%2e%2e/outside.html",
      "/nope.html",
    ];
    await site.write("index.html", paths.map((p) => `\${include ${p}}`).join("\n"));
    const r = await site.render("index.html");
    assert(!r.html.includes(SECRET), r.html);
    assert(!r.html.includes(site.base), "no server path in the page");
    assertEquals(boxes(r.html), paths.length);
    assert(r.errors.every((e) => e.endsWith(": missing")), r.errors.join("\n"));
    await site.write(
      "md.html",
      "${markdown /../outside.md}${markdown /index.html}${include /a.txt}",
    );
    const md = await site.render("md.html");
    assert(!md.html.includes(SECRET));
    assertEquals(md.errors.map((e) => e.replace(/^.*: /, "")), [
      "missing",
      "only .md files are Markdown",
      "only .html files can be included",
    ]);
  });
});

Deno.test("renderPage lets a request value name only one file of its folder", async () => {
  await withSite(async (site) => {
    await site.write("posts/hello.md", "---\ntitle: x\n---\n# Hello\n\n<script>alert(1)</script>");
    await site.write("posts/a.secret.md", SECRET);
    await site.write("post.html", "${markdown /posts/{request.query.p}.md}");
    const ok = await site.render("post.html", { query: [["p", "hello"]] });
    assertEquals([ok.notFound, ok.errors], [false, []]);
    assert(ok.html.includes("<h1>Hello</h1>") && !ok.html.includes("<script"), ok.html);
    assert(!ok.html.includes("title: x"), "front matter is not shown");
    for (const p of ["../outside", "..", ".", "", "a/b", "a\\b", "nope", "a.secret", "x\u0000"]) {
      const r = await site.render("post.html", { query: [["p", p]] });
      assertEquals(r.notFound, true, JSON.stringify(p));
      assert(!r.html.includes(SECRET));
    }
    const absent = await site.render("post.html");
    assertEquals(absent.notFound, true, "no p at all");
  });
});

Deno.test("renderPage lists a folder's files sorted, limited and filtered", async () => {
  await withSite(async (site) => {
    await site.write("posts/old.md", "---\ntitle: Old\ndate: 2020-01-01\n---\n");
    await site.write(
      "posts/new post.md",
      "---\ndate: 2024-06-01\ndescription: d\n---\n# New &lt;one&gt;\n",
    );
    await site.write("posts/mid.md", "---\ndate: 2022-03-04\n---\n");
    await site.write("posts/notes.txt", "not markdown");
    await site.write("posts/hidden.secret.md", SECRET);
    await Deno.mkdir(`${site.www}/posts/sub`);
    await site.write(
      "index.html",
      '${for p in folder("/posts", sort="-date", limit=2, ext=".md")}' +
        "[${p.title}|${p.date}|${p.url}|${p.slug}|${p.name}|${p.description}]${end}" +
        '${for p in folder("/posts")}(${p.name})${end}' +
        '${for p in folder("/empty")}x${else}empty${end}',
    );
    await Deno.mkdir(`${site.www}/empty`);
    const r = await site.render("index.html");
    assertEquals(
      r.html,
      "[New &lt;one&gt;|2024-06-01|/posts/new%20post.md|new post|new post.md|d]" +
        "[mid|2022-03-04|/posts/mid.md|mid|mid.md|]" +
        "(mid.md)(new post.md)(notes.txt)(old.md)" +
        "empty",
    );
    assert(!r.html.includes("secret"));
    await site.write("missing.html", '${for p in folder("/nowhere")}x${end}');
    const missing = await site.render("missing.html");
    assertEquals(missing.errors, ['/missing.html line 1: folder("/nowhere"): missing']);
  });
});

Deno.test("renderPage stops include chains at the depth limit and at cycles", async () => {
  await withSite(async (site) => {
    for (let i = 0; i <= MAX_INCLUDE_DEPTH + 1; i++) {
      await site.write(`d${i}.html`, `${i}\${include /d${i + 1}.html}`);
    }
    await site.write(`d${MAX_INCLUDE_DEPTH + 2}.html`, "end");
    const deep = await site.render("d0.html");
    assertEquals(deep.errors.length, 1);
    assert(deep.errors[0].includes(`more than ${MAX_INCLUDE_DEPTH} levels`), deep.errors[0]);
    assert(deep.html.startsWith("012345678"));
    await site.write("a.html", "a${include /b.html}");
    await site.write("b.html", "b${include /a.html}");
    const cycle = await site.render("a.html");
    assertEquals(cycle.errors, ["/b.html line 1: include /a.html: includes itself"]);
  });
});

Deno.test("renderPage bounds loop iterations and output length", async () => {
  await withSite(async (site) => {
    const n = Math.ceil(Math.sqrt(MAX_LOOP_ITERATIONS)) + 1;
    for (let i = 0; i < n; i++) await site.write(`many/f${i}.txt`, "");
    await site.write(
      "loops.html",
      '${for a in folder("/many")}${for b in folder("/many")}.${end}${end}after',
    );
    const loops = await site.render("loops.html");
    assertEquals(loops.errors.length, 1);
    assert(loops.errors[0].includes(`more than ${MAX_LOOP_ITERATIONS} loop iterations`));
    assert(!loops.html.includes("after"), "rendering stopped");
    await site.write("big.html", "x".repeat(MAX_RENDERED_CHARS / 4));
    await site.write("huge.html", "${include /big.html}".repeat(5));
    const huge = await site.render("huge.html");
    assertEquals(huge.errors, [`the page is longer than ${MAX_RENDERED_CHARS} characters`]);
    assert(huge.html.length <= MAX_RENDERED_CHARS + 1000);
  });
});

Deno.test("renderPage shows one box for blocks nested past the limit, and renders up to it", async () => {
  await withSite(async (site) => {
    // 4,000 levels overflowed the render's stack: a RangeError, answered 500.
    const n = 4000;
    await site.write("deep.html", "${if request.path}".repeat(n) + "x" + "${end}".repeat(n) + "y");
    const deep = await site.render("deep.html");
    assertEquals(deep.errors.length, 1);
    assert(deep.errors[0].startsWith("/deep.html line 1: ${if} nested more than"), deep.errors[0]);
    assertEquals(boxes(deep.html), 1);
    const ok = "${if request.path}".repeat(MAX_NESTING) + "x" + "${end}".repeat(MAX_NESTING) + "y";
    await site.write("ok.html", ok);
    const fine = await site.render("ok.html");
    assertEquals(fine.errors, []);
    assertEquals(fine.html, "xy");
  });
});

Deno.test("renderPage answers notFound when the page itself is gone", async () => {
  await withSite(async (site) => {
    const r = await site.render("gone.html");
    assertEquals(r.notFound, true);
  });
});

Deno.test("renderPage shows a box, not a 404, for a page past the source size limit", async () => {
  await withSite(async (site) => {
    await site.write("big.html", "x".repeat(MAX_SOURCE_BYTES + 1));
    const r = await site.render("big.html");
    assertEquals(r.notFound, false);
    assertEquals(r.errors, [
      `/big.html: too large to render (more than ${MAX_SOURCE_BYTES} bytes)`,
    ]);
    assertEquals(boxes(r.html), 1);
    await site.write("edge.html", "y".repeat(MAX_SOURCE_BYTES));
    const edge = await site.render("edge.html");
    assertEquals([edge.errors, edge.html.length], [[], MAX_SOURCE_BYTES]);
  });
});

Deno.test("renderPage renders Markdown nested 20,000 quotes deep, and the rest of the page", async () => {
  await withSite(async (site) => {
    // marked recursed per blockquote level: 20,000 `>` overflowed its stack, and the page was a
    // 500, then an error box. markdown-it stops nesting at 100 levels.
    await site.write("deep.md", ">".repeat(20_000) + " x\n");
    await site.write("post.html", "before ${markdown /deep.md} after");
    const r = await site.render("post.html");
    assertEquals([r.errors, boxes(r.html)], [[], 0]);
    assertEquals(r.html.split("</blockquote>").length - 1, 100);
    assert(r.html.startsWith("before <blockquote>") && r.html.endsWith(" after"), r.html);
  });
});

Deno.test("renderPage hides the page's front matter and shows its fields as page.NAME", async () => {
  await withSite(async (site) => {
    await site.write(
      "index.html",
      '---\r\ntitle: Home & "more"\nLayout: wide\n---\n<title>${page.title}</title>' +
        "${if page.layout}[${page.layout}]${end}${if page.nope}x${end}\n${page.missing}",
    );
    const r = await site.render("index.html");
    assert(r.html.startsWith("<title>Home &amp; &quot;more&quot;</title>[wide]\n"), r.html);
    // Lines are counted in the file, front matter included.
    assertEquals(r.errors, ["/index.html line 6: page.missing is not set"]);
    // Only the page's own block: a partial's is its text, and a page without one has no fields.
    await site.write("part.html", "---\nx: 1\n---\n${if page.title}${page.title}${end}");
    await site.write("with-part.html", "---\ntitle: T\n---\n${include /part.html}");
    assertEquals((await site.render("with-part.html")).html, "---\nx: 1\n---\nT");
    await site.write("plain.html", "<hr>\n---\ntitle: no\n---\n${if page.title}yes${else}no${end}");
    assertEquals((await site.render("plain.html")).html, "<hr>\n---\ntitle: no\n---\nno");
    // A loop variable called `page` still means the entry inside its loop.
    await site.write("list/a.md", "# A");
    await site.write("loop.html", '${for page in folder("/list")}${page.title}${end}');
    assertEquals((await site.render("loop.html")).html, "A");
  });
});
