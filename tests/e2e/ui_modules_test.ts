/**
 * The UI's pure modules (www/js/*.js) run under Deno without a browser: URL building for hostile
 * names, deep-link parsing, sizes, sorting, the failure messages, the inspector's header parser.
 * They need no Chromium, so they run everywhere.
 */

import { assert, assertEquals, assertThrows } from "../support/assert.ts";
import {
  describeFailure,
  describeNameFailure,
  describePartialFailure,
  multiStatusMembers,
} from "../../www/js/api.js";
import { filterEntries, sortEntries } from "../../www/js/browse.js";
import { describeBulkTransfer } from "../../www/js/bulk_transfer.js";
import { folderPathProblem } from "../../www/js/entry_actions.js";
import { zipFormBody } from "../../www/js/download.js";
import { fileKind, previewable } from "../../www/js/file_kinds.js";
import { listingEntries } from "../../www/js/listing_entries.js";
import { failureKind } from "../../www/js/upload_row.js";
import {
  creationRetriesAfter,
  MAX_RETRY_AFTER_MS,
  retriesAfter,
  retryAfterMs,
} from "../../www/js/resumable.js";
import { DEFAULT_VIEW, formatHash, parseHash } from "../../www/js/view_state.js";
import { formatBytes, formatSpeed, plural, visibleName } from "../../www/js/format.js";
import { headingSlug, splitFrontMatter } from "../../www/js/markdown.js";
import { splitFrontMatter as serverSplitFrontMatter } from "../../src/templates/front_matter.ts";
import { parseHeaderLines, wireValue } from "../../www/js/inspector.js";
import { charsetOf, decodeText } from "../../www/js/text_decode.js";
import {
  entryUrl,
  fileHash,
  fileUrl,
  folderHash,
  folderUrl,
  hashFromPath,
  itemFromHash,
  malformedHashPart,
  nameProblem,
  segmentsFromHash,
  segmentsFromPath,
  uploadUrl,
} from "../../www/js/paths.js";

const HOSTILE_NAMES = [
  "plain.txt",
  "with space.txt",
  "100%.txt",
  "hash#tag.txt",
  "what?.txt",
  'quote"s.txt',
  "<b>&amp;<i>",
  "not/a/folder",
  "emoji 🎉.txt",
  "new\nline.txt",
  "slash\\back",
];

Deno.test("folderUrl and fileUrl encode every hostile name as one segment", () => {
  for (const name of HOSTILE_NAMES) {
    const url = fileUrl(["sub dir"], name);
    assertEquals(url.startsWith("/files/sub%20dir/"), true, url);
    const last = url.slice("/files/sub%20dir/".length);
    assertEquals(last.includes("/") || last.includes("#") || last.includes("?"), false, url);
    assertEquals(decodeURIComponent(last), name);
  }
  assertEquals(folderUrl([]), "/files/");
  assertEquals(folderUrl(["a", "b c"]), "/files/a/b%20c/");
});

Deno.test("uploadUrl keeps the folders of a relative path from a dropped folder", () => {
  assertEquals(uploadUrl(["docs"], "album/inner/b #1.txt"), "/files/docs/album/inner/b%20%231.txt");
});

Deno.test("segmentsFromHash reverses folderHash for hostile names", () => {
  for (const name of HOSTILE_NAMES) {
    assertEquals(segmentsFromHash(folderHash(["top", name])), ["top", name]);
  }
  assertEquals(folderHash([]), "#/");
  assertEquals(segmentsFromHash("#/"), []);
});

Deno.test("segmentsFromHash gives the root when the hash is not a folder link", () => {
  assertEquals(segmentsFromHash(""), []);
  assertEquals(segmentsFromHash("#listing"), []);
  assertEquals(segmentsFromHash("#/bad%E0%A4%A/"), []);
});

Deno.test("segmentsFromHash and segmentsFromPath drop dot segments and empty ones", () => {
  assertEquals(segmentsFromHash("#/a//./../b/%2e%2e/"), ["a", "b"]);
  assertEquals(segmentsFromPath("/a/../b//c/"), ["a", "b", "c"]);
});

