/**
 * The work one render may do, from a real folder without sockets: every node walked and every
 * loop iteration is a step, a render stops past MAX_RENDER_STEPS with an error box (a nested
 * include bomb included), each source is parsed once per render however often it is included,
 * and a block left open is reported where it opens.
 */

import { siteRoot } from "./site_root.ts";
import { TemplateFiles } from "../../src/templates/template_files.ts";
import {
  type RenderOptions,
  renderPage,
  type RenderResult,
} from "../../src/templates/template_render.ts";
import { parseTemplate } from "../../src/templates/template_syntax.ts";
import { MAX_RENDER_STEPS } from "../../src/templates/template_limits.ts";
import { assert, assertEquals } from "../support/assert.ts";

interface Site {
  write(path: string, text: string): Promise<void>;
  render(page: string, options?: Partial<RenderOptions>): Promise<RenderResult>;
}

async function withSite(fn: (site: Site) => Promise<void>) {
  const www = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-steps-" }));
  const root = siteRoot(www);
  const files = new TemplateFiles(root);
  const site: Site = {
    async write(path, text) {
      const full = `${www}/${path}`;
      await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
      await Deno.writeTextFile(full, text);
    },
    render(page, options) {
      return renderPage(
        { files, version: "9.9.9", env: () => undefined },
        { path: `/${page}`, query: [] },
        page.split("/"),
        options,
      );
    },
  };
  try {
    await fn(site);
  } finally {
    await Deno.remove(www, { recursive: true });
  }
}

const tooMany = (steps: number, file: string) =>
  `the page takes more than ${steps} steps to render (stopped in ${file})`;

Deno.test("renderPage takes exactly as many steps as the budget, and stops one past it", async () => {
  await withSite(async (site) => {
    await site.write("p.html", "x");
    // 3 includes + the text of each: 6 steps.
    await site.write("includes.html", "${include /p.html}".repeat(3));
    const at = await site.render("includes.html", { maxSteps: 6 });
    assertEquals(at.errors, []);
    assertEquals(at.html, "xxx");
    const past = await site.render("includes.html", { maxSteps: 5 });
    assertEquals(past.errors, [tooMany(5, "/p.html")]);
    assert(past.html.startsWith("xx<div"), past.html);
    // The for node, the folder's reading (3 entries listed, 3 front matters read), then per entry
    // one iteration and one value: 1 + 6 + 3 × 2 = 13 steps.
    for (const name of ["a", "b", "c"]) await site.write(`posts/${name}.md`, "");
    await site.write("loop.html", '${for p in folder("/posts")}${p.slug}${end}');
    assertEquals((await site.render("loop.html", { maxSteps: 13 })).html, "abc");
    const loopPast = await site.render("loop.html", { maxSteps: 12 });
    assertEquals(loopPast.errors, [tooMany(12, "/loop.html")]);
  });
});

Deno.test("renderPage stops a nested include bomb at MAX_RENDER_STEPS", async () => {
  await withSite(async (site) => {
    // 500 × 500 includes of an empty file: no other bound is crossed.
    await site.write("empty.html", "");
    await site.write("a.html", "${include /empty.html}".repeat(500));
    await site.write("bomb.html", "${include /a.html}".repeat(500) + "after");
    const r = await site.render("bomb.html");
    assertEquals(r.errors, [tooMany(MAX_RENDER_STEPS, "/a.html")]);
    assert(!r.html.includes("after"), "rendering stopped");
  });
});

Deno.test("renderPage parses each source once per render, however often it is included", async () => {
  await withSite(async (site) => {
    const parsed: string[] = [];
    const parse: typeof parseTemplate = (source, scope) => {
      parsed.push(`${source}|${scope?.join(",")}`);
      return parseTemplate(source, scope);
    };
    await site.write("card.html", "[${p.slug}]");
    await site.write("plain.html", "-");
    for (const name of ["a", "b", "c"]) await site.write(`posts/${name}.md`, "");
    await site.write(
      "page.html",
      "${include /plain.html}".repeat(50) +
        '${for p in folder("/posts")}${include /card.html}${include /plain.html}${end}',
    );
    const r = await site.render("page.html", { parse });
    assertEquals(r.errors, []);
    assertEquals(r.html, "-".repeat(50) + "[a]-[b]-[c]-");
    // The page; plain.html outside the loop and inside it (where `p` is in scope); card.html.
    assertEquals(parsed.length, 4, JSON.stringify(parsed));
  });
});

