/**
 * The names a write may create: a table of hostile names, each refused or allowed on POSIX and
 * on Windows, and the base name taken from form filenames.
 */

import {
  baseName,
  MAX_NAME_BYTES,
  portabilityOnly,
  uploadNameProblem,
} from "../../src/uploads/upload_name.ts";
import { assertEquals } from "../support/assert.ts";

type Verdict = "ok" | "refused";

/** [case, name, POSIX verdict, Windows verdict] */
const CASES: Array<[string, string, Verdict, Verdict]> = [
  ["plain name", "report.txt", "ok", "ok"],
  ["spaces inside", "my report.txt", "ok", "ok"],
  ["unicode", "résumé 😀.txt", "ok", "ok"],
  ["dots inside", "a..b.tar.gz", "ok", "ok"],
  ["percent and hash", "100% #1.txt", "ok", "ok"],
  ["fullwidth dots stay a name", "．．", "ok", "ok"],
  ["device-like but longer", "console.txt", "ok", "ok"],
  ["com10 is not a device", "com10.txt", "ok", "ok"],
  ["empty", "", "refused", "refused"],
  ["dot", ".", "refused", "refused"],
  ["dot-dot", "..", "refused", "refused"],
  ["NUL byte", "a\0b", "refused", "refused"],
  ["newline", "a\nb.txt", "refused", "refused"],
  ["carriage return", "a\rb", "refused", "refused"],
  ["tab", "a\tb", "refused", "refused"],
  ["escape sequence", "\x1b[31mred", "refused", "refused"],
  ["DEL", "a\x7fb", "refused", "refused"],
  ["C1 control", "a\x85b", "refused", "refused"],
  ["right-to-left override", "invoice\u202efdp.exe", "refused", "refused"],
  ["first strong isolate", "a\u2068b", "refused", "refused"],
  ["left-to-right mark", "a\u200eb", "refused", "refused"],
  ["right-to-left mark", "a\u200fb", "refused", "refused"],
  ["Arabic letter mark", "a\u061cb", "refused", "refused"],
  ["slash", "a/b", "refused", "refused"],
  ["backslash", "a\\b", "refused", "refused"],
  ["windows climb", "..\\..\\x", "refused", "refused"],
  ["colon (stream)", "a.txt:hidden", "refused", "refused"],
  ["drive", "C:", "refused", "refused"],
  ["CON", "CON", "refused", "refused"],
  ["con lower case", "con", "refused", "refused"],
  ["NUL with extension", "nul.txt", "refused", "refused"],
  ["PRN double extension", "Prn.tar.gz", "refused", "refused"],
  ["AUX", "aux", "refused", "refused"],
  ["COM1", "COM1", "refused", "refused"],
  ["COM9 with extension", "com9.log", "refused", "refused"],
  ["LPT1", "LPT1", "refused", "refused"],
  ["lpt superscript", "lpt¹.txt", "refused", "refused"],
  ["CONIN$", "CONIN$", "refused", "refused"],
  ["device with space before dot", "CON .txt", "refused", "refused"],
  ["trailing dot", "report.txt.", "refused", "refused"],
  ["trailing space", "report.txt ", "refused", "refused"],
  ["dotfile", ".env", "refused", "refused"],
  ["dot-folder", ".git", "refused", "refused"],
  ["at the byte limit", "a".repeat(MAX_NAME_BYTES), "ok", "ok"],
  ["one byte past the limit", "a".repeat(MAX_NAME_BYTES + 1), "refused", "refused"],
  ["multibyte past the limit", "é".repeat(128), "refused", "refused"],
  ["multibyte at the limit", "é".repeat(127) + "a", "ok", "ok"],
  ["less-than on windows", "a<b", "ok", "refused"],
  ["pipe on windows", "a|b", "ok", "refused"],
  ["question mark on windows", "what?.txt", "ok", "refused"],
  ["star on windows", "*.txt", "ok", "refused"],
  ["double quote on windows", 'say "hi"', "ok", "refused"],
];

Deno.test("uploadNameProblem follows the name table on posix and windows", () => {
  for (const [what, name, posix, windows] of CASES) {
    for (const [platform, want] of [["posix", posix], ["win32", windows]] as const) {
      const problem = uploadNameProblem(name, { platform });
      assertEquals(problem === null ? "ok" : "refused", want, `${what} on ${platform}`);
    }
  }
});

Deno.test("uploadNameProblem allows dotfiles only when dotfiles are on", () => {
  assertEquals(uploadNameProblem(".env", { dotfiles: true, platform: "posix" }), null);
  assertEquals(uploadNameProblem(".env", { platform: "posix" }), "dotfile name");
  assertEquals(
    uploadNameProblem("..", { dotfiles: true, platform: "posix" }),
    "dot or dot-dot name",
  );
});

Deno.test("uploadNameProblem never echoes the name in its reason", () => {
  for (const [, name] of CASES) {
    const problem = uploadNameProblem(name, { platform: "win32" });
    if (problem !== null && name.length > 2) assertEquals(problem.includes(name), false, name);
  }
});

Deno.test("baseName keeps what follows the last slash or backslash", () => {
  const cases: Array<[string, string]> = [
    ["a.txt", "a.txt"],
    ["dir/a.txt", "a.txt"],
    ["../../etc/passwd", "passwd"],
    ["C:\\Users\\me\\a.txt", "a.txt"],
    ["mixed/dir\\b.txt", "b.txt"],
    ["trailing/", ""],
    ["..", ".."],
  ];
  for (const [input, want] of cases) assertEquals(baseName(input), want, input);
});

Deno.test("portabilityOnly names the rules kept for Windows' sake, off Windows only", () => {
  for (const name of ["a:b", "con.txt", "x.", "y "]) {
    const problem = uploadNameProblem(name, { platform: "posix" })!;
    assertEquals(portabilityOnly(problem, "posix"), true, name);
    assertEquals(portabilityOnly(problem, "win32"), false, name);
  }
  for (const name of ["a\nb", "a\u202eb", "..", "a/b", ".env", "x".repeat(MAX_NAME_BYTES + 1)]) {
    const problem = uploadNameProblem(name, { platform: "posix" })!;
    assertEquals(portabilityOnly(problem, "posix"), false, JSON.stringify(name));
  }
});
