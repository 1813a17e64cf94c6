/**
 * XML names: `isNcName` takes exactly the unprefixed names the parser (`saxes`) takes, every
 * code point checked first and after a letter, and a body whose local name after a prefix is no
 * NCName is refused.
 */

import { SaxesParser } from "saxes";
import { assert, assertEquals } from "../support/assert.ts";
import { isNcName } from "../../src/webdav/xml_name.ts";
import { parseXml, XmlRefused } from "../../src/webdav/xml_tree.ts";

/** The local name `saxes` itself gives `<name/>` (namespace-aware, as we run it), or null. */
function saxesName(name: string): string | null {
  const parser = new SaxesParser({ xmlns: true, position: false });
  let local: string | null = null;
  let failed = false;
  parser.on("error", () => {
    failed = true;
  });
  parser.on("opentag", (tag) => {
    local ??= tag.local ?? tag.name;
  });
  try {
    parser.write(`<${name}/>`).close();
  } catch {
    return null;
  }
  return failed ? null : local;
}

Deno.test("isNcName takes exactly the names the parser takes, for every code point", () => {
  const differ: string[] = [];
  const check = (name: string) => {
    if (isNcName(name) !== (saxesName(name) === name)) differ.push(JSON.stringify(name));
  };
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    // Past the BMP one code point a block is enough: the ranges there are whole planes.
    if (cp > 0xffff && cp % 0x1000 !== 0 && cp !== 0xeffff && cp !== 0xf0000) continue;
    if (cp >= 0xd800 && cp <= 0xdfff) continue; // no code point of a string on its own
    const c = String.fromCodePoint(cp);
    check(c);
    check(`a${c}`);
  }
  assertEquals(differ.slice(0, 20), []);
});

Deno.test("isNcName takes names in every script, combining marks included", () => {
  for (const name of ["ชื่อ", "किताब", "\u0e34x", "a\u0301", "_x", "x-1.2", "\u{10400}"]) {
    assert(isNcName(name), name);
  }
  for (const name of ["", "1a", "-a", ".a", "\u00b7a", "\u0301a", "a:b", "a b", "a\u0000"]) {
    assert(!isNcName(name), JSON.stringify(name));
  }
});

Deno.test("parseXml refuses a local name after a prefix that is no NCName", () => {
  const refused = (text: string) => {
    try {
      parseXml(text);
      return false;
    } catch (err) {
      return err instanceof XmlRefused;
    }
  };
  for (const text of ['<p:1a xmlns:p="u"/>', '<p:-a xmlns:p="u"/>', '<a xmlns:p="u" p:1z="v"/>']) {
    assert(refused(text), text);
  }
  assertEquals(parseXml('<p:ชื่อ xmlns:p="u"/>').local, "ชื่อ");
  assertEquals(parseXml('<p:a.b xmlns:p="u" p:c-d="v"/>').attributes[0].local, "c-d");
});
