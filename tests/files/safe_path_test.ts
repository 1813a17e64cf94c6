/**
 * A table of hostile URL paths for `resolveSafePath`, with POSIX and Windows roots: every case
 * either resolves to a path below the root or is refused with the status the policy names.
 */

import { posix, win32 } from "node:path";
import {
  MAX_PATH_CHARS,
  MAX_SEGMENT_BYTES,
  MAX_SEGMENTS,
  resolveSafePath,
  servableName,
} from "../../src/files/safe_path.ts";
import { HiddenPaths } from "../../src/app/hidden_paths.ts";
import { assert, assertEquals } from "../support/assert.ts";

const ROOT = "/srv/share";
const WIN_ROOT = "C:\\share";

type Expect = string[] | 400 | 404;

/** [name, raw url path, expected segments or refusal status] for a POSIX root. */
const POSIX_CASES: Array<[string, string, Expect]> = [
  ["plain file", "a.txt", ["a.txt"]],
  ["nested file", "a/b/c.txt", ["a", "b", "c.txt"]],
  ["root itself", "", []],
  ["encoded space", "a%20b.txt", ["a b.txt"]],
  ["literal percent-20 name", "a%2520b", ["a%20b"]],
  ["double-encoded dots stay a name", "%252e%252e/x", ["%2e%2e", "x"]],
  ["emoji", "%F0%9F%98%80.txt", ["😀.txt"]],
  ["raw non-ascii kept", "é.txt", ["é.txt"]],
  ["hash and question mark", "a%23b%3Fc", ["a#b?c"]],
  ["quotes and brackets", "%22%27%3C%3E%26", [`"'<>&`]],
  ["dot segment dropped", "./a/./b", ["a", "b"]],
  ["dot-dot inside the root", "a/../b", ["b"]],
  ["encoded dot-dot inside the root", "a/%2e%2e/b", ["b"]],
  ["empty segments skipped", "a//b", ["a", "b"]],
  ["leading double slash stays below root", "/etc/passwd", ["etc", "passwd"]],
  ["many leading slashes", "///etc/passwd", ["etc", "passwd"]],
  ["fullwidth dots are a name", "%EF%BC%8E%EF%BC%8E/x", ["．．", "x"]],
  ["two-dot leader is a name", "%E2%80%A5/x", ["‥", "x"]],
  ["colon later in a name is fine on posix", "ab:c", ["ab:c"]],
  ["plus is literal", "a+b", ["a+b"]],
  ["dot-dot leaving the root", "../etc/passwd", 404],
  ["dot-dot after climbing back", "a/../../etc/passwd", 404],
  ["encoded dot-dot leaving", "%2e%2e/etc/passwd", 404],
  ["upper-case encoded dot-dot", "%2E%2E/x", 404],
  ["mixed encoded dot-dot", ".%2e/x", 404],
  ["lone dot-dot", "..", 404],
  ["dot-dot with encoded slash", "..%2fetc%2fpasswd", 400],
  ["encoded slash", "a%2Fb", 400],
  ["encoded backslash", "..%5c..%5cwindows", 400],
  ["raw backslash", "..\\..\\windows", 400],
  ["NUL", "a.txt%00.png", 400],
  ["newline", "a%0Ab", 400],
  ["carriage return", "a%0db", 400],
  ["tab", "a%09b", 400],
  ["DEL", "a%7Fb", 400],
  ["C1 control", "a%C2%85b", 400],
  ["overlong UTF-8 dot", "%c0%ae%c0%ae/x", 400],
  ["invalid UTF-8", "%ff", 400],
  ["truncated escape", "a%2", 400],
  ["bad hex", "a%zz", 400],
  // On posix a drive-looking segment is an ordinary name inside the root.
  ["drive-looking name", "C:/windows", ["C:", "windows"]],
  ["drive-looking name, relative", "c:foo", ["c:foo"]],
  ["encoded drive-looking name", "C%3A/windows", ["C:", "windows"]],
  ["one letter and a colon", "a:b.txt", ["a:b.txt"]],
  ["dotfile", ".env", 404],
  ["dot folder", ".git/config", 404],
  ["encoded dotfile", "%2eenv", 404],
  ["dotfile reached through dot-dot", "a/../.ssh/id_rsa", 404],
  ["too many segments", "a/".repeat(MAX_SEGMENTS), 400],
  ["very long path", "a".repeat(MAX_PATH_CHARS + 1), 400],
  ["name one byte too long", "a".repeat(MAX_SEGMENT_BYTES + 1), 400],
  ["long multibyte name", "%C3%A9".repeat(MAX_SEGMENT_BYTES / 2 + 1), 400],
];

