/**
 * Every request the UI makes: the server's info, folder listings, uploads with progress,
 * new folders, deletes — and the one table that turns a failed answer into a sentence.
 *
 * Nothing here touches the DOM.
 * @module
 */

import { formatBytes, visibleName } from "./format.js";

/** Where the server describes its mode, limits and version. */
export const INFO_URL = "/api/info";
const CREDENTIAL_KEY = "wireserve.authorization";
const JSON_ACCEPT = "application/json";

/** A failed request: `status` is the HTTP status, or 0 when no answer arrived. */
export class RequestError extends Error {
  constructor(status, message) {
    super(message);
    this.name = "RequestError";
    this.status = status;
  }
}

/**
 * The Authorization value to send, if the user signed in. Kept in sessionStorage, not
 * localStorage: a password should not outlive the tab, and nothing else on this origin is
 * meant to run script (see the report on serving uploaded HTML).
 */
export function authorization() {
  try {
    return sessionStorage.getItem(CREDENTIAL_KEY);
  } catch {
    return null;
  }
}

/** Remembers credentials for this tab: a user and password (Basic) or a token (Bearer). */
export function signIn({ user, password, token }) {
  const value = token
    ? `Bearer ${token}`
    // Basic takes UTF-8 bytes (RFC 7617 §2.1); btoa alone would throw on non-Latin-1 input.
    : `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(`${user}:${password}`)))}`;
  sessionStorage.setItem(CREDENTIAL_KEY, value);
}

/** Forgets the credentials. */
export function signOut() {
  sessionStorage.removeItem(CREDENTIAL_KEY);
}

/**
 * Marks every request of the page (see docs/endpoints.md, access control): for such a request a
 * 401 names the `WireserveBasic` scheme instead of `Basic`, so the browser never takes over with
 * its own login prompt — which a `fetch` or XHR cannot dismiss, leaving an upload hanging — and
 * the page shows its own sign-in instead.
 */
export const UI_HEADER = "X-Wireserve-UI";

/** The fields every request of the page carries: the UI mark, and the credentials if any. */
export function uiHeaders(headers = {}) {
  const auth = authorization();
  const out = { ...headers, [UI_HEADER]: "1" };
  if (auth) out.Authorization = auth;
  return out;
}

let challenge = null;

/**
 * Remembers the `WWW-Authenticate` of a 401 (RFC 9110 §11.6.1), so the sign-in form asks for
 * what the server takes: a user and password, a token, or either.
 */
export function noteChallenge(status, value) {
  if (status === 401) challenge = value ?? null;
}

/**
 * The schemes the last 401 offered: `{basic, bearer}`; both true when none was seen or none is
 * known (the form then offers both).
 */
export function challengedSchemes() {
  const basic = /(^|[\s,])(wireserve)?basic(\s|$)/i.test(challenge ?? "");
  const bearer = /(^|[\s,])bearer(\s|$)/i.test(challenge ?? "");
  return basic || bearer ? { basic, bearer } : { basic: true, bearer: true };
}

/** Sets the UI mark and the credentials on an XMLHttpRequest. */
export function markRequest(xhr) {
  for (const [name, value] of Object.entries(uiHeaders())) xhr.setRequestHeader(name, value);
}

async function send(url, init = {}, describe = describeFailure) {
  let res;
  try {
    res = await fetch(url, { ...init, headers: uiHeaders(init.headers), cache: "no-store" });
  } catch {
    throw new RequestError(0, "The server could not be reached.");
  }
  noteChallenge(res.status, res.headers.get("WWW-Authenticate"));
  if (!res.ok) throw new RequestError(res.status, describe(res.status, await res.text()));
  return res;
}

/** Where the server says whether credentials are accepted, without changing anything. */
export const CREDENTIALS_URL = "/api/credentials";

/**
 * Whether the server takes the credentials the page holds (`GET /api/credentials`: 204, else
 * 401). A reload of the listing cannot tell: under `--auth` reads pass with any credentials.
 * Rejects with a RequestError when no answer (or another failure) came.
 */
export async function credentialsAccepted() {
  try {
    await send(CREDENTIALS_URL);
    return true;
  } catch (err) {
    if (err instanceof RequestError && err.status === 401) return false;
    throw err;
  }
}

