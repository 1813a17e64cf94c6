/**
 * Folder listings and redirects on the real server: HTML and JSON, sorting, hostile names
 * fetched back through the links the listing gives, and the 308 to the slash form.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { curl, HOSTILE_NAMES, startFilesServer, text } from "./files_fixture.ts";

interface Entry {
  name: string;
  type: string;
  size: number;
  mtime: string;
  url: string;
  target?: string;
}

Deno.test("JSON listing gives name, type, size, mtime and url, folders first", async () => {
  const fs = await startFilesServer();
  try {
    const res = await curl(["-H", "Accept: application/json", fs.url("/files/")]);
    assertEquals(res.headers.get("content-type"), "application/json; charset=utf-8");
    const doc = JSON.parse(text(res.body));
    assertEquals([doc.path, doc.truncated], ["/files/", false]);
    const entries: Entry[] = doc.entries;
    const hello = entries.find((e) => e.name === "hello.txt")!;
    assertEquals([hello.type, hello.size, hello.url], ["file", 12, "/files/hello.txt"]);
    assert(!Number.isNaN(Date.parse(hello.mtime)));
    const sub = entries.find((e) => e.name === "sub")!;
    assertEquals([sub.type, sub.url], ["dir", "/files/sub/"]);
    const link = entries.find((e) => e.name === "link-sub")!;
    assertEquals([link.type, link.target, link.url], ["symlink", "dir", "/files/link-sub/"]);
    const firstFile = entries.findIndex((e) => e.type === "file");
    assert(entries.slice(0, firstFile).every((e) => e.type === "dir" || e.target === "dir"));
    const viaQuery = await curl([fs.url("/files/sub/?format=json")]);
    assertEquals(JSON.parse(text(viaQuery.body)).entries.map((e: Entry) => e.name), ["nested.txt"]);
  } finally {
    await fs.close();
  }
});

Deno.test("every hostile name is listed and its link fetches the file; unservable names are not listed", async () => {
  const fs = await startFilesServer();
  try {
    const doc = JSON.parse(text((await curl([fs.url("/files/?format=json")])).body));
    for (const name of HOSTILE_NAMES) {
      const entry = (doc.entries as Entry[]).find((e) => e.name === name);
      const url = `/files/${encodeURIComponent(name).replaceAll("'", "%27")}`;
      if (name.includes("\n")) {
        // Control characters in paths are refused by policy (400): a listed link could only fail.
        assertEquals(entry, undefined, `${JSON.stringify(name)} is listed`);
        assertEquals((await curl([fs.url(url)])).status, 400);
        continue;
      }
      assert(entry !== undefined, `${JSON.stringify(name)} not listed`);
      // encodeURIComponent, and the apostrophe too (see encodeSegment).
      assertEquals(entry.url, url);
      const res = await curl([fs.url(entry.url)]);
      assertEquals([res.status, text(res.body)], [200, `content of ${name}`], name);
    }
    // A backslash and bytes that are not UTF-8 are no better: no URL reaches them.
    await Deno.writeTextFile(`${fs.tree.root}/back\\slash.txt`, "x");
    const made = await new Deno.Command("sh", {
      args: ["-c", `printf x > "$(printf '%s/latin1-\\377.txt' "$0")"`, fs.tree.root],
    }).output();
    assert(made.success, "a file whose name is not UTF-8");
    const again = JSON.parse(text((await curl([fs.url("/files/?format=json")])).body));
    const names = (again.entries as Entry[]).map((e) => e.name);
    assert(!names.some((n) => n.includes("\\") || n.includes("\uFFFD")), names.join(", "));
    assert(names.includes("hello.txt"));
  } finally {
    await fs.close();
  }
});

Deno.test("HTML listing escapes hostile names and links them percent-encoded", async () => {
  const fs = await startFilesServer();
  try {
    const res = await curl([fs.url("/files/")]);
    assertEquals(res.headers.get("content-type"), "text/html; charset=utf-8");
    const html = text(res.body);
    assert(!html.includes("<tag>"), "raw tag from a file name");
    assert(html.includes("&lt;tag&gt;&amp;amp.txt"));
    assert(html.includes('href="/files/%3Ctag%3E%26amp.txt"'));
    assert(html.includes('href="/files/q%22uote.txt"><bdi>q&quot;uote.txt</bdi></a>'));
    assert(!html.includes("new%0Aline.txt"), "a name no URL can reach is not linked");
    assert(
      html.includes('href="/files/h%23sh.txt"') && html.includes('href="/files/q%3Fmark.txt"'),
    );
    assert(html.includes('href="/files/%2520.txt"') && html.includes('href="/files/100%25.txt"'));
    assert(html.includes(`href="/files/${encodeURIComponent("😀 emoji.txt")}"`));
  } finally {
    await fs.close();
  }
});

Deno.test("HTML listing sorts by size and date through query links", async () => {
  const fs = await startFilesServer();
  try {
    await Deno.writeTextFile(`${fs.tree.root}/sub/big.txt`, "x".repeat(5000));
    await Deno.writeTextFile(`${fs.tree.root}/sub/mid.txt`, "x".repeat(500));
    await Deno.utime(`${fs.tree.root}/sub/mid.txt`, new Date(0), new Date(Date.UTC(2001, 0, 1)));
    const order = async (query: string) => {
      const html = text((await curl([fs.url(`/files/sub/${query}`)])).body);
      // The entries' links (the sort links are the folder's own path with a query).
      return [...html.matchAll(/<a href="\/files\/sub\/([^"?]+)">/g)].map((m) => m[1]);
    };
    assertEquals(await order("?sort=size&order=desc"), ["big.txt", "mid.txt", "nested.txt"]);
    assertEquals(await order("?sort=size"), ["nested.txt", "mid.txt", "big.txt"]);
    assertEquals((await order("?sort=date"))[0], "mid.txt");
    assertEquals(await order("?sort=name&order=desc"), ["nested.txt", "mid.txt", "big.txt"]);
    assertEquals(await order("?sort=bogus"), ["big.txt", "mid.txt", "nested.txt"]);
  } finally {
    await fs.close();
  }
});

Deno.test("a folder without its slash redirects 308 to the slash form keeping the query", async () => {
  const fs = await startFilesServer();
  try {
    await Deno.mkdir(`${fs.tree.root}/a b`);
    const cases: Array<[string, string]> = [
      ["/files/sub", "/files/sub/"],
      ["/files/sub?sort=size&order=desc", "/files/sub/?sort=size&order=desc"],
      ["/files", "/files/"],
      ["/files?format=json", "/files/?format=json"],
      ["/files//sub", "/files/sub/"],
      ["/files/a%20b", "/files/a%20b/"],
    ];
    for (const [path, location] of cases) {
      const res = await curl([fs.url(path)]);
      assertEquals([res.status, res.headers.get("location")], [308, location], path);
      assertEquals(res.headers.get("x-content-type-options"), "nosniff", path);
    }
    const followed = await curl(["-L", fs.url("/files/sub")]);
    assert(text(followed.body).includes("nested.txt"));
  } finally {
    await fs.close();
  }
});

Deno.test("listing reflects new files at once when the stat cache is off", async () => {
  const fs = await startFilesServer();
  try {
    const names = async () =>
      JSON.parse(text((await curl([fs.url("/files/sub/?format=json")])).body)).entries.map((
        e: Entry,
      ) => e.name);
    assertEquals(await names(), ["nested.txt"]);
    await Deno.writeTextFile(`${fs.tree.root}/sub/new.txt`, "new");
    assertEquals(await names(), ["nested.txt", "new.txt"]);
  } finally {
    await fs.close();
  }
});

Deno.test("a listing evaluates preconditions against a folder that exists without a tag", async () => {
  const fs = await startFilesServer();
  try {
    const status = async (field: string) => (await curl(["-H", field, fs.url("/files/")])).status;
    assertEquals(await status('If-Match: "x"'), 412);
    assertEquals(await status("If-Match: *"), 200);
    assertEquals(await status("If-None-Match: *"), 304);
    assertEquals(await status('If-None-Match: "x"'), 200);
  } finally {
    await fs.close();
  }
});

Deno.test("a listing and a search revisited with their ETag get 304 until the folder changes", async () => {
  const fs = await startFilesServer();
  try {
    const get = async (path: string, fields: Record<string, string> = {}) => {
      const res = await fetch(fs.url(path), { headers: fields });
      const body = new Uint8Array(await res.arrayBuffer());
      return { status: res.status, headers: res.headers, body };
    };
    for (const path of ["/files/sub/", "/files/sub/?format=json", "/files/?q=nest"]) {
      const first = await get(path);
      const tag = first.headers.get("etag") ?? "";
      assert(/^W\/"[A-Za-z0-9_-]{22}"$/.test(tag), `${path}: a weak tag, not ${tag}`);
      assertEquals(first.headers.get("last-modified"), null, path);
      // fetch asks for gzip and br: the compressed page carries the same tag.
      const again = await get(path, { "If-None-Match": tag });
      assertEquals([again.status, again.body.length], [304, 0], path);
      assertEquals(again.headers.get("etag"), tag, path);
      assertEquals(again.headers.get("cache-control"), "no-cache", path);
      assertEquals(again.headers.get("vary"), "Accept, Accept-Encoding", path);
    }
    const html = (await get("/files/sub/")).headers.get("etag");
    const json = (await get("/files/sub/", { Accept: "application/json" })).headers.get("etag");
    assert(html !== json, "HTML and JSON pages have their own tags");
    await Deno.writeTextFile(`${fs.tree.root}/sub/nested.txt`, "grown since the first visit");
    const changed = await get("/files/sub/", { "If-None-Match": html! });
    assertEquals(changed.status, 200, "a file grew: the page changed");
    assert(changed.headers.get("etag") !== html);
  } finally {
    await fs.close();
  }
});
