import {
  globMatch,
  HiddenPaths,
  hidePatternProblem,
  nameRulesFor,
} from "../../src/app/hidden_paths.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { throws as assertThrows } from "node:assert/strict";

const split = (path: string) => path.split("/").filter((s) => s !== "");

/** [patterns, path, isDir of the last segment, hidden?] */
type Case = [string[], string, boolean | null, boolean];

const EXACT_CASES: Case[] = [
  // names at any depth
  [["*.key"], "server.key", false, true],
  [["*.key"], "a/b/server.key", false, true],
  [["*.key"], "a/b/server.key.txt", false, false],
  [["*.key"], ".hidden.key", false, true],
  [["*.key"], "keys/server.pem", false, false],
  [["secret*"], "docs/secrets/plan.txt", false, true],
  [["secret*"], "docs/topsecret.txt", false, false],
  [["?.txt"], "a.txt", false, true],
  [["?.txt"], "ab.txt", false, false],
  [["?.txt"], "😀.txt", false, true],
  // everything below a hidden folder
  [["private/"], "private", true, true],
  [["private/"], "private/notes/a.txt", false, true],
  [["private/"], "x/private/a.txt", false, true],
  [["private/"], "private", false, false],
  [["private/"], "private", null, true],
  [["private/"], "privateer/a.txt", false, false],
  [["private"], "private", false, true],
  // anchored
  [["/drafts"], "drafts/a.md", false, true],
  [["/drafts"], "posts/drafts/a.md", false, false],
  [["docs/private"], "docs/private/a.txt", false, true],
  [["docs/private"], "x/docs/private/a.txt", false, false],
  [["**/secret*"], "a/b/c/secret.txt", false, true],
  [["**/secret*"], "secret.txt", false, true],
  [["a/**/z"], "a/z", true, true],
  [["a/**/z"], "a/b/c/z/file", false, true],
  [["a/**/z"], "b/a/z", true, false],
  [["docs/**"], "docs", true, true],
  [["docs/**"], "docs/a/b", false, true],
  [["**"], "anything", false, true],
  [["/a/*/c/"], "a/b/c", true, true],
  [["/a/*/c/"], "a/b/c", false, false],
  [["/a/*/c/"], "a/b/c/d.txt", false, true],
  // several patterns, nothing matches
  [["*.key", "private/"], "public/readme.md", false, false],
  [[], "private/a.txt", false, false],
];

Deno.test("hides matches names, folders and anchored paths as documented", () => {
  for (const [patterns, path, isDir, want] of EXACT_CASES) {
    const hidden = new HiddenPaths(patterns, "exact");
    assertEquals(hidden.hides(split(path), isDir), want, `${patterns} ${path} ${isDir}`);
  }
});

Deno.test("hides compares case-sensitively on Linux and without case on macOS and Windows", () => {
  const exact = new HiddenPaths(["private/", "*.key"], "exact");
  const darwin = new HiddenPaths(["private/", "*.key"], "darwin");
  const win32 = new HiddenPaths(["private/", "*.key"], "win32");
  for (const path of ["PRIVATE/a.txt", "Private/a.txt", "a/SERVER.KEY", "a/server.Key"]) {
    assertEquals(exact.hides(split(path), false), false, `exact ${path}`);
    assertEquals(darwin.hides(split(path), false), true, `darwin ${path}`);
    assertEquals(win32.hides(split(path), false), true, `win32 ${path}`);
  }
  // A pattern written in capitals matches the lower-case name where case does not count.
  assert(new HiddenPaths(["Secret*"], "darwin").hides(["secret.txt"], false));
  assert(!new HiddenPaths(["Secret*"], "exact").hides(["secret.txt"], false));
});

Deno.test("hides folds Unicode normalization on macOS and trailing dots and spaces on Windows", () => {
  const composed = "caf\u00e9"; // é as one code point
  const decomposed = "cafe\u0301"; // e + combining acute: the same name on APFS
  const darwin = new HiddenPaths([`${composed}/`], "darwin");
  assert(darwin.hides([decomposed, "menu.txt"], false), "NFD spelling of a hidden folder");
  assert(!new HiddenPaths([`${composed}/`], "exact").hides([decomposed, "menu.txt"], false));
  const win32 = new HiddenPaths(["secret.txt", "private/"], "win32");
  for (const name of ["secret.txt.", "secret.txt ", "secret.txt. .", "SECRET.TXT.."]) {
    assert(win32.hides([name], false), `win32 ${JSON.stringify(name)}`);
  }
  assert(win32.hides(["private.", "a.txt"], false), "win32 folder with a trailing dot");
  assert(!new HiddenPaths(["secret.txt"], "exact").hides(["secret.txt."], false));
});

Deno.test("nameRulesFor picks the rules of each operating system", () => {
  assertEquals(nameRulesFor("linux"), "exact");
  assertEquals(nameRulesFor("darwin"), "darwin");
  assertEquals(nameRulesFor("windows"), "win32");
  assertEquals(nameRulesFor("freebsd"), "exact");
});

Deno.test("globMatch handles stars and question marks without runaway backtracking", () => {
  assert(globMatch("*", ""));
  assert(globMatch("a*b*c", "aXXbYYc"));
  assert(!globMatch("a*b*c", "aXXbYY"));
  assert(globMatch("*.tar.*", "x.tar.gz"));
  assert(globMatch("a?c", "a*c"), "? matches a literal star");
  assert(!globMatch("abc", "abcd"));
  // Twenty stars against a long near-miss: quadratic at worst, not exponential.
  const glob = `${"a*".repeat(20)}b`;
  const name = "a".repeat(250);
  const start = performance.now();
  assert(!globMatch(glob, name));
  assert(performance.now() - start < 200, "bounded time");
});

