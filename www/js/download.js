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

/** A blob URL of what `url` answers, fetched with the page's credentials. */
export async function blobUrl(url) {
  const res = await fetch(url, { headers: uiHeaders(), cache: "no-store" });
  if (!res.ok) throw new RequestError(res.status, `Could not open it (status ${res.status}).`);
  const href = URL.createObjectURL(await res.blob());
  setTimeout(() => URL.revokeObjectURL(href), BLOB_URL_LIFETIME_MS);
  return href;
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
 * Follows a click on a file link itself when the link alone would fail for want of
 * credentials; otherwise lets the browser follow it.
 */
export async function followWithCredentials(event, info, asDownload) {
  if (!needsBlob(info)) return;
  event.preventDefault();
  const link = event.currentTarget;
  const a = document.createElement("a");
  a.href = await blobUrl(link.href);
  if (asDownload) a.download = link.download;
  else a.target = "_blank";
  a.click();
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
