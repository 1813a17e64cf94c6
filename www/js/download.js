/**
 * Getting bytes to the user: downloads (of files, folder zips and selections), opening a file in
 * a new tab, copying a link. A plain link cannot carry an Authorization field, so when reading
 * needs credentials (`--auth-all`) and the user signed in, the file is fetched with them and
 * handed to the browser as a blob URL instead.
 * @module
 */

import { RequestError, uiHeaders } from "./api.js";

/** How long a blob URL handed to the browser stays valid: long enough to start a download. */
const BLOB_URL_LIFETIME_MS = 60_000;

/** Whether links need the fetch-and-blob route: reads need credentials and we have some. */
export function needsBlob(info) {
  return info?.authRequired?.reads === true && "Authorization" in uiHeaders();
}

/**
 * Media types a browser shows without running anything the file holds: only these open in a tab
 * from a blob URL (see `followWithCredentials`). Not SVG, HTML or any XML: those can hold script.
 */
const PASSIVE_TYPE =
  /^\s*(image\/(?!svg)|audio\/|video\/|text\/plain\s*(;|$)|application\/pdf\s*(;|$))/i;

/** A blob URL of what `url` answers, fetched with the page's credentials. */
export async function blobUrl(url) {
  return (await fetchBlob(url)).href;
}

/**
 * What `url` answers, fetched with the page's credentials, as a blob URL, and whether it is safe
 * to open in a tab: a blob URL has this page's origin and none of the server's fields, so an
 * uploaded XHTML file opened from one would run its scripts as the UI, outside the `sandbox` the
 * server puts on it. Only passive types the server did not sandbox are.
 */
async function fetchBlob(url) {
  const res = await fetch(url, { headers: uiHeaders(), cache: "no-store" });
  if (!res.ok) throw new RequestError(res.status, `Could not open it (status ${res.status}).`);
  const opensInTab = !res.headers.has("Content-Security-Policy") &&
    PASSIVE_TYPE.test(res.headers.get("Content-Type") ?? "");
  const href = URL.createObjectURL(await res.blob());
  setTimeout(() => URL.revokeObjectURL(href), BLOB_URL_LIFETIME_MS);
  return { href, opensInTab };
}

/** Starts the download of `url` as `filename` (empty: the server's name). */
export async function download(url, filename, info) {
  const a = document.createElement("a");
  a.href = needsBlob(info) ? await blobUrl(url) : url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
}

/**
 * The name of the hidden frame zip forms are posted into: the archive downloads from there, and
 * an error page (a name gone since the listing, too many zips at once) loads there instead of
 * replacing the UI, where the page can read it and say what went wrong.
 */
const ZIP_FRAME = "zip-download-frame";

/** `name=a&name=b`: the body of a zip form, each name as the server reads it. */
export function zipFormBody(names) {
  const body = new URLSearchParams();
  for (const name of names) body.append("name", name);
  return body.toString();
}

/**
 * Downloads the entries `names` of the folder at `folderUrl` as one zip named `filename`:
 * `POST <folder>/?zip` with the names in the body, since in the query a few hundred names pass
 * the server's request-line limit (8 KiB: 414, which Chromium shows as a cancelled download).
 * A hidden form lets the browser save the archive as it arrives; `onFailure(message)` is called
 * if the server answers with an error instead. A form cannot carry the page's credentials
 * (`--auth-all`), and it would turn a lone CR or LF in a name into CRLF (HTML's form encoding):
 * then the archive is fetched with the exact body and handed over from memory.
 */
export async function downloadSelection(folderUrl, names, filename, info, onFailure) {
  const url = `${folderUrl}?zip`;
  if (needsBlob(info) || names.some((n) => /[\r\n]/.test(n))) {
    const res = await fetch(url, {
      method: "POST",
      headers: uiHeaders({ "Content-Type": "application/x-www-form-urlencoded" }),
      body: zipFormBody(names),
      cache: "no-store",
    });
    if (!res.ok) throw new RequestError(res.status, await failureText(res));
    const a = document.createElement("a");
    a.href = URL.createObjectURL(await res.blob());
    setTimeout(() => URL.revokeObjectURL(a.href), BLOB_URL_LIFETIME_MS);
    a.download = filename;
    a.click();
    return;
  }
  const frame = zipFrame();
  frame.onload = () => {
    // A download leaves the frame's document alone; only an error page loads into it.
    const doc = frame.contentDocument;
    const text = doc?.querySelector("p")?.textContent ?? doc?.body?.textContent ?? "";
    const title = doc?.querySelector("h1")?.textContent ?? "";
    if (text.trim() === "" && title === "") return;
    onFailure([title, text.trim()].filter((t) => t !== "").join(": "));
  };
  const form = document.createElement("form");
  form.method = "post";
  form.action = url;
  form.target = ZIP_FRAME;
  form.hidden = true;
  for (const name of names) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = "name";
    input.value = name;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
  form.remove();
}

/** The server's one-line reason for a failed download, or its status. */
async function failureText(res) {
  const text = (await res.text().catch(() => "")).trim().split("\n")[0];
  return text !== "" && text.length < 200 ? text : `Could not download it (status ${res.status}).`;
}

/** The hidden frame zip forms target, made once. */
function zipFrame() {
  let frame = document.querySelector(`iframe[name="${ZIP_FRAME}"]`);
  if (frame) return frame;
  frame = document.createElement("iframe");
  frame.name = ZIP_FRAME;
  frame.hidden = true;
  frame.title = "Downloads";
  frame.tabIndex = -1;
  document.body.append(frame);
  return frame;
}

/**
 * Follows a click on a file link itself when the link alone would fail for want of
 * credentials; otherwise lets the browser follow it. A file that could run script (HTML, SVG,
 * XML: what the server sandboxes) is downloaded rather than opened (see `fetchBlob`).
 */
export async function followWithCredentials(event, info, asDownload) {
  if (!needsBlob(info)) return;
  event.preventDefault();
  const link = event.currentTarget;
  const a = document.createElement("a");
  const blob = await fetchBlob(link.href);
  a.href = blob.href;
  if (!asDownload && blob.opensInTab) a.target = "_blank";
  else a.download = link.download || lastSegment(link.href);
  a.click();
}

/** The file name at the end of `url`, decoded. */
function lastSegment(url) {
  const path = new URL(url).pathname;
  const name = path.slice(path.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** Copies `text` to the clipboard; resolves to whether it worked. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (plain http on a LAN address is not a secure context): the old way.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}
