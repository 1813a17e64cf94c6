/**
 * The request inspector: compose a request (method, path, header fields, body), send it to
 * `/inspect` (or any path of this server) and show what came back — for `/inspect`, the exact
 * bytes the server received, with CR, LF and other invisible bytes already spelled out by the
 * server (`\r\n`), or the same as JSON.
 * @module
 */

import { authorization } from "./api.js";

/** Methods whose requests carry no body in fetch (it throws if given one). */
const BODYLESS = new Set(["GET", "HEAD"]);
const JSON_INDENT = 2;

/** `Name: value` lines → [name, value] pairs; blank lines skipped, a line without ":" refused. */
export function parseHeaderLines(text) {
  const pairs = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`Line ${index + 1} is not “Name: value”.`);
    pairs.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
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
      status.textContent = err.message;
      return;
    }
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