/**
 * Whether the browser sends credentials of its own to this server (those it keeps from its
 * login prompt, under `--auth-all`), which an `<img>` then carries too: asked with the page's
 * mark (a 401 opens no prompt) and without the page's own `Authorization`.
 */
export async function browserSendsCredentials() {
  try {
    const res = await fetch(INFO_URL, {
      method: "HEAD",
      headers: { [UI_HEADER]: "1" },
      cache: "no-store",
    });
    return res.ok;
  } catch {
    return false;
  }
}

/** The server's info document (see src/app/handlers/info.ts). */
export async function fetchInfo() {
  return (await send(INFO_URL, { headers: { Accept: JSON_ACCEPT } })).json();
}

/**
 * A folder's entries as `{name, folder, size, mtime: Date|null}` plus `truncated`. Accepts the
 * listing as an array or as `{entries, truncated}`, and `type` "dir" or a symlink whose
 * `target` is "dir" as a folder.
 */
export async function fetchListing(url) {
  const res = await send(`${url}?format=json`, { headers: { Accept: JSON_ACCEPT } });
  return listingFrom(await res.json());
}

/**
 * What the server says of the file at `url` without its listing (`HEAD`): `{size, mtime}`, or
 * null when it is not there (404). A folder answers with a redirect to its "/" form, or as a
 * listing: it is null too, not a file. A listing cut at the server's cap leaves files out, so a
 * name it does not show may still be a file.
 */
export async function statEntry(url) {
  let res;
  try {
    res = await send(url, { method: "HEAD" });
  } catch (err) {
    if (err instanceof RequestError && err.status === 404) return null;
    throw err;
  }
  if (res.redirected || new URL(res.url).pathname.endsWith("/")) return null;
  const modified = res.headers.get("Last-Modified");
  return {
    size: Number(res.headers.get("Content-Length") ?? 0),
    mtime: modified === null ? null : new Date(modified),
  };
}

function listingFrom(doc) {
  const raw = Array.isArray(doc) ? doc : (doc.entries ?? doc.files ?? []);
  return {
    truncated: doc.truncated === true,
    entries: raw.map((e) => ({
      name: String(e.name),
      folder: e.type === "dir" || e.type === "directory" || e.target === "dir",
      size: typeof e.size === "number" ? e.size : 0,
      mtime: e.mtime === null || e.mtime === undefined ? null : new Date(e.mtime),
      url: typeof e.url === "string" ? e.url : null,
    })),
  };
}

/** Creates a folder (`MKCOL`, RFC 4918 §9.3; the collection URL ends in "/"). */
export async function makeFolder(url) {
  await send(url, { method: "MKCOL" }, describeNameFailure);
}

/** Deletes a file or folder; a 207 (part of a folder stayed) rejects as a failure. */
export async function deleteEntry(url) {
  await refusePartial(await send(url, { method: "DELETE" }), "deleted");
}

/**
 * Moves (or with `copy`, copies) the resource at `from` to `to`, both server paths: WebDAV
 * `MOVE`/`COPY` (RFC 4918 §9.8, §9.9) with an absolute `Destination` and `Overwrite: F`, so an
 * existing name is never replaced (412 instead).
 */
export async function transferEntry(from, to, { copy = false } = {}) {
  const res = await send(from, {
    method: copy ? "COPY" : "MOVE",
    headers: { Destination: new URL(to, location.origin).href, Overwrite: "F" },
  }, describeNameFailure);
  await refusePartial(res, copy ? "copied" : "moved");
}

/** The status of an answer that changed part of a tree and failed on the rest. */
export const MULTI_STATUS = 207;

/**
 * Rejects a 207 Multi-Status to DELETE, COPY or MOVE: it is 2xx, yet it says members failed
 * (RFC 4918 §9.6.1, §9.8.8, §9.9.4), so for the user the request did not do what was asked —
 * and part of the tree did change, so the caller refreshes the listing as after any failure.
 */
async function refusePartial(res, verb) {
  if (res.status !== MULTI_STATUS) return;
  throw new RequestError(MULTI_STATUS, describePartialFailure(await res.text(), verb));
}

/**
 * The entries below the folder `url` whose names hold `query` (the server's recursive search,
 * `?q=`): like a listing, each name the path relative to the folder ("sub/photo.jpg").
 */