Deno.test("itemFromHash reverses fileHash for hostile names, views after the name", () => {
  for (const name of HOSTILE_NAMES) {
    assertEquals(itemFromHash(fileHash(["top dir"], name)), { segments: ["top dir"], name });
    assertEquals(itemFromHash(fileHash([], name) + "?sort=size"), { segments: [], name });
  }
  assertEquals(fileHash(["a b"], "c#?%.txt"), "#/a%20b/c%23%3F%25.txt");
});

Deno.test("itemFromHash names no item for a folder link, the root or a dot segment", () => {
  assertEquals(itemFromHash("#/docs/"), { segments: ["docs"], name: null });
  assertEquals(itemFromHash("#/docs/?view=grid"), { segments: ["docs"], name: null });
  assertEquals(itemFromHash("#/"), { segments: [], name: null });
  assertEquals(itemFromHash(""), { segments: [], name: null });
  assertEquals(itemFromHash("#listing"), { segments: [], name: null });
  assertEquals(itemFromHash("#/docs/.."), { segments: ["docs"], name: null });
  assertEquals(itemFromHash("#/docs/%2e%2e"), { segments: ["docs"], name: null });
  assertEquals(itemFromHash("#/docs/bad%E0%A4%A"), { segments: [], name: null });
  assertEquals(itemFromHash("#/docs"), { segments: [], name: "docs" });
});

Deno.test("hashFromPath tells a folder path (trailing slash) from an item's", () => {
  assertEquals(hashFromPath("/docs/"), "#/docs/");
  assertEquals(hashFromPath("/docs/a #1?.txt"), "#/docs/a%20%231%3F.txt");
  assertEquals(hashFromPath("/docs/.."), "#/docs/");
  assertEquals(hashFromPath("/"), "#/");
  assertEquals(hashFromPath(""), "#/");
});

Deno.test("visibleName shows control and bidi characters as the server's listing does", async () => {
  const { visibleName: serverVisibleName } = await import("../../src/files/listing_text.ts");
  for (
    const name of ["invoice\u202Efdp.exe", "a\nb\x00c\x7f", "\u2066x\u2069\u200E\u061C", "שלום"]
  ) {
    assertEquals(visibleName(name), serverVisibleName(name), name);
  }
  assertEquals(visibleName("invoice\u202Efdp.exe"), "invoice<U+202E>fdp.exe");
});

Deno.test("formatBytes uses binary units with one decimal under ten", () => {
  assertEquals(formatBytes(0), "0 B");
  assertEquals(formatBytes(1023), "1023 B");
  assertEquals(formatBytes(1024), "1.0 KiB");
  assertEquals(formatBytes(1536), "1.5 KiB");
  assertEquals(formatBytes(150 * 1024 * 1024), "150 MiB");
  assertEquals(formatBytes(1024 ** 3), "1.0 GiB");
  assertEquals(formatBytes(-1), "");
  assertEquals(formatSpeed(2.5 * 1024 * 1024), "2.5 MiB/s");
  assertEquals(formatSpeed(0), "");
  assertEquals([plural(1, "file", "files"), plural(2, "file", "files")], ["1 file", "2 files"]);
});

Deno.test("sortEntries puts folders first whatever the key and order", () => {
  const at = (iso: string) => new Date(iso);
  const entries = () => [
    { name: "b.txt", folder: false, size: 10, mtime: at("2024-01-03T00:00:00Z") },
    { name: "Zeta", folder: true, size: 0, mtime: at("2024-01-01T00:00:00Z") },
    { name: "a10.txt", folder: false, size: 30, mtime: at("2024-01-01T00:00:00Z") },
    { name: "a9.txt", folder: false, size: 20, mtime: at("2024-01-02T00:00:00Z") },
    { name: "alpha", folder: true, size: 0, mtime: at("2024-01-05T00:00:00Z") },
  ];
  const names = (key: string, order: string) =>
    sortEntries(entries(), key, order).map((e) => e.name);
  assertEquals(names("name", "asc"), ["alpha", "Zeta", "a9.txt", "a10.txt", "b.txt"]);
  assertEquals(names("name", "desc"), ["Zeta", "alpha", "b.txt", "a10.txt", "a9.txt"]);
  assertEquals(names("size", "asc"), ["alpha", "Zeta", "b.txt", "a9.txt", "a10.txt"]);
  assertEquals(names("date", "desc"), ["alpha", "Zeta", "b.txt", "a9.txt", "a10.txt"]);
});