/** Cases that differ on a Windows root. */
const WIN32_CASES: Array<[string, string, Expect]> = [
  ["plain file", "a/b.txt", ["a", "b.txt"]],
  ["dot-dot leaving the root", "../x", 404],
  ["colon anywhere (NTFS stream)", "a.txt:secret", 400],
  ["encoded stream", "a.txt%3A%3A%24DATA", 400],
  ["drive letter", "C:", 400],
  ["drive letter relative", "c:foo", 400],
  ["encoded drive letter", "C%3A/windows", 400],
  ["UNC-looking start stays below root", "//server/share/x", ["server", "share", "x"]],
  ["reserved device", "CON", 404],
  ["reserved device with extension", "nul.txt", 404],
  ["reserved com port", "com1", 404],
  ["trailing dot", "secret.txt.", 404],
  ["trailing space", "secret.txt%20", 404],
  ["dot-dot with trailing space is a name Windows strips", "..%20/x", 404],
  ["wildcard", "a*b", 404],
  ["raw backslash", "a\\b", 400],
];

function check(root: string, platform: "posix" | "win32", name: string, raw: string, want: Expect) {
  const got = resolveSafePath(root, raw, { platform });
  if (typeof want === "number") {
    assert(!got.ok, `${name}: expected ${want}, resolved to ${got.ok && got.fsPath}`);
    assertEquals(got.status, want, `${name}: ${got.reason}`);
    return;
  }
  assert(got.ok, `${name}: refused (${!got.ok && got.reason})`);
  assertEquals(got.segments, want, name);
  const path = platform === "win32" ? win32 : posix;
  const rel = path.relative(root, got.fsPath);
  assert(!rel.startsWith("..") && !path.isAbsolute(rel), `${name}: ${got.fsPath} outside root`);
  assertEquals(got.fsPath, want.length === 0 ? root : path.join(root, ...want), name);
}

for (const [name, raw, want] of POSIX_CASES) {
  Deno.test(`resolveSafePath on a posix root: ${name} → ${JSON.stringify(want)}`, () => {
    check(ROOT, "posix", name, raw, want);
  });
}

for (const [name, raw, want] of WIN32_CASES) {
  Deno.test(`resolveSafePath on a windows root: ${name} → ${JSON.stringify(want)}`, () => {
    check(WIN_ROOT, "win32", name, raw, want);
  });
}

Deno.test("resolveSafePath allows dotfiles when the dotfiles option is set", () => {
  const got = resolveSafePath(ROOT, ".well-known/x", { platform: "posix", dotfiles: true });
  assert(got.ok);
  assertEquals(got.fsPath, "/srv/share/.well-known/x");
});

Deno.test("resolveSafePath still refuses leaving the root when dotfiles are allowed", () => {
  const got = resolveSafePath(ROOT, "../x", { platform: "posix", dotfiles: true });
  assertEquals(got.ok ? "ok" : got.status, 404);
});

Deno.test("resolveSafePath reports a trailing slash when the path names a folder", () => {
  const slash = (raw: string) => {
    const r = resolveSafePath(ROOT, raw, { platform: "posix" });
    return r.ok ? r.trailingSlash : r.status;
  };
  assertEquals(
    ["", "a/", "a", "a/b/..", "a/%2e", "a/b.txt"].map(slash),
    [true, true, false, true, true, false],
  );
});

