/**
 * Windows inputs for `resolveSafePath` beyond the main table in safe_path_test.ts: reserved
 * device names in any case and as folders, drive letters and device-path prefixes anywhere,
 * separators in every spelling, and names the Win32 layer rewrites. Every accepted case must
 * stay below the root when joined with win32 rules; every refused one must be refused with the
 * status the policy names (400 malformed, 404 look-alike of a missing file).
 */

import { win32 } from "node:path";
import { resolveSafePath } from "../../src/files/safe_path.ts";
import { assert, assertEquals } from "../support/assert.ts";

const ROOT = "C:\\Users\\me\\Share";

/** [name, raw URL path below /files/, expected segments or refusal status]. */
const CASES: Array<[string, string, string[] | 400 | 404]> = [
  ["mixed-case reserved name", "Con", 404],
  ["reserved name with two extensions", "AUX.tar.gz", 404],
  ["reserved printer port, any case", "LpT9.log", 404],
  ["reserved console input", "CONIN$", 404],
  ["reserved console output, lower case", "conout$.txt", 404],
  ["reserved name with superscript digit", "COM%C2%B9", 404],
  ["reserved name used as a folder", "con/x.txt", 404],
  ["reserved name deeper in the path", "a/b/NUL/c", 404],
  ["reserved name with trailing space", "nul%20", 404],
  ["name that only starts like a reserved one", "console.txt", ["console.txt"]],
  ["reserved word inside a name", "my-con.txt", ["my-con.txt"]],
  ["com port without a digit", "com.txt", ["com.txt"]],
  ["drive letter later in the path", "a/C:/windows", 400],
  ["lower-case drive letter", "d:", 400],
  ["drive-relative name", "c:secret.txt", 400],
  ["encoded colon drive", "c%3a%5cwindows", 400],
  ["device path prefix with slashes", "//?/C:/Windows/win.ini", 400],
  ["device namespace prefix", "//./COM1", 404],
  ["raw backslash device prefix", "\\\\?\\C:\\x", 400],
  ["UNC with backslashes", "\\\\server\\share", 400],
  ["encoded backslash dot-dot", "..%5Csecret", 400],
  ["encoded backslash in a name", "a%5Cb.txt", 400],
  ["lower-case encoded backslash", "a%5cb", 400],
  ["mixed separators climbing out", "a/..\\..\\x", 400],
  ["trailing dot on a folder", "dir./file.txt", 404],
  ["three dots", "...", 404],
  ["dot-dot with trailing dots", "..../x", 404],
  ["trailing space on a folder", "dir%20/file.txt", 404],
  ["stream on a folder", "dir:$I30:$INDEX_ALLOCATION/x", 400],
  ["pipe character", "a%7Cb", 404],
  ["angle brackets", "%3Cx%3E", 404],
  ["quote character", "a%22b", 404],
  ["question mark", "a%3Fb", 404],
  ["ordinary nested file", "Docs/Report%20Q1.PDF", ["Docs", "Report Q1.PDF"]],
  ["dot-dot back inside the root", "a/b/../c.txt", ["a", "c.txt"]],
  ["dot-dot past the root", "a/../../Users", 404],
  ["non-ASCII name", "%C3%A9t%C3%A9.txt", ["été.txt"]],
];

for (const [name, raw, want] of CASES) {
  Deno.test(`resolveSafePath on Windows: ${name} → ${JSON.stringify(want)}`, () => {
    const got = resolveSafePath(ROOT, raw, { platform: "win32" });
    if (typeof want === "number") {
      assert(!got.ok, `${name}: expected ${want}, resolved to ${got.ok && got.fsPath}`);
      assertEquals(got.status, want, `${name}: ${got.reason}`);
      return;
    }
    assert(got.ok, `${name}: refused (${!got.ok && got.reason})`);
    assertEquals(got.segments, want);
    assertEquals(got.fsPath, win32.join(ROOT, ...want));
    const rel = win32.relative(ROOT, got.fsPath);
    assert(!rel.startsWith("..") && !win32.isAbsolute(rel), `${got.fsPath} is outside the root`);
  });
}

/**
 * On volumes that generate 8.3 short names, `GITCON~1` opens `.gitconfig` and `SECRET~1.TXT` may
 * open a dotfile or a name the other checks refuse: short names are refused on Windows.
 */
Deno.test({
  name: "resolveSafePath on Windows refuses 8.3 short names that can alias a dotfile",
  fn: () => {
    for (const raw of ["GITCON~1", "ENV~1", "dir/SSH~1/id_rsa"]) {
      const got = resolveSafePath(ROOT, raw, { platform: "win32" });
      assert(!got.ok, `${raw} resolved to ${got.ok && got.fsPath}`);
    }
  },
});
