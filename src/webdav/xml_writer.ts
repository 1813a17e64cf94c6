/**
 * Writing XML: escaping text and attribute values, and turning a parsed element back into
 * self-contained markup (for dead property values and lock owners, which RFC 4918 §4.3 and
 * §14.17 ask us to keep as the client sent them, namespaces included).
 *
 * Security: every piece of client data that reaches a response goes through `escapeXml`, so no
 * name, value or owner can close an element or open a new one; characters XML 1.0 cannot carry
 * at all (most C0 controls, lone surrogates) are replaced with U+FFFD rather than written raw,
 * because one of them would make the whole 207 unreadable to the client.
 *
 * This module must not know about HTTP or files.
 * @module
 */

import type { XmlElement, XmlNode } from "./xml_tree.ts";

// deno-lint-ignore no-control-regex
const SPECIAL = /[&<>"\r]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\r": "&#13;",
};
// deno-lint-ignore no-control-regex
const NEEDS_ESCAPE = /[&<>"\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const REPLACEMENT = "\ufffd";
/** The namespace the `xml:` prefix is bound to (Namespaces in XML §3). */
export const XML_NS = "http://www.w3.org/XML/1998/namespace";

/** `s` safe as XML character data or a double-quoted attribute value. */
export function escapeXml(s: string): string {
  if (!NEEDS_ESCAPE.test(s) && s.isWellFormed()) return s; // most names and values
  const wf = s.isWellFormed() ? s : s.toWellFormed();
  return wf.replace(SPECIAL, (c) => ESCAPES[c] ?? REPLACEMENT);
}

const ATTRIBUTE_WHITESPACE = /[\t\n]/g;
const ATTRIBUTE_ESCAPES: Record<string, string> = { "\t": "&#9;", "\n": "&#10;" };

/**
 * `s` as a double-quoted attribute value: as {@link escapeXml}, and tab and line feed as
 * references too. A parser normalizes them, written raw, to spaces (XML 1.0 §3.3.3), so a dead
 * property's attribute would come back changed; RFC 4918 §4.3 asks for it to be kept.
 */
export function escapeXmlAttribute(s: string): string {
  return escapeXml(s).replace(ATTRIBUTE_WHITESPACE, (c) => ATTRIBUTE_ESCAPES[c]);
}

/**
 * The children of `el` as markup that means the same wherever it is pasted: every element
 * declares the default namespace it needs (`xmlns=""` too, so an element in no namespace stays
 * in none inside a `DAV:` parent), and attributes in a namespace get a declared prefix.
 */
export function serializeChildren(el: XmlElement): string {
  let out = "";
  for (const child of el.children) out += serializeNode(child, null);
  return out;
}

function serializeNode(node: XmlNode, parentNs: string | null): string {
  if (typeof node === "string") return escapeXml(node);
  let out = `<${node.local}`;
  if (node.ns !== parentNs) out += ` xmlns="${escapeXml(node.ns)}"`;
  node.attributes.forEach((attr, i) => {
    if (attr.ns === "") out += ` ${attr.local}="${escapeXmlAttribute(attr.value)}"`;
    // The xml: prefix is bound by definition and may not be declared again.
    else if (attr.ns === XML_NS) out += ` xml:${attr.local}="${escapeXmlAttribute(attr.value)}"`;
    else {
      const prefix = `a${i}`;
      out += ` xmlns:${prefix}="${escapeXml(attr.ns)}" ${prefix}:${attr.local}="${
        escapeXmlAttribute(attr.value)
      }"`;
    }
  });
  if (node.children.length === 0) return `${out}/>`;
  out += ">";
  for (const child of node.children) out += serializeNode(child, node.ns);
  return `${out}</${node.local}>`;
}

/**
 * Builds the start of a property element `{ns}local` in a response whose root declares `D` for
 * `DAV:`: DAV properties use that prefix, others declare a default namespace of their own.
 */
export function propertyTag(ns: string, local: string): { open: string; close: string } {
  if (ns === "DAV:") return { open: `<D:${local}`, close: `</D:${local}>` };
  return { open: `<${local} xmlns="${escapeXml(ns)}"`, close: `</${local}>` };
}