export async function searchFolder(url, query) {
  const res = await send(`${url}?q=${encodeURIComponent(query)}&format=json`, {
    headers: { Accept: JSON_ACCEPT },
  });
  return listingFrom(await res.json());
}

/**
 * Uploads `file` with `PUT url`. Returns `{done, abort}`: `done` resolves with
 * `{status, reprDigest}` (the server's `Repr-Digest` of the stored file, RFC 9530 §3, or null), or
 * rejects with a RequestError (status 0 and `aborted: true` after `abort()`). XMLHttpRequest, not
 * fetch: only it reports upload progress in every current browser.
 *
 * Without `overwrite`, `If-None-Match: *` makes the write create-only (RFC 9110 §13.1.2), so an
 * existing file is never replaced by accident: the server answers 412 instead.
 */
export function uploadFile({ url, file, digest, overwrite, limit, onProgress }) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    xhr.open("PUT", url);
    markRequest(xhr);
    if (digest) xhr.setRequestHeader("Content-Digest", digest);
    if (!overwrite) xhr.setRequestHeader("If-None-Match", "*");
    xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      noteChallenge(xhr.status, xhr.getResponseHeader("WWW-Authenticate"));
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve({ status: xhr.status, reprDigest: xhr.getResponseHeader("Repr-Digest") });
      } else {reject(
          new RequestError(
            xhr.status,
            describeFailure(xhr.status, xhr.responseText, limit, file.size),
          ),
        );}
    };
    xhr.onerror = () => reject(new RequestError(0, describeFailure(0, "", limit, file.size)));
    xhr.onabort = () => reject(Object.assign(new RequestError(0, "Cancelled."), { aborted: true }));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

/**
 * {@link describeFailure} for a request that puts an entry under a name (new folder, rename,
 * move, copy): there "already exists" is the name being taken — a `MOVE`/`COPY` with
 * `Overwrite: F` answers 412 (RFC 4918 §9.8.5), a `MKCOL` 405 (§9.3.1) — and the upload panel's
 * advice to tick "Replace existing files" would not apply.
 */
export function describeNameFailure(status, body) {
  if (status === 412 || status === 405) {
    return "A file or folder with that name already exists there.";
  }
  return describeFailure(status, body);
}

/** A failed member's status in a few words, as it reads after its name in a list. */
const MEMBER_STATUS_WORDS = {
  403: "not allowed",
  404: "not found",
  409: "changed meanwhile",
  423: "locked",
  424: "depends on a failed one",
  507: "disk full",
};

/**
 * The most failed members named in one message: a long list would bury the sentence. A bulk
 * move or copy names the items it could not do by the same rule.
 */
export const MAX_NAMED_MEMBERS = 3;

/** An element of any namespace prefix (the server writes `D:`, other servers may not). */
const element = (name) =>
  new RegExp(`<(?:[\\w.-]+:)?${name}\\b[^>]*>([\\s\\S]*?)</(?:[\\w.-]+:)?${name}\\s*>`, "g");