Deno.test("listingEntries links a folder with the sort and layout but not the filter or search", () => {
  const view = { sort: "size", order: "desc", view: "grid", filter: "x", search: "q" };
  const [folder, file] = listingEntries(
    [
      { name: "deep/sub #1", folder: true, size: 0, mtime: null },
      { name: "deep/a b.md", folder: false, size: 3, mtime: null },
    ],
    ["docs"],
    view,
  );
  assertEquals(folder.parts, ["deep", "sub #1"]);
  assertEquals(folder.path, ["docs", "deep", "sub #1"]);
  assertEquals(folder.kind, "folder");
  assertEquals(folder.url, "/files/docs/deep/sub%20%231/");
  assertEquals(folder.href, "#/docs/deep/sub%20%231/?sort=size&order=desc&view=grid");
  assertEquals(folder.downloadHref, "/files/docs/deep/sub%20%231/?zip");
  assertEquals(file.kind, fileKind("a b.md"));
  assertEquals(
    [file.url, file.href, file.downloadHref],
    Array(3).fill("/files/docs/deep/a%20b.md"),
  );
  assertEquals(view.filter, "x"); // the view shown is not changed
});

Deno.test("describeFailure names each refusal the UI can meet in the user's terms", () => {
  assertEquals(
    describeFailure(413, "", 1024),
    "Too large: the server accepts uploads up to 1.0 KiB.",
  );
  // One byte past 1 MiB reads "1.0 MiB" like the limit: both are told in bytes then.
  assertEquals(
    describeFailure(413, "", 1048576, 1048577),
    "Too large: the server accepts uploads up to 1,048,576 bytes; this file has 1,048,577 bytes.",
  );
  assertEquals(
    describeFailure(413, "", 1048576, 5 * 1048576),
    "Too large: the server accepts uploads up to 1.0 MiB.",
  );
  assertEquals(
    describeFailure(412, ""),
    "Already exists. Tick “Replace existing files” to overwrite it.",
  );
  assertEquals(
    describeFailure(409, "A file with this name exists and overwriting is disabled\n"),
    "Cannot store it: A file with this name exists and overwriting is disabled.",
  );
  assertEquals(describeFailure(409, ""), "Already exists, and the server does not replace it.");
  assertEquals(describeFailure(401, ""), "Sign-in needed: the server asks for credentials.");
  assertEquals(
    describeFailure(403, '{"error":"Writes are disabled (--read-only)"}'),
    "Not allowed: Writes are disabled (--read-only).",
  );
  assertEquals(
    describeFailure(403, ""),
    "Not allowed: the server is read-only or the folder is protected.",
  );
  assertEquals(describeFailure(507, ""), "The server's disk is full.");
  assertEquals(
    describeFailure(400, "Content-Digest mismatch\n"),
    "The server refused the request (Content-Digest mismatch).",
  );
  assertEquals(describeFailure(500, "<html>oops</html>"), "The server answered 500.");
});

Deno.test("describeFailure says a 423 is another client's lock, naming what it holds", () => {
  // The body the server sends (src/webdav/write_guard.ts): XML, which serverText drops.
  const submitted = '<?xml version="1.0" encoding="utf-8"?>\n<D:error xmlns:D="DAV:">' +
    "<D:lock-token-submitted><D:href>/files/partdel/caf%C3%A9%20%26%20b.txt</D:href>" +
    "</D:lock-token-submitted></D:error>\n";
  assertEquals(
    describeFailure(423, submitted),
    "Locked: another client (a mounted drive, an editor) is using “café & b.txt”; " +
      "try again when it lets go.",
  );
  assertEquals(
    describeFailure(423, '<D:error xmlns:D="DAV:"><D:no-conflicting-lock/></D:error>'),
    "Locked: another client (a mounted drive, an editor) is using it; try again when it lets go.",
  );
  assertEquals(describeNameFailure(423, ""), describeFailure(423, ""));
});