Deno.test("renderPage renders each Markdown file once per render, however often it is shown", async () => {
  await withSite(async (site) => {
    const rendered: string[] = [];
    const markdown = (source: string) => {
      rendered.push(source);
      return Promise.resolve(`<p>${source.trim()}</p>`);
    };
    await site.write("a.md", "---\ntitle: A\n---\nalpha\n");
    await site.write("b.md", "beta");
    await site.write("part.html", "${markdown /a.md}");
    await site.write(
      "page.html",
      "${markdown /a.md}${include /part.html}".repeat(20) + "${markdown /b.md}",
    );
    const r = await site.render("page.html", { markdown });
    assertEquals(r.errors, []);
    assertEquals(r.html, "<p>alpha</p>".repeat(40) + "<p>beta</p>");
    assertEquals(rendered, ["alpha\n", "beta"]);
  });
});

Deno.test("renderPage weighs a Markdown file by its HTML where that is larger than its source", async () => {
  await withSite(async (site) => {
    // A few KB of tables can render to 1 MB of cells, as slow as 1 MB of source: 1 MB of HTML
    // from 4 bytes weighs as 1 MB of source would, so two uses pass the cap and one does not.
    const markdown = () => Promise.resolve("<td></td>".repeat(111_112));
    await site.write("cells.md", "|x|\n");
    await site.write("twice.html", "${markdown /cells.md}${markdown /cells.md}");
    const twice = await site.render("twice.html", { markdown });
    assertEquals(twice.errors, [tooMany(MAX_RENDER_STEPS, "/twice.html")]);
    await site.write("once.html", "${markdown /cells.md}");
    assertEquals((await site.render("once.html", { markdown })).errors, []);
  });
});

Deno.test("renderPage shows a Markdown file that would expand past its bound as an error box", async () => {
  await withSite(async (site) => {
    // 130 KB whose one link reference, used 30,000 times, would render to 300 MB of HTML.
    await site.write(
      "refs.md",
      `[a]: http://x.example/${"A".repeat(10_000)}\n\n` + "[a] ".repeat(30_000),
    );
    await site.write("page.html", "before ${markdown /refs.md} after");
    const r = await site.render("page.html");
    assertEquals(r.errors, [
      "/page.html line 1: markdown /refs.md: could not be rendered (it would render too large)",
    ]);
    assert(r.html.startsWith("before <div") && r.html.endsWith(" after"), r.html.slice(0, 200));
  });
});

Deno.test("renderPage reports an unclosed ${for} at the line it opens, before its body", async () => {
  await withSite(async (site) => {
    for (const name of ["a", "b"]) await site.write(`posts/${name}.md`, "");
    await site.write("list.html", 'top\n<ul>${for p in folder("/posts")}\n<li>${p.slug}');
    await site.write("page.html", "<h1>${include /list.html}</h1>");
    const r = await site.render("page.html");
    assertEquals(r.errors, ["/list.html line 2: unclosed ${for}: no ${end} closes it"]);
    const box = r.html.indexOf("wireserve-template-error");
    assert(box > r.html.indexOf("top") && box < r.html.indexOf("<li>a"), r.html);
  });
});

Deno.test("renderPage weighs a Markdown file by its size and a folder by its entries", async () => {
  await withSite(async (site) => {
    // 1 MB of Markdown is 100,000 steps (MARKDOWN_BYTES_PER_STEP): two uses of it pass the cap,
    // where two nodes would not (1 MiB of blank lines takes markdown-it 0.6 s, and renders to
    // nothing: no length cap is hit).
    await site.write("big.md", "\n".repeat(1_000_000));
    await site.write("other.md", "\n".repeat(1_000_000));
    await site.write("md.html", "${markdown /big.md}${markdown /other.md}");
    const md = await site.render("md.html");
    assertEquals(md.errors, [tooMany(MAX_RENDER_STEPS, "/md.html")]);
    await site.write("once.html", "${markdown /big.md}");
    assertEquals((await site.render("once.html")).errors, []);
    // A folder of 300 files read for a loop that takes one of them: 600 steps (listed and front
    // matter read), not 1 + 2.
    for (let i = 0; i < 300; i++) await site.write(`many/p${i}.md`, "");
    await site.write("first.html", '${for p in folder("/many", limit=1)}${p.slug}${end}');
    assertEquals((await site.render("first.html", { maxSteps: 603 })).html, "p0");
    const past = await site.render("first.html", { maxSteps: 602 });
    assertEquals(past.errors, [tooMany(602, "/first.html")]);
  });
});
