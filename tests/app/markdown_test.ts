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