/** A 207 as the server writes it (src/app/multistatus.ts) for `members`. */
function multiStatusBody(members: [string, string][]): string {
  return '<?xml version="1.0" encoding="utf-8"?>\n<D:multistatus xmlns:D="DAV:">\n' +
    members.map(([href, status]) =>
      `<D:response><D:href>${href}</D:href><D:status>${status}</D:status></D:response>\n`
    ).join("") + "</D:multistatus>\n";
}

Deno.test("a 207 to DELETE, COPY or MOVE reads as a failure naming the members and why", () => {
  const body = multiStatusBody([
    ["/files/partdel/secret/", "HTTP/1.1 403 Forbidden"],
    ["/files/partdel/Cafe%CC%81%20%26%20co.txt", "HTTP/1.1 423 Locked"],
  ]);
  assertEquals(multiStatusMembers(body), [
    { href: "/files/partdel/secret/", status: 403 },
    { href: "/files/partdel/Cafe%CC%81%20%26%20co.txt", status: 423 },
  ]);
  assertEquals(
    describePartialFailure(body, "deleted"),
    "Part of it was not deleted: “secret” (not allowed), “Cafe\u0301 & co.txt” (locked).",
  );
  // A LOCK-style member with its own DAV:error: the response's own href counts, not the error's.
  const withError = '<d:multistatus xmlns:d="DAV:"><d:response><d:href>/files/a/b/</d:href>' +
    "<d:status>HTTP/1.1 423 Locked</d:status><d:error><d:no-conflicting-lock>" +
    "<d:href>/files/a/other/</d:href></d:no-conflicting-lock></d:error></d:response>" +
    "<d:response><d:href>http://host/files/a/</d:href>" +
    "<d:status>HTTP/1.1 424 Failed Dependency</d:status></d:response></d:multistatus>";
  assertEquals(
    describePartialFailure(withError, "moved"),
    "Part of it was not moved: “b” (locked), “a” (depends on a failed one).",
  );
  // At most three names; a status without words and a malformed escape still read.
  const many = multiStatusBody([
    ["/files/x/1", "HTTP/1.1 500 Internal Server Error"],
    ["/files/x/%E0%A4", "HTTP/1.1 409 Conflict"],
    ["/files/x/3", "HTTP/1.1 507 Insufficient Storage"],
    ["/files/x/4", "HTTP/1.1 403 Forbidden"],
    ["/files/x/5", "HTTP/1.1 403 Forbidden"],
  ]);
  assertEquals(
    describePartialFailure(many, "copied"),
    "Part of it was not copied: “1” (the server answered 500), “%E0%A4” (changed meanwhile), " +
      "“3” (disk full) and 2 more.",
  );
  assertEquals(
    describePartialFailure("", "deleted"),
    "Part of it was not deleted; the server did not say which.",
  );
});

Deno.test("describeFailure hints at the limit when the connection drops mid-upload", () => {
  const dropped = "The connection failed before the server answered.";
  const hint = " If the file is larger than 1.0 MiB, the server may have refused it.";
  assertEquals(describeFailure(0, "", 1024 * 1024), dropped + hint);
  assertEquals(describeFailure(0, "", 1024 * 1024, 2 * 1024 * 1024), dropped + hint);
});

Deno.test("describeFailure claims no size refusal for a file under the limit", () => {
  assertEquals(
    describeFailure(0, "", 1024 * 1024 * 1024, 80 * 1024 * 1024),
    "The connection failed before the server answered.",
  );
});

Deno.test("describeNameFailure says the name is taken, without the upload panel's advice", () => {
  const taken = "A file or folder with that name already exists there.";
  assertEquals(describeNameFailure(412, "Precondition failed\n"), taken); // MOVE/COPY, Overwrite: F
  assertEquals(describeNameFailure(405, ""), taken); // MKCOL on a name in use
  assertEquals(describeNameFailure(403, ""), describeFailure(403, ""));
});

