/** Markdown rendering: GitHub-flavoured output, and nothing that runs survives sanitising. */

import { renderMarkdown } from "../../src/app/markdown.ts";
import { assert, assertEquals } from "../support/assert.ts";

Deno.test("renderMarkdown renders headings, emphasis, lists, tables and fenced code", async () => {
  const html = await renderMarkdown(
    "# Title\n\n*a* **b** ~~c~~\n\n- one\n- [x] done\n\n| h |\n|---|\n| v |\n\n```ts\nlet x = 1;\n```\n",
  );
  for (
    const part of [
      "<h1>Title</h1>",
      "<em>a</em>",
      "<strong>b</strong>",
      "<del>c</del>",
      "<li>one</li>",
      '<input checked disabled type="checkbox" />',
      "<th>h</th>",
      '<code class="language-ts">let x = 1;',
    ]
  ) assert(html.includes(part), `${part} in ${html}`);
});

Deno.test("renderMarkdown drops scripts, handlers, styles, frames and forms", async () => {
  const html = await renderMarkdown(
    '<script>alert(1)</script><img src="https://x/y.png" onerror="alert(2)">' +
      '<iframe src="https://x"></iframe><style>*{}</style><form><input name="q"></form>' +
      '<p style="color:red" onclick="alert(3)">p</p>',
  );
  for (
    const bad of ["<script", "alert", "onerror", "<iframe", "<style", "<form", "style=", 'name="q"']
  ) {
    assert(!html.includes(bad), `${bad} in ${html}`);
  }
  assert(html.includes('<img src="https://x/y.png" />'), html);
});

Deno.test("renderMarkdown keeps safe links and drops script URLs", async () => {
  // markdown-it does not read a javascript: destination as a link (it stays text); raw HTML
  // reaches the sanitiser, which drops the URL.
  assertEquals(
    (await renderMarkdown(
      '[a](https://example.org/) [b](javascript:alert(1)) [c](page.md) <a href="javascript:x()">d</a>',
    )).trim(),
    '<p><a href="https://example.org/">a</a> [b](javascript:alert(1)) <a href="page.md">c</a> ' +
      "<a>d</a></p>",
  );
  for (
    const image of [
      "![x](data:image/svg+xml;base64,AAAA)",
      "![x](data:image/png;base64,AAAA)",
      '<img src="data:image/svg+xml;base64,AAAA">',
    ]
  ) {
    const html = await renderMarkdown(image);
    assert(!html.includes('src="data:'), html);
  }
});

Deno.test("renderMarkdown writes GFM's task lists, column alignment and autolinks", async () => {
  assertEquals(
    await renderMarkdown("- [ ] to do\n- [X] *done*\n- [x]no space\n"),
    '<ul>\n<li><input disabled type="checkbox" /> to do</li>\n' +
      '<li><input checked disabled type="checkbox" /> <em>done</em></li>\n<li>[x]no space</li>\n</ul>\n',
  );
  assert(
    (await renderMarkdown("| l | r |\n|:--|--:|\n| 1 | 2 |\n")).includes(
      '<td align="right">2</td>',
    ),
  );
  // `.md` is a country code: a file name is not a link, as on GitHub
  assertEquals(
    await renderMarkdown("See notes.md, www.example.org/a and https://x.org/b or a@b.org."),
    '<p>See notes.md, <a href="http://www.example.org/a">www.example.org/a</a> and ' +
      '<a href="https://x.org/b">https://x.org/b</a> or <a href="mailto:a@b.org">a@b.org</a>.</p>\n',
  );
});

/**
 * Longer than a render of the hostile files below can take when its time grows with the length
 * (markdown-it: about 0.2 s each, measured); marked took minutes on the first. Not a timing
 * test: the deadline only turns a regression into a failure instead of a hung test run.
 */
const HOSTILE_DEADLINE_MS = 60_000;

/** `source` rendered in a worker, or an error once `HOSTILE_DEADLINE_MS` has passed. */
async function renderInWorker(source: string): Promise<string> {
  const module = new URL("../../src/app/markdown.ts", import.meta.url).href;
  const code = `import { renderMarkdown } from ${JSON.stringify(module)};
    self.onmessage = async (e) => self.postMessage(await renderMarkdown(e.data));`;
  const worker = new Worker(`data:text/javascript,${encodeURIComponent(code)}`, {
    type: "module",
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await new Promise<string>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`not rendered within ${HOSTILE_DEADLINE_MS} ms`)),
        HOSTILE_DEADLINE_MS,
      );
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(e.message));
      };
      worker.postMessage(source);
    });
  } finally {
    clearTimeout(timer);
    worker.terminate();
  }
}

Deno.test("renderMarkdown renders 200 KB of unclosed emphasis openers as the text they are", async () => {
  // marked's time grew with the square of such a run: 24 KB took 4-8 s, 300 KB over 7 minutes.
  const source = "*a ".repeat(200_000 / 3);
  assertEquals(await renderInWorker(source), `<p>${source.trim()}</p>\n`);
});

Deno.test("renderMarkdown renders 4,000 nested quotes, as deep as the renderer nests", async () => {
  // marked recursed once per level and overflowed its stack (a RangeError, an error box).
  const html = await renderInWorker(">".repeat(4000) + " x\n");
  const opened = html.split("<blockquote>").length - 1;
  assertEquals([opened, html.split("</blockquote>").length - 1], [100, 100]);
});

// linkify-it validated `www.` at every place it appears and matched each to the end of the
// text: 50 KB of `www.a.b/` took 2.6 s, so 400 KB would take several minutes.
Deno.test("renderMarkdown links 400 KB of www.a.b/ as one link", async () => {
  const source = "www.a.b/".repeat(400_000 / 8);
  assertEquals(await renderInWorker(source), `<p><a href="http://${source}">${source}</a></p>\n`);
});

Deno.test("renderMarkdown leaves 400 KB of www.a. and a dash unlinked", async () => {
  // Each `www.` began a host of every label to the end of the text, then failed at the `-`.
  const source = "www.a.".repeat(400_000 / 6) + "-";
  assertEquals(await renderInWorker(source), `<p>${source}</p>\n`);
});

Deno.test("renderMarkdown links 600 KB of http://a.b/[ as links and brackets", async () => {
  // Each `[` in a URL's path looked to the end of the text for its `]`: 40 KB took 0.9 s.
  const source = "http://a.b/[".repeat(600_000 / 12);
  const link = '<a href="http://a.b/">http://a.b/</a>[';
  assertEquals(await renderInWorker(source), `<p>${link.repeat(600_000 / 12)}</p>\n`);
});

Deno.test("renderMarkdown renders 1.5 MB of unclosed tags, past 1,000 open as text", async () => {
  // The sanitiser's parser took time in proportion to the elements open at each tag: 600 KB
  // of `<b><i>` took 21.5 s, so 1.5 MB would take minutes.
  const html = await renderInWorker("<b><i>".repeat(1_500_000 / 6));
  // <p> and 999 tags open; the rest is text, and every element opened is closed.
  assertEquals([html.split("<b>").length - 1, html.split("<i>").length - 1], [500, 499]);
  assertEquals([html.split("</b>").length - 1, html.split("</i>").length - 1], [500, 499]);
  assert(
    html.endsWith("&lt;b&gt;&lt;i&gt;</b>" + "</i></b>".repeat(499) + "</p>\n"),
    html.slice(-80),
  );
});
