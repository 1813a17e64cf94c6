/**
 * Writing XML: escaping, and values re-serialized so that they mean the same anywhere.
 */

import { assertEquals } from "../support/assert.ts";
import { parseXml } from "../../src/webdav/xml_tree.ts";
import {
  escapeXml,
  escapeXmlAttribute,
  propertyTag,
  serializeChildren,
} from "../../src/webdav/xml_writer.ts";

Deno.test("escapeXml escapes markup and replaces what XML cannot carry", () => {
  assertEquals(escapeXml(`<a href="x">&</a>`), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
  assertEquals(escapeXml("a\u0001b\u000bc"), "a\ufffdb\ufffdc");
  assertEquals(escapeXml("lone \ud800 surrogate"), "lone \ufffd surrogate");
  assertEquals(escapeXml("tab\tnl\ncr\r"), "tab\tnl\ncr&#13;");
  assertEquals(escapeXml("é 😀"), "é 😀");
});

Deno.test("serializeChildren keeps namespaces: the value reparses to the same tree", () => {
  const source = '<p xmlns="urn:outer" xmlns:y="urn:y"><y:a y:at="1" plain="2" xml:lang="en">' +
    'text &amp; more<b/><c xmlns=""/></y:a>tail</p>';
  const value = serializeChildren(parseXml(source));
  // Pasted inside a DAV: element with a default namespace of its own, it still means the same.
  const pasted = parseXml(`<D:x xmlns:D="DAV:" xmlns="urn:other">${value}</D:x>`);
  const again = parseXml(`<p xmlns="urn:outer">${value}</p>`);
  assertEquals(pasted.children, again.children);
  const a = again.children[0] as { ns: string; children: unknown[]; attributes: unknown[] };
  assertEquals(a.ns, "urn:y");
  assertEquals(a.attributes, [
    { ns: "urn:y", local: "at", prefix: "a0", value: "1" },
    { ns: "", local: "plain", prefix: "", value: "2" },
    { ns: "http://www.w3.org/XML/1998/namespace", local: "lang", prefix: "xml", value: "en" },
  ]);
  assertEquals(again.children[1], "tail");
});

Deno.test("propertyTag uses the D prefix for DAV: and a default namespace otherwise", () => {
  assertEquals(propertyTag("DAV:", "getetag"), { open: "<D:getetag", close: "</D:getetag>" });
  assertEquals(propertyTag("", "x"), { open: '<x xmlns=""', close: "</x>" });
  assertEquals(propertyTag("urn:a&b", "x").open, '<x xmlns="urn:a&amp;b"');
});

Deno.test("attribute values keep tab, line feed and carriage return through a reparse (§4.3)", () => {
  assertEquals(escapeXmlAttribute('a\tb\nc\r"d'), "a&#9;b&#10;c&#13;&quot;d");
  const value = serializeChildren(
    parseXml('<p><a xmlns="urn:z" v="x&#10;y&#9;z&#13;w" xml:lang="e&#10;n"/></p>'),
  );
  const again = parseXml(`<p>${value}</p>`);
  const a = again.children[0] as { attributes: Array<{ local: string; value: string }> };
  assertEquals(a.attributes.map((at) => at.value), ["x\ny\tz\rw", "e\nn"]);
});