Deno.test("parseHeaderLines reads Name: value lines and refuses a line without a colon", () => {
  assertEquals(parseHeaderLines("X-A: 1\r\n\nX-B:two: three\n"), [["X-A", "1"], [
    "X-B",
    "two: three",
  ]]);
  let message = "";
  try {
    parseHeaderLines("X-A: 1\nbroken");
  } catch (err) {
    message = (err as Error).message;
  }
  assertEquals(message, "Line 2 is not “Name: value”.");
});

Deno.test("parseHeaderLines sends values beyond Latin-1 as UTF-8 bytes and names bad names", () => {
  assertEquals(parseHeaderLines("X-Other: ✓"), [["X-Other", "\xe2\x9c\x93"]]);
  assertEquals(wireValue("café"), "café"); // Latin-1 goes as it is: one byte per character
  assertEquals(wireValue("日本"), "\xe6\x97\xa5\xe6\x9c\xac");
  const refusal = (text: string) => {
    try {
      parseHeaderLines(text);
      return "";
    } catch (err) {
      return (err as Error).message;
    }
  };
  assertEquals(
    refusal("Bad Name: x"),
    "Line 1: “Bad Name” is not a field name (letters, digits, -).",
  );
  assertEquals(refusal("X-A: 1\nX-B: a\u0000b"), "Line 2: a field value cannot hold a NUL byte.");
});

Deno.test("view state round-trips through the hash and ignores what it does not know", () => {
  const view = { sort: "size", order: "desc", view: "grid", filter: "a&b #1", search: "" };
  const hash = formatHash(["docs", "a?b"], view);
  assertEquals(hash, "#/docs/a%3Fb/?sort=size&order=desc&view=grid&filter=a%26b+%231");
  assertEquals(parseHash(hash), { segments: ["docs", "a?b"], view });
  assertEquals(formatHash([], DEFAULT_VIEW), "#/");
  assertEquals(parseHash("#/x/?sort=evil&order=up&view=3d").view, DEFAULT_VIEW);
  assertEquals(parseHash("#listing"), { segments: [], view: DEFAULT_VIEW });
});

Deno.test("nameProblem refuses what cannot be one name and accepts the rest", () => {
  for (const bad of ["", ".", "..", "../evil", "a/b", "a\\b", "tab\there", "nul\u0000"]) {
    assertEquals(typeof nameProblem(bad), "string", JSON.stringify(bad));
  }
  for (const good of ["evil", "..hidden", "a.b", "emoji 🎉", 'quote"s', "100%"]) {
    assertEquals(nameProblem(good), null, good);
  }
  assertEquals(folderPathProblem("/docs/old/"), null);
  assertEquals(folderPathProblem("/"), null);
  assertEquals(typeof folderPathProblem("docs/"), "string");
  assertEquals(typeof folderPathProblem("/docs/../x/"), "string");
});

Deno.test("describeBulkTransfer says what went, names up to three that did not, and what was not tried", () => {
  const exists = "A file or folder with that name already exists there.";
  assertEquals(
    describeBulkTransfer({
      copy: false,
      path: "/work/dest",
      done: 2,
      failed: [["dest", "Not allowed: A folder cannot be put inside itself."]],
      untried: [],
    }),
    "Moved 2 items to /work/dest. Not moved: “dest” (not allowed: A folder cannot be put inside itself).",
  );
  assertEquals(
    describeBulkTransfer({
      copy: true,
      path: "/b/",
      done: 0,
      failed: ["a", "b", "c", "d"].map((name) => [name, exists]),
      untried: [],
    }),
    "Not copied: “a” (a file or folder with that name already exists there), " +
      "“b” (a file or folder with that name already exists there), " +
      "“c” (a file or folder with that name already exists there) and 1 more.",
  );
  // No answer from the server: the items after it were not sent, and say so.
  assertEquals(
    describeBulkTransfer({
      copy: false,
      path: "/x/",
      done: 1,
      failed: [["b\u202e", "The server could not be reached."]],
      untried: ["c", "d"],
    }),
    "Moved 1 item to /x/. Not moved: “b<U+202E>” (the server could not be reached). " +
      "Not tried: “c”, “d”.",
  );
});

