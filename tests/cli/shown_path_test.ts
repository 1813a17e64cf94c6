/**
 * User-given paths in wireserve's own lines: as typed when they show as themselves, else quoted
 * JSON with everything a terminal acts on escaped, and still parsing back to the same text.
 */

import { quoted, shownPath } from "../../src/cli/shown_path.ts";
import { assertEquals } from "../support/assert.ts";

const ORDINARY: string[] = [
  "/srv/share",
  "/home/me/My Files",
  'C:\\Users\\me\\"quoted"',
  "/srv/café ☕/日本語",
  "/tmp/x y\u00a0z", // a no-break space is odd, not dangerous
];

for (const path of ORDINARY) {
  Deno.test(`shownPath shows ${JSON.stringify(path)} as typed`, () => {
    assertEquals(shownPath(path), path);
  });
}

const HOSTILE: Array<[string, string, string]> = [
  ["an ANSI colour", "/tmp/x\x1b[31mRED", '"/tmp/x\\u001b[31mRED"'],
  ["a line break", "/tmp/x\nfake line", '"/tmp/x\\nfake line"'],
  ["a carriage return", "/tmp/x\rover", '"/tmp/x\\rover"'],
  ["DEL", "/tmp/x\x7f", '"/tmp/x\\u007f"'],
  ["a C1 CSI", "/tmp/x\u009b2J", '"/tmp/x\\u009b2J"'],
  ["a bidi override", "/tmp/invoice\u202efdp.exe", '"/tmp/invoice\\u202efdp.exe"'],
  ["a line separator", "/tmp/a\u2028b", '"/tmp/a\\u2028b"'],
  ["a lone surrogate", "/tmp/\ud800", '"/tmp/\\ud800"'],
];

for (const [why, path, shown] of HOSTILE) {
  Deno.test(`shownPath quotes and escapes a path with ${why}`, () => {
    assertEquals(shownPath(path), shown);
    assertEquals(JSON.parse(shownPath(path)), path);
  });
}

Deno.test("quoted always quotes, escaping only what JSON and a terminal need", () => {
  assertEquals(quoted("/nonexist"), '"/nonexist"');
  assertEquals(quoted('a"b\\c'), '"a\\"b\\\\c"');
  assertEquals(quoted("café\u0085"), '"café\\u0085"');
});
