/**
 * A WebDAV request body as a small namespace-resolved element tree, parsed by `saxes` (a
 * conforming, namespace-aware XML parser; nothing here parses XML by hand).
 *
 * Security reasoning:
 * - refuse (400): any document type declaration. WebDAV bodies never need one (RFC 4918 §17
 *   only asks servers to ignore what they do not understand), and a DTD is where entity
 *   expansion attacks live (billion laughs, external entities reading local files). `saxes`
 *   expands no entities of its own besides the five predefined ones and character references,
 *   and reports the DOCTYPE before any of its contents could matter; we stop at that event, so a
 *   billion-laughs body costs one pass over its bytes and nothing more.
 * - refuse (400): malformed XML, unbound prefixes and bad namespace declarations
 *   (`xmlns:a=""`), all reported by the parser; the first error ends the parse. Also a local name
 *   after a prefix that is no NCName (`p:1a`), which the parser lets through (`xml_name.ts`): a
 *   dead property of that name could only be written back as malformed XML.
 * - Bounded: the body is capped before it gets here (`request_xml.ts`), elements may nest at most
 *   {@link MAX_XML_DEPTH} deep and a document may hold at most {@link MAX_XML_NODES} elements and
 *   text nodes, so the tree stays within a small multiple of the body's size.
 *
 * This module must not know about HTTP or about what the elements mean.
 * @module
 */

import { SaxesParser } from "saxes";
import { isNcName } from "./xml_name.ts";

/** The WebDAV namespace (RFC 4918 §21). */
export const DAV_NS = "DAV:";
/** Deepest element nesting accepted (a WebDAV body is a few levels deep; property values more). */
export const MAX_XML_DEPTH = 64;
/** Most elements and text nodes in one document. */
export const MAX_XML_NODES = 20_000;

/** An attribute with its namespace resolved ("" when it has none). */
export interface XmlAttribute {
  ns: string;
  local: string;
  /** The prefix as written ("" for none), kept only to re-serialize readable values. */
  prefix: string;
  value: string;
}

/** An element with its namespace resolved ("" when it has none). */
export interface XmlElement {
  ns: string;
  local: string;
  /** Attributes other than namespace declarations. */
  attributes: XmlAttribute[];
  /** Child elements and text, in document order. */
  children: XmlNode[];
}

/** A node of the tree: an element or a piece of character data. */
export type XmlNode = XmlElement | string;

const MALFORMED = "Malformed XML or namespace declaration";

/** Why a body was refused (fixed text, safe to send). */
export class XmlRefused extends Error {}

/** Parses `text` into its root element; throws {@link XmlRefused} on anything refused. */
export function parseXml(text: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let nodes = 0;
  const count = () => {
    if (++nodes > MAX_XML_NODES) throw new XmlRefused("Too many XML nodes");
  };
  parser.on("doctype", () => {
    // refuse: a DTD is where entity expansion lives; WebDAV never needs one
    throw new XmlRefused("Document type declarations are not accepted");
  });
  parser.on("error", () => {
    // The parser's message quotes the input; clients get fixed text (it never echoes bytes).
    throw new XmlRefused(MALFORMED);
  });
  parser.on("opentag", (tag) => {
    count();
    if (stack.length >= MAX_XML_DEPTH) throw new XmlRefused("XML nested too deeply");
    const attributes: XmlAttribute[] = [];
    for (const attr of Object.values(tag.attributes)) {
      // Namespace declarations are resolved into `ns` already; they are not data.
      if (attr.prefix === "xmlns" || (attr.prefix === "" && attr.local === "xmlns")) continue;
      if (!isNcName(attr.local)) throw new XmlRefused(MALFORMED);
      attributes.push({ ns: attr.uri, local: attr.local, prefix: attr.prefix, value: attr.value });
    }
    const el: XmlElement = {
      ns: tag.uri ?? "",
      local: tag.local ?? tag.name,
      attributes,
      children: [],
    };
    if (!isNcName(el.local)) throw new XmlRefused(MALFORMED);
    if (stack.length > 0) stack[stack.length - 1].children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on("closetag", () => {
    stack.pop();
  });
  const onText = (text: string) => {
    if (stack.length === 0) return; // whitespace around the root element
    count();
    const children = stack[stack.length - 1].children;
    const last = children[children.length - 1];
    // Adjacent text and CDATA pieces are one run of character data.
    if (typeof last === "string") children[children.length - 1] = last + text;
    else children.push(text);
  };
  parser.on("text", onText);
  parser.on("cdata", onText);
  try {
    parser.write(text).close();
  } catch (err) {
    if (err instanceof XmlRefused) throw err;
    throw new XmlRefused(MALFORMED);
  }
  if (root === null) throw new XmlRefused("No root element");
  return root;
}

/** Whether `node` is the element `{ns}local`. */
export function isElement(node: XmlNode, ns: string, local: string): node is XmlElement {
  return typeof node !== "string" && node.ns === ns && node.local === local;
}

/** The child elements of `el` (text between them dropped). */
export function childElements(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (typeof c !== "string") out.push(c);
  return out;
}

/** The first child element `{ns}local` of `el`, or null. */
export function findChild(el: XmlElement, ns: string, local: string): XmlElement | null {
  for (const c of el.children) if (isElement(c, ns, local)) return c;
  return null;
}

/** The character data directly inside `el`, joined. */
export function textOf(el: XmlElement): string {
  let out = "";
  for (const c of el.children) if (typeof c === "string") out += c;
  return out;
}