/** XML text with its predefined entities and character references read. */
function xmlText(text) {
  return text.replace(
    /&(?:#x([\da-f]+)|#(\d+)|(amp|lt|gt|quot|apos));/gi,
    (whole, hex, dec, name) => {
      if (name) return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[name.toLowerCase()];
      const code = parseInt(hex ?? dec, hex ? 16 : 10);
      // Past Unicode's last code point fromCodePoint throws: a bad reference stays as written.
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    },
  );
}

/**
 * The members a `DAV:multistatus` body names: `[{href, status}]`, `status` 0 when it has none.
 * A regex rather than DOMParser: Deno has none, and the unit tests run this very code; the
 * server's document is flat (a `DAV:response` holds no other), which a regex reads safely.
 */
export function multiStatusMembers(xml) {
  const members = [];
  for (const [, inner] of String(xml ?? "").matchAll(element("response"))) {
    // The first href is the member's own; a DAV:error inside may name another (a lock's root).
    const href = element("href").exec(inner)?.[1];
    if (href === undefined) continue;
    const status = element("status").exec(inner)?.[1].match(/^\s*HTTP\/[\d.]+\s+(\d{3})/)?.[1];
    members.push({ href: xmlText(href).trim(), status: Number(status ?? 0) });
  }
  return members;
}

/** The name an href ends in, decoded (a folder's href ends in "/"). */
function hrefName(href) {
  const path = href.replace(/^[a-z][a-z\d+.-]*:\/\/[^/]*/i, "").replace(/\/+$/, "");
  const last = path.slice(path.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(last) || "/";
  } catch {
    return last; // not valid percent-encoding: shown as it came
  }
}

/**
 * The failure a 207 to DELETE, COPY or MOVE (`verb`: "deleted", "copied", "moved") stands for:
 * the first few members that failed, each with why.
 */
export function describePartialFailure(body, verb) {
  const members = multiStatusMembers(body);
  if (members.length === 0) return `Part of it was not ${verb}; the server did not say which.`;
  const named = members.slice(0, MAX_NAMED_MEMBERS).map(({ href, status }) =>
    `“${visibleName(hrefName(href))}” (${
      MEMBER_STATUS_WORDS[status] ?? (status ? `the server answered ${status}` : "no reason given")
    })`
  );
  const more = members.length - named.length;
  return `Part of it was not ${verb}: ${named.join(", ")}${more ? ` and ${more} more` : ""}.`;
}

/** The longest piece of the server's own message shown to the user. */
const MAX_SERVER_TEXT = 200;

/** The message the server sent: the `error` of a JSON answer, or the first line of text. */
function serverText(body) {
  let text = body ?? "";
  try {
    const doc = JSON.parse(text);
    if (doc && typeof doc.error === "string") text = doc.error;
    else if (doc && typeof doc.message === "string") text = doc.message;
  } catch { /* not JSON: plain text */ }
  const line = text.trim().split("\n")[0] ?? "";
  // An HTML error page says nothing useful in one line; its tags would read as noise.
  if (line.startsWith("<")) return "";
  return line.length > MAX_SERVER_TEXT ? line.slice(0, MAX_SERVER_TEXT) + "…" : line;
}

/**
 * The 413's sentence. When the file's size and the limit read alike rounded (1.0 MiB and 1.0 MiB,
 * one byte apart), both are given in bytes: "up to 1.0 MiB" for a "1.0 MiB" file explains nothing.
 */
function tooLarge(limit, size) {
  if (!limit) return "Too large: the server accepts uploads up to its limit.";
  if (typeof size === "number" && size > limit && formatBytes(size) === formatBytes(limit)) {
    const bytes = (n) => `${n.toLocaleString("en-US")} bytes`;
    return `Too large: the server accepts uploads up to ${bytes(limit)}; this file has ${
      bytes(size)
    }.`;
  }
  return `Too large: the server accepts uploads up to ${formatBytes(limit)}.`;
}

/**
 * One sentence for a failed answer: what happened in the user's terms, then the server's own
 * words when it gave some. `limit` is the server's upload limit in bytes, when known; `size` the
 * size of the file being sent, when known: a dropped connection hints at the limit only for a
 * file that may pass it.
 */
export function describeFailure(status, body, limit, size) {
  const said = serverText(body);
  const tail = said ? ` (${said})` : "";
  switch (status) {
    case 0:
      return "The connection failed before the server answered." +
        (limit && !(typeof size === "number" && size <= limit)
          ? ` If the file is larger than ${formatBytes(limit)}, the server may have refused it.`
          : "");
    case 400:
      return `The server refused the request${tail}.`;
    case 401:
      return "Sign-in needed: the server asks for credentials.";
    case 403:
      return said
        ? `Not allowed: ${said}.`
        : "Not allowed: the server is read-only or the folder is protected.";
    case 404:
      return "Not found: it may have been moved or deleted.";
    case 409:
      return said
        ? `Cannot store it: ${said}.`
        : "Already exists, and the server does not replace it.";
    case 412:
      return "Already exists. Tick “Replace existing files” to overwrite it.";
    case 413:
      return tooLarge(limit, size);
    case 423: {
      // The body is XML (`DAV:lock-token-submitted`), which serverText drops; its href says
      // which resource holds the lock: a member, when a whole folder was asked for.
      const held = element("href").exec(String(body ?? ""))?.[1];
      return `Locked: another client (a mounted drive, an editor) is using ${
        held ? `“${visibleName(hrefName(xmlText(held).trim()))}”` : "it"
      }; try again when it lets go.`;
    }
    case 507:
      return "The server's disk is full.";
    default:
      return `The server answered ${status}${tail}.`;
  }
}
