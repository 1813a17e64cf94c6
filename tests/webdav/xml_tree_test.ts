/**
 * The WebDAV XML parser: namespaces resolved, DTDs refused (billion laughs fast), malformed XML
 * and bad namespace declarations refused, bounds on nesting and node count.
 */

import { assert, assertEquals } from "../support/assert.ts";
import {
  childElements,
  MAX_XML_DEPTH,
  MAX_XML_NODES,
  parseXml,
  textOf,
  XmlRefused,
} from "../../src/webdav/xml_tree.ts";

function refused(text: string): boolean {
  try {
    parseXml(text);
    return false;
  } catch (err) {
    return err instanceof XmlRefused;
  }
}

Deno.test("parseXml resolves prefixes, default namespaces and the empty namespace", () => {
  const root = parseXml(
    '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop xmlns="urn:x">' +
      '<a/><b xmlns=""/><D:getetag/></D:prop></D:propfind>',
  );
  assertEquals([root.ns, root.local], ["DAV:", "propfind"]);
  const props = childElements(childElements(root)[0]).map((e) => [e.ns, e.local]);
  assertEquals(props, [["urn:x", "a"], ["", "b"], ["DAV:", "getetag"]]);
});

Deno.test("parseXml keeps character data, entities and CDATA as one text run", () => {
  const root = parseXml("<x>a &amp; b<![CDATA[ <c> ]]>&#x1F600;</x>");
  assertEquals(textOf(root), "a & b <c> 😀");
});

Deno.test("parseXml refuses a document type declaration, so billion laughs costs nothing", () => {
  const laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
    Array.from(
      { length: 9 },
      (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`,
    ).join("") +
    "]><lolz>&lol9;</lolz>";
  const started = performance.now();
  assert(refused(laughs));
  assert(performance.now() - started < 500, "refused at the DOCTYPE, not after expanding");
  assert(refused('<!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>'), "external DTD");
  assert(refused("<!DOCTYPE x><x/>"), "even an empty one");
});

Deno.test("parseXml refuses malformed XML and bad namespace declarations", () => {
  const cases: Array<[string, string]> = [
    ["unclosed", "<a><b></a>"],
    ["two roots", "<a/><b/>"],
    ["undeclared prefix", "<x:a/>"],
    ["prefix undeclared to empty (XML 1.0)", '<a xmlns:x=""/>'],
    ["undefined entity", "<a>&nope;</a>"],
    ["text only", "hello"],
    ["empty", ""],
  ];
  for (const [what, text] of cases) assert(refused(text), what);
});

Deno.test("parseXml bounds nesting and node count", () => {
  const nested = (n: number) => "<a>".repeat(n) + "</a>".repeat(n);
  assert(!refused(nested(MAX_XML_DEPTH)), "at the depth limit");
  assert(refused(nested(MAX_XML_DEPTH + 1)), "one past it");
  const many = (n: number) => `<r>${"<e/>".repeat(n - 1)}</r>`;
  assert(!refused(many(MAX_XML_NODES)), "at the node limit");
  assert(refused(many(MAX_XML_NODES + 1)), "one past it");
});

Deno.test("refusals never echo the request's bytes", () => {
  try {
    parseXml("<secret:a/>");
  } catch (err) {
    assert(!(err as Error).message.includes("secret"));
  }
});