Deno.test("hidePatternProblem refuses patterns that cannot mean what they seem", () => {
  for (const ok of ["*.key", "private/", "/drafts", "**/secret*", "a/**/b", "**"]) {
    assertEquals(hidePatternProblem(ok), null, ok);
  }
  const bad: Array<[string, RegExp]> = [
    ["", /empty/],
    ["/", /empty/],
    ["private\\", /use "\/"/],
    ["a//b", /empty folder/],
    ["../x", /names no file/],
    ["a/./b", /names no file/],
    ["a\nb", /control/],
    ["x".repeat(300), /longer/],
  ];
  for (const [pattern, why] of bad) {
    const problem = hidePatternProblem(pattern);
    assert(problem !== null && why.test(problem), `${JSON.stringify(pattern)}: ${problem}`);
  }
  assertThrows(() => new HiddenPaths(["a//b"]));
});

Deno.test("an empty set hides nothing and says so", () => {
  assert(HiddenPaths.NONE.empty);
  assert(!new HiddenPaths(["x"]).empty);
  assertEquals(HiddenPaths.NONE.hides(["anything"], null), false);
  assertEquals(new HiddenPaths(["**"]).hides([], true), false, "the root itself is never hidden");
});

Deno.test("hides holds the anchored patterns of a served folder inside this one from its top", () => {
  // --www /s --directory /s/dl: the share's `/drafts` is the web root's `dl/drafts`.
  const www = new HiddenPaths(["/drafts", "docs/private", "cache/"], "exact", [], [], [], [
    { realPath: "/s/dl", ownRealPath: "/s" },
  ]);
  for (const path of ["dl/drafts", "dl/drafts/d.txt", "dl/docs/private/x.txt", "drafts/a.md"]) {
    assert(www.hides(split(path), false), path);
  }
  assert(www.hides(split("dl/cache"), true), "a folder-only pattern on a folder");
  assert(!www.hides(split("dl/cache"), false), "…and not on a file");
  for (const path of ["dl", "dl/a/drafts/d.txt", "dlx/drafts/d.txt", "x/dl/drafts/d.txt"]) {
    assert(!www.hides(split(path), false), path);
  }
  // The reverse, and names compared as the file system compares them.
  const share = new HiddenPaths(["/drafts"], "darwin", [], [], [], [
    { realPath: "/S/Web", ownRealPath: "/S" },
  ]);
  assert(share.hides(split("WEB/Drafts/x.txt"), false));
  assert(!share.hides(split("web/posts/drafts"), true));
});

Deno.test("hides holds the anchored patterns of a served folder around this one, rebased", () => {
  // --directory /s --www /s/web: the share's `/web/docs` is the web root's `/docs`.
  const overlap = [{ realPath: "/s", ownRealPath: "/s/web" }];
  const www = (hide: string[]) => new HiddenPaths(hide, "exact", [], [], [], overlap);
  const cases: Array<[string[], string, boolean]> = [
    [["/web/docs"], "docs/a.txt", true],
    [["/web/docs"], "x/docs/a.txt", false],
    [["/web/*/private/"], "a/private/x", true],
    [["**/web/x/y"], "x/y", true],
    [["**/web/x/y"], "web/x/y", true],
    [["**/web/x/y"], "q/x/y", false],
    [["/drafts"], "drafts/a.md", true],
    [["/other/docs"], "docs/a.txt", false],
  ];
  for (const [hide, path, want] of cases) {
    assertEquals(www(hide).hides(split(path), false), want, `${hide} ${path}`);
  }
  // A share that hides the web root itself leaves it served, by its own patterns alone.
  for (const hide of [["web", "/web/docs"], ["/web/"], ["web/**"], ["/w*"]]) {
    assert(!www(hide).hides(["index.html"], false), `${hide}`);
    assert(!www(hide).hides(["docs", "a.txt"], false), `${hide}: none of the share's`);
  }
  assert(www(["/web/", "/drafts"]).hides(["drafts"], true), "its own patterns still hold");
});

Deno.test("hidesRealPath holds another served folder's patterns where a followed link reaches it", () => {
  const www = new HiddenPaths(["/drafts", "cache/"], "exact", [], [], [], [
    { realPath: "/share", ownRealPath: "/site" },
  ]);
  assert(www.hidesRealPath("/share/drafts/d.txt"));
  assert(www.hidesRealPath("/share/drafts"));
  assert(www.hidesRealPath("/share/cache"), "whether it is a folder is unknown: the safe side");
  assert(!www.hidesRealPath("/share/posts/drafts/d.txt"));
  assert(!www.hidesRealPath("/share"));
  assert(!www.hidesRealPath("/sharex/drafts/d.txt"));
  assert(!www.hidesRealPath("/site/drafts/d.txt"), "below its own top `hides` judges");
  assert(!www.hides(["x"], false) && !www.empty);
  // No pattern: nothing to hold, and nothing to pay.
  const none = new HiddenPaths([], "exact", [], [], [], [{ realPath: "/s/dl", ownRealPath: "/s" }]);
  assert(none.empty);
  const same = new HiddenPaths(["/d"], "exact", [], [], [], [{
    realPath: "/s",
    ownRealPath: "/s",
  }]);
  assert(!same.hidesRealPath("/s/d/x"), "the same folder is no other folder");
});