Deno.test("resolveSafePath accepts a path exactly at the length limits", () => {
  const atLimit = resolveSafePath(ROOT, "a".repeat(MAX_SEGMENT_BYTES), { platform: "posix" });
  assert(atLimit.ok);
  const segments = resolveSafePath(ROOT, "a/".repeat(MAX_SEGMENTS - 1), { platform: "posix" });
  assert(segments.ok);
});

Deno.test("resolveSafePath joins with backslashes under a windows root", () => {
  const got = resolveSafePath(WIN_ROOT, "a%20b/c.txt", { platform: "win32" });
  assert(got.ok);
  assertEquals(got.fsPath, "C:\\share\\a b\\c.txt");
});

Deno.test("resolveSafePath never turns an empty root into the file-system root", () => {
  const got = resolveSafePath("", "etc/passwd", { platform: "posix" });
  assert(got.ok);
  assertEquals(got.fsPath, "./etc/passwd");
});

/** [name, raw url path, hidden?] for `--hide private/ --hide *.key` on each platform's rules. */
const HIDDEN_CASES: Array<[string, string, boolean]> = [
  ["plain", "private/a.txt", true],
  ["folder with its slash", "private/", true],
  ["folder without its slash (decided after a stat)", "private", false],
  ["a name that only starts alike", "privateer/a.txt", false],
  ["percent-encoded letter", "%70rivate/a.txt", true],
  ["percent-encoded dot in a key", "server%2Ekey", true],
  ["double slashes", "//private//a.txt", true],
  ["dot segments", "./public/../private/a.txt", true],
  ["encoded dot segments", "public/%2e%2e/private/a.txt", true],
  ["encoded dot dot as one segment", "public/.%2E/private/a.txt", true],
  ["deep", "a/b/private/c/d.txt", true],
  ["key at depth", "a/b/server.key", true],
  ["double-encoded stays a literal name", "%2570rivate/a.txt", false],
];

Deno.test("resolveSafePath refuses hidden paths with 404 however they are spelled", () => {
  const hidden = new HiddenPaths(["private/", "*.key"], "exact");
  for (const [name, raw, want] of HIDDEN_CASES) {
    const r = resolveSafePath(ROOT, raw, { hidden });
    const got = !r.ok && r.status === 404 && r.reason === "hidden";
    assertEquals(got, want, `${name}: ${raw} → ${JSON.stringify(r)}`);
  }
});

Deno.test("resolveSafePath folds case and Windows spellings where the file system does", () => {
  const win = new HiddenPaths(["private/", "*.key"], "win32");
  for (const raw of ["PRIVATE/a.txt", "Private/a.txt", "a/SERVER.KEY"]) {
    const r = resolveSafePath(WIN_ROOT, raw, { hidden: win, platform: "win32" });
    assert(!r.ok && r.status === 404, `win32 ${raw}`);
    const exact = resolveSafePath(ROOT, raw, {
      hidden: new HiddenPaths(["private/", "*.key"], "exact"),
    });
    assert(exact.ok, `linux ${raw}: another file`);
  }
  // Trailing dots and spaces are refused on Windows before any pattern is asked.
  for (const raw of ["server.key.", "private./a.txt", "server.key%20"]) {
    const r = resolveSafePath(WIN_ROOT, raw, { hidden: win, platform: "win32" });
    assert(!r.ok && r.status === 404, `win32 ${raw}`);
  }
  const mac = new HiddenPaths(["private/"], "darwin");
  const r = resolveSafePath(ROOT, "PRIVATE/a.txt", { hidden: mac });
  assert(!r.ok && r.status === 404, "darwin");
});