Deno.test("entryUrl encodes every part as one segment; zipFormBody every name as one value", () => {
  assertEquals(entryUrl(["top"], ["sub dir", "a#b.png"], false), "/files/top/sub%20dir/a%23b.png");
  assertEquals(entryUrl([], ["folder"], true), "/files/folder/");
  assertEquals(
    zipFormBody(["a b.txt", "x&y", "c=d+%.txt"]),
    "name=a+b.txt&name=x%26y&name=c%3Dd%2B%25.txt",
  );
});

Deno.test("fileKind picks the icon and viewer from the name, case-insensitively", () => {
  const kinds = [
    "a.PNG",
    "b.mp4",
    "c.flac",
    "d.pdf",
    "e.md",
    "f.ts",
    "g.log",
    "h.tar",
    "README",
    "x",
  ]
    .map(fileKind);
  assertEquals(kinds, [
    "image",
    "video",
    "audio",
    "pdf",
    "markdown",
    "code",
    "text",
    "archive",
    "text",
    "file",
  ]);
  assertEquals([previewable("image"), previewable("archive"), previewable("file")], [
    true,
    false,
    false,
  ]);
});

Deno.test("failureKind offers a retry only where trying again can work", () => {
  assertEquals([0, 401, 412, 413, 403, 400, 409, 423, 503, 507].map(failureKind), [
    "retry",
    "sign-in",
    "exists",
    "final",
    "final",
    "final",
    "final",
    "retry",
    "retry",
    "retry",
  ]);
});

Deno.test("filterEntries narrows by a case-insensitive part of the name", () => {
  const entries = ["Alpha.txt", "beta.TXT", "gamma.log"].map((name) => ({ name }));
  assertEquals(filterEntries(entries, "TXT").map((e: { name: string }) => e.name), [
    "Alpha.txt",
    "beta.TXT",
  ]);
  assertEquals(filterEntries(entries, "  ").length, 3);
  assertEquals(filterEntries(entries, "zzz"), []);
  // A name stored decomposed (NFD, as macOS writes it) is found by a composed filter, and back.
  const menus = ["Cafe\u0301 menu.txt", "Caf\u00e9 bar.txt", "cafe.txt"].map((name) => ({ name }));
  assertEquals(filterEntries(menus, "CAF\u00c9").map((e: { name: string }) => e.name), [
    "Cafe\u0301 menu.txt",
    "Caf\u00e9 bar.txt",
  ]);
  assertEquals(filterEntries(menus, "cafe\u0301 ").length, 2);
});

Deno.test("headingSlug gives a heading the id GitHub gives it, for #section links", () => {
  assertEquals(headingSlug("Second part"), "second-part");
  assertEquals(headingSlug("  Hello, World! "), "hello-world");
  assertEquals(headingSlug("Ünïcode & emoji 🎉 too"), "ünïcode--emoji--too");
  assertEquals(headingSlug("snake_case and-hyphen"), "snake_case-and-hyphen");
  assertEquals(headingSlug("<img src=x onerror=alert(1)>"), "img-srcx-onerroralert1");
});

Deno.test("the preview's GFM additions render exactly as the server's (two copies kept in step)", async () => {
  // www/js/markdown_gfm.js repeats src/app/markdown_gfm.ts because the UI has no build step:
  // the same markdown-it with each copy must give the same HTML, or one copy has drifted.
  const { default: MarkdownIt } = await import("markdown-it");
  const { useGfm: serverGfm } = await import("../../src/app/markdown_gfm.ts");
  const { useGfm: uiGfm } = await import("../../www/js/markdown_gfm.js");
  const server = new MarkdownIt({ html: true, linkify: true });
  serverGfm(server);
  const ui = new MarkdownIt({ html: true, linkify: true });
  uiGfm(ui);
  const cases = [
    "- [x] done\n- [ ] todo\n- [X] caps\n- [x]no space\n",
    "[x]: https://example.org/\n\n- [x] a defined reference\n",
    "| l | c | r |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n",
    "~~gone~~ ~single~ ~~~fence~~~\n",
    "see https://example.org/x, www.example.org and me@example.org; not notes.md or setup.py\n",
    "1. [x] ordered\n   - [ ] nested\n",
  ];
  for (const source of cases) assertEquals(ui.render(source), server.render(source), source);
  assert(server.render(cases[0]).includes('type="checkbox"'));
});

