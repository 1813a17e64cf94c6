/**
 * The request inspector: compose a request (method, path, header fields, body), send it to
 * `/inspect` (or any path of this server) and show what came back — for `/inspect`, the exact
 * bytes the server received, with CR, LF and other invisible bytes already spelled out by the
 * server (`\r\n`), or the same as JSON.
 * @module
 */

import { authorization, UI_HEADER } from "./api.js";

/** Methods whose requests carry no body in fetch (it throws if given one). */
const BODYLESS = new Set(["GET", "HEAD"]);
const JSON_INDENT = 2;

/** A field name: an RFC 9110 §5.6.2 token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Characters a field value can hold as they are: fetch sends each as one byte (Latin-1). */
// deno-lint-ignore no-control-regex
const LATIN1 = /^[\u0000-\u00ff]*$/;
/** Bytes no field value may hold (RFC 9110 §5.5): fetch throws on them. */
// deno-lint-ignore no-control-regex
const FORBIDDEN_IN_VALUE = /[\u0000\r\n]/;

/**
 * A field value as fetch can send it. fetch takes only Latin-1 strings (one character, one
 * byte) and throws a raw TypeError on anything else, such as "✓". The value's UTF-8 bytes are
 * what curl would send for the same text, so those bytes go, one character each.
 */
export function wireValue(value) {
  if (LATIN1.test(value)) return value;
  return String.fromCharCode(...new TextEncoder().encode(value));
}

/**
 * `Name: value` lines → [name, value] pairs ready for fetch; blank lines skipped. A line without
 * ":", a name that is not a token or a value with a NUL refuses the whole form with a sentence
 * naming the line; values beyond Latin-1 go as their UTF-8 bytes (see {@link wireValue}).
 */
export function parseHeaderLines(text) {
  const pairs = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`Line ${index + 1} is not “Name: value”.`);
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (!TOKEN.test(name)) {
      throw new Error(`Line ${index + 1}: “${name}” is not a field name (letters, digits, -).`);
    }
    if (FORBIDDEN_IN_VALUE.test(value)) {
      throw new Error(`Line ${index + 1}: a field value cannot hold a NUL byte.`);
    }
    pairs.push([name, wireValue(value)]);
  }
  return pairs;
}

/** Wires the inspector form. */
export function createInspector() {
  const $ = (id) => document.getElementById(id);
  const form = $("inspector-form");
  const output = $("inspect-output");
  const status = $("inspect-status");

  function show(text) {
    $("inspect-result").hidden = text === null;
    output.textContent = text ?? "";
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const method = $("inspect-method").value;
    const path = $("inspect-path").value.trim();
    // Same origin only: a path, never a URL, so the inspector cannot be pointed at other hosts.
    if (!path.startsWith("/") || path.startsWith("//")) {
      status.textContent = "The path must start with a single “/”.";
      return;
    }
    let headers;
    try {
      headers = new Headers(parseHeaderLines($("inspect-headers").value));
    } catch (err) {
      // parseHeaderLines words its own refusals; anything Headers still refuses gets one too.
      status.textContent = err instanceof TypeError
        ? "The browser refuses to send these header fields as written."
        : err.message;
      show(null);
      return;
    }
    if (!headers.has(UI_HEADER)) headers.set(UI_HEADER, "1");
    const asJson = $("inspect-json").checked;
    if (asJson && !headers.has("accept")) headers.set("Accept", "application/json");
    if (!headers.has("authorization") && authorization()) {
      headers.set("Authorization", authorization());
    }
    const body = BODYLESS.has(method) ? undefined : $("inspect-body").value;
    status.textContent = "Sending…";
    try {
      const res = await fetch(path, { method, headers, body, cache: "no-store" });
      let text = await res.text();
      if (asJson) {
        try {
          text = JSON.stringify(JSON.parse(text), null, JSON_INDENT);
        } catch { /* not JSON after all: show it as it came */ }
      }
      status.textContent = `${res.status} ${res.statusText}`.trim();
      $("inspect-fields").textContent = [...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
      show(text);
    } catch (err) {
      status.textContent = `The request could not be sent: ${err.message}`;
      show(null);
    }
  });
}