Deno.test("resolveSafePath refuses the upload state folder at any depth, even with dotfiles", () => {
  for (
    const path of [
      ".wireserve-uploads",
      ".wireserve-uploads/",
      ".wireserve-uploads/x.part",
      "a/.wireserve-uploads/x",
      "%2Ewireserve-uploads/x",
      "a/../.wireserve-uploads",
    ]
  ) {
    for (const dotfiles of [false, true]) {
      const r = resolveSafePath("/srv", path, { dotfiles, platform: "posix" });
      assertEquals(r.ok ? "ok" : r.status, 404, `${path} dotfiles=${dotfiles}`);
    }
  }
  const near = resolveSafePath("/srv", ".wireserve-uploads2", {
    dotfiles: true,
    platform: "posix",
  });
  assertEquals(near.ok, true);
});

Deno.test("servableName: what a URL segment can name, for listings", () => {
  // A real U+FFFD is a valid name; a lossy one (bytes not UTF-8) is left out by the stat of it.
  for (
    const name of ["a.txt", "a b", "100%", 'q"uote', "😀", ".env", "x".repeat(255), "real\uFFFD"]
  ) {
    assert(servableName(name, "posix"), JSON.stringify(name));
  }
  for (const name of ["new\nline", "tab\there", "back\\slash", "nul\0", "x".repeat(256)]) {
    assert(!servableName(name, "posix"), JSON.stringify(name));
  }
  // Windows cannot hold these; POSIX can.
  for (const name of ["con.txt", "trail.", "ab:c", "star*"]) {
    assert(servableName(name, "posix") && !servableName(name, "win32"), name);
  }
  // Every servable name resolves to itself as one segment.
  const ok = resolveSafePath("/srv", encodeURIComponent('q"uote'), { platform: "posix" });
  assert(ok.ok && ok.segments.join() === 'q"uote');
});

Deno.test("a path asked again gets the same frozen answer, and only against the same options", () => {
  const first = resolveSafePath(ROOT, "a/.b.txt", { dotfiles: true });
  const again = resolveSafePath(ROOT, "a/.b.txt", { dotfiles: true });
  // The answer is shared by every request that asks for the same path: nobody may change it.
  assert(first === again, "the same answer");
  assert(Object.isFrozen(first), "frozen");
  assert(first.ok && Object.isFrozen(first.segments), "segments frozen");
  // Whatever the answer depends on is part of the question.
  assertEquals(resolveSafePath(ROOT, "a/.b.txt").ok, false);
  assertEquals(resolveSafePath(ROOT, "a/.b.txt", { dotfiles: true }), first);
  const other = resolveSafePath("/srv/other", "a/.b.txt", { dotfiles: true });
  assertEquals(other.ok && other.fsPath, posix.join("/srv/other", "a", ".b.txt"));
  const hidden = new HiddenPaths(["*.txt"], "exact");
  assertEquals(resolveSafePath(ROOT, "a/.b.txt", { dotfiles: true, hidden }).ok, false);
  const win = resolveSafePath(WIN_ROOT, "a/.b.txt", { dotfiles: true, platform: "win32" });
  assertEquals(win.ok && win.fsPath, win32.join(WIN_ROOT, "a", ".b.txt"));
});

Deno.test("resolveSafePath with wellKnown allows a first .well-known and nothing else with a dot", () => {
  const opts = { platform: "posix" as const, wellKnown: true };
  const got = resolveSafePath(ROOT, ".well-known/acme-challenge/t", opts);
  assert(got.ok);
  assertEquals(got.fsPath, "/srv/share/.well-known/acme-challenge/t");
  for (const raw of ["a/.well-known/x", ".well-known/.git/x", ".env", "%2ewell-known/../.git"]) {
    const refused = resolveSafePath(ROOT, raw, opts);
    assertEquals(refused.ok ? "ok" : refused.status, 404, raw);
  }
  const without = resolveSafePath(ROOT, ".well-known/x", { platform: "posix" });
  assertEquals(without.ok ? "ok" : without.status, 404, "not without the option");
});