Deno.test("the preview splits front matter off by the server's fences (two copies kept in step)", () => {
  const cases: Array<[string, string | null]> = [
    ["---\ntitle: Hello\ndate: 2024-05-01\n---\n# Body\n", "title: Hello\ndate: 2024-05-01"],
    ["---\r\ntitle: CRLF\r\n...\r\nText\r\n", "title: CRLF"],
    ["\ufeff---  \ntags:\n  - a\n  - b\n---\t\nText", "tags:\n  - a\n  - b"],
    ["---\n---\nOnly fences\n", ""],
    ["---\ntitle: no closing fence\n\nText\n", null],
    ["Text\n---\ntitle: not at the top\n---\n", null],
    [" ---\ntitle: indented\n---\n", null],
    ["----\ntitle: four dashes\n---\n", null],
    ["---", null],
    ["", null],
  ];
  for (const [text, frontMatter] of cases) {
    const ui = splitFrontMatter(text);
    assertEquals(ui.frontMatter, frontMatter, JSON.stringify(text));
    assertEquals(ui.body, serverSplitFrontMatter(text).body, JSON.stringify(text));
  }
});

Deno.test("the preview's expansion bounds act as the server's (two copies kept in step)", async () => {
  // www/js/markdown_bounds.js repeats src/app/markdown_bounds.ts, as the GFM pair above.
  const { default: MarkdownIt } = await import("markdown-it");
  const server = await import("../../src/app/markdown_bounds.ts");
  const ui = await import("../../www/js/markdown_bounds.js");
  assertEquals(
    [ui.MAX_TABLE_CELLS, ui.MAX_HTML_PER_SOURCE_BYTE, ui.HTML_ALLOWANCE],
    [server.MAX_TABLE_CELLS, server.MAX_HTML_PER_SOURCE_BYTE, server.HTML_ALLOWANCE],
  );
  const make = (bound: (md: InstanceType<typeof MarkdownIt>) => void) => {
    const md = new MarkdownIt({ html: true, linkify: true });
    bound(md);
    return md;
  };
  const [serverMd, uiMd] = [make(server.boundExpansion), make(ui.boundExpansion)];
  // 100 × 600 cells written out: the second passes the cell bound, and it and the third stay text.
  const full = "|" + "a|".repeat(100) + "\n|" + "-|".repeat(100) + "\n" +
    ("|" + "x|".repeat(100) + "\n").repeat(599) + "\n";
  const wide = "|" + "a|".repeat(256) + "\n|" + "-|".repeat(256) + "\n" + "|x\n".repeat(256) +
    "\n";
  const cases = [
    full.repeat(3),
    wide, // 65,792 cells from 1.8 KB: past the HTML bound
    "| a \\| b | c |\n|---|---|\n| 1 | 2 |\n",
    "> | q | r |\n> |---|---|\n> | 1 | 2 |\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n## Changes\n" + "- fix\n".repeat(3000),
    `[a]: x (${'"'.repeat(90)})\n\n` + "[a] ".repeat(30_000),
  ];
  const render = (md: InstanceType<typeof MarkdownIt>, source: string) => {
    try {
      return md.render(source);
    } catch (err) {
      return (err as Error).name;
    }
  };
  for (const source of cases) {
    assertEquals(render(uiMd, source), render(serverMd, source), source.slice(0, 80));
  }
  assertEquals(render(serverMd, full.repeat(3)).split("<table>").length - 1, 1);
  assertEquals(render(serverMd, wide), "MarkdownTooLarge");
  const bomb = `[a]: http://x.example/${"A".repeat(10_000)}\n\n` + "[a] ".repeat(30_000);
  assertThrows(() => serverMd.render(bomb), server.MarkdownTooLarge);
  assertThrows(() => uiMd.render(bomb), ui.MarkdownTooLarge);
});

