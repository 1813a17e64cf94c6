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
  assertEquals(
    (await renderMarkdown("[a](https://example.org/) [b](javascript:alert(1)) [c](page.md)"))
      .trim(),
    '<p><a href="https://example.org/">a</a> <a>b</a> <a href="page.md">c</a></p>',
  );
  assert(!(await renderMarkdown("![x](data:image/svg+xml;base64,AAAA)")).includes("data:"));
});