Deno.test("malformedHashPart finds the part of a link that is not valid percent-encoding", () => {
  assertEquals(malformedHashPart("#/odd/%"), "%");
  assertEquals(malformedHashPart("#/odd/x%"), "x%");
  assertEquals(malformedHashPart("#/a%zz/b.txt"), "a%zz");
  assertEquals(malformedHashPart("#/%FF/"), "%FF"); // not UTF-8
  assertEquals(malformedHashPart("#/odd/a%25b.txt?sort=size"), null);
  assertEquals(malformedHashPart("#/docs/?filter=%"), null); // the view's part is the view's
  assertEquals(malformedHashPart("#section"), null);
  assertEquals(malformedHashPart(""), null);
});

Deno.test("decodeText reads a text file as the browser does: the mark, then the charset, then UTF-8", () => {
  const utf8 = "hello ✓";
  const le = [
    0xff,
    0xfe,
    ...[...utf8].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8]),
  ];
  const be = [
    0xfe,
    0xff,
    ...[...utf8].flatMap((c) => [c.charCodeAt(0) >> 8, c.charCodeAt(0) & 0xff]),
  ];
  const plain = "text/plain; charset=utf-8";
  // A mark wins over the charset the server named.
  assertEquals(decodeText(new Uint8Array(le), plain), utf8);
  assertEquals(decodeText(new Uint8Array(be), plain), utf8);
  assertEquals(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]), "text/plain"), "hi");
  // Without one, the charset; without that, UTF-8; an unknown label reads as UTF-8.
  assertEquals(
    decodeText(new Uint8Array([0x63, 0x61, 0x66, 0xe9]), 'text/plain; charset="ISO-8859-1"'),
    "café",
  );
  assertEquals(decodeText(new TextEncoder().encode(utf8), null), utf8);
  assertEquals(decodeText(new TextEncoder().encode(utf8), "text/plain; charset=nonsense"), utf8);
  assertEquals(charsetOf("text/html;Charset=UTF-16LE"), "UTF-16LE");
  assertEquals(charsetOf("text/plain"), null);
});

Deno.test("a resumable upload retries by itself only what waiting can fix", () => {
  for (const status of [0, 409, 423, 502, 503, 504]) assert(retriesAfter(status), String(status));
  // The server's own answer: shown, and retried only by hand.
  for (const status of [400, 404, 429, 500, 501, 507]) {
    assert(!retriesAfter(status), String(status));
  }
});

Deno.test("a resumable creation retries by itself only a lost answer or a busy gateway", () => {
  for (const status of [0, 502, 503, 504]) {
    assert(creationRetriesAfter(status), String(status));
  }
  // 409: the name exists under --no-overwrite, a folder holds it, a parent is a file; 423: a
  // WebDAV lock another client holds. Waiting a minute changes neither: the row says why.
  for (const status of [400, 404, 409, 412, 423, 429, 500, 507]) {
    assert(!creationRetriesAfter(status), String(status));
  }
});

Deno.test("a Retry-After is read as seconds or a date, and capped", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  assertEquals(retryAfterMs("3", now), 3000);
  assertEquals(retryAfterMs(" 0 ", now), 0);
  assertEquals(retryAfterMs("Thu, 01 Jan 2026 00:00:10 GMT", now), 10_000);
  assertEquals(retryAfterMs("Wed, 31 Dec 2025 23:59:00 GMT", now), 0, "a date gone by");
  assertEquals(retryAfterMs("999999", now), MAX_RETRY_AFTER_MS);
  for (const value of [null, "", "-5", "1.5", "2030-01-01", "soon"]) {
    assertEquals(retryAfterMs(value, now), 0);
  }
});
