/**
 * Resumable uploads from the page: a small tus 1.0 client (the server's
 * `POST /files/<folder>/` creation, `PATCH` of slices, `HEAD` for the offset), so a large file
 * survives a dropped connection, a pause, and a reload of the page.
 *
 * - Slices of {@link SLICE_BYTES} per PATCH: progress and the work a drop can lose stay small.
 * - After a failure that trying again can fix — no answer, 409 (offset moved), 423 (busy), or
 *   a gateway or an unavailable server (502, 503, 504; its `Retry-After` honoured) — it waits
 *   (back-off: {@link RETRY_DELAYS_MS}), asks the server for its offset, and goes on from there.
 *   The creation (`POST`) retries only no answer and 502, 503, 504: its 409 (the name exists
 *   under `--no-overwrite`, a folder holds it, a parent is a file) comes back the same however
 *   long it waits, and its 423 is a WebDAV lock another client holds for as long as it works
 *   on the file, so both stop it at once with the reason (the 423 with a Retry by hand).
 *   Progress (the server holding more bytes than before) starts the back-off over: it gives up
 *   only after every delay passed with no byte gained, not after as many drops spread over a
 *   long upload on a flaky link. Any other answer (500, 501, 507, a 4xx) is the server's word:
 *   the upload stops with it, and the user may retry by hand.
 * - The upload URL is kept in localStorage under the file's name, size and last-modified time
 *   and its destination, so the same file picked again after a reload resumes where the server
 *   is; {@link unfinishedUploads} lists them for the page to offer.
 * @module
 */

import { describeFailure, markRequest, noteChallenge, RequestError } from "./api.js";

/** Files from this size on are sent resumably. */
export const RESUMABLE_MIN_BYTES = 8 * 1024 * 1024;
/** Bytes per PATCH. */
export const SLICE_BYTES = 8 * 1024 * 1024;
/** Waits before each retry after a dropped connection or a busy server, in ms. */
export const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000, 8000, 15000, 30000];
const STORE_KEY = "wireserve.resumable";
/** The tus version every request names (`Tus-Resumable`). */
export const TUS_VERSION = "1.0.0";
const HTTP_NOT_FOUND = 404;
const HTTP_SERVER_ERROR = 500;
/**
 * Answers worth waiting for: the offset moved (409), the upload is busy (423), or something
 * between us and the server, or the server itself, is briefly unable to answer (502, 503, 504).
 * A 500 or 507 would come back the same at once: retrying it only hides why.
 */
const RETRY_STATUSES = [409, 423, 502, 503, 504];
/**
 * Answers to a creation worth waiting for: only those of something between us and the server, or
 * of the server itself (502, 503, 504). A creation's 409 names a conflict on disk that no wait
 * undoes, and its 423 a WebDAV lock held by another client, not the short lease of an upload.
 */
const CREATION_RETRY_STATUSES = [502, 503, 504];
/** The longest `Retry-After` honoured, in ms: past it the page gives up rather than hang. */
export const MAX_RETRY_AFTER_MS = 5 * 60 * 1000;
const MS_PER_SECOND = 1000;

/** Whether an answer `status` (0: none) is worth an automatic retry. */
export function retriesAfter(status) {
  return status === 0 || RETRY_STATUSES.includes(status);
}

/** Whether an answer `status` (0: none) to a creation (`POST`) is worth an automatic retry. */
export function creationRetriesAfter(status) {
  return status === 0 || CREATION_RETRY_STATUSES.includes(status);
}

/**
 * The wait a `Retry-After` value asks for (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), in
 * ms, at most {@link MAX_RETRY_AFTER_MS}; 0 for none or a value that is neither.
 */
export function retryAfterMs(value, now = Date.now()) {
  const text = (value ?? "").trim();
  let ms = 0;
  if (/^[0-9]+$/.test(text)) ms = Number(text) * MS_PER_SECOND;
  // An HTTP-date ends in GMT (IMF-fixdate, or the obsolete RFC 850 form); Date.parse alone
  // would also take "2030-01-01" or "1.5" for a date.
  else if (/ GMT$/.test(text)) ms = Math.max(0, (Date.parse(text) || now) - now);
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

/** The key of `file` going to `destination` (a folder URL and relative path). */
export function uploadKey(file, destination) {
  return `${destination}|${file.name}|${file.size}|${file.lastModified}`;
}

function readStore() {
  try {
    const value = JSON.parse(localStorage.getItem(STORE_KEY) ?? "{}");
    return value && typeof value === "object" ? value : {};
  } catch {
    return {};
  }
}

function writeStore(store) {
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify(store));
  } catch {
    // storage full or disabled: the upload still works, it just cannot survive a reload
  }
}

function remember(key, entry) {
  const store = readStore();
  store[key] = entry;
  writeStore(store);
}

/** Forgets the saved upload `key`. */
export function forget(key) {
  const store = readStore();
  delete store[key];
  writeStore(store);
}

/**
 * Asks the server to drop the unfinished upload at `url` and its bytes (tus termination:
 * `DELETE`), without waiting: one it no longer knows (404) or cannot reach is left to its
 * sweeper of stale uploads.
 */
export function terminate(url) {
  const r = new XMLHttpRequest();
  r.open("DELETE", url);
  r.setRequestHeader("Tus-Resumable", TUS_VERSION);
  markRequest(r);
  r.send();
}

/** Uploads started on this browser and not finished: `{key, name, size, path, url, sent}`. */
export function unfinishedUploads() {
  return Object.entries(readStore()).map(([key, e]) => ({ key, ...e }));
}

/**
 * Starts (or resumes) the upload of `file` to the folder URL `folder` under `relativePath`.
 * `onProgress(sent, total)` reports bytes the server has or is receiving; `onWaiting(ms, status)`
 * a retry wait and the answer that caused it (0: none came). Returns `{done, pause, resume, cancel}`; `done` resolves when the file is stored.
 */
export function resumableUpload(
  { file, folder, relativePath, overwrite, limit, onProgress, onWaiting },
) {
  const key = uploadKey(file, folder + relativePath);
  let xhr = null;
  let paused = false;
  let cancelled = false;
  let wake = null;
  let url = readStore()[key]?.url ?? null;
  /** Failures in a row since the server last gained bytes: the index into RETRY_DELAYS_MS. */
  let failures = 0;
  /** The most the server was known to hold. */
  let gained = -1;
  /** Notes the server's offset: any byte gained resets the back-off. */
  const reached = (offset) => {
    if (offset > gained) failures = 0;
    gained = Math.max(gained, offset);
  };

  const request = (method, target, headers, body) =>
    new Promise((resolve, reject) => {
      const r = new XMLHttpRequest();
      xhr = r;
      r.open(method, target);
      r.setRequestHeader("Tus-Resumable", TUS_VERSION);
      markRequest(r);
      for (const [k, v] of Object.entries(headers)) r.setRequestHeader(k, v);
      if (body && method === "PATCH") {
        r.upload.onprogress = (e) =>
          onProgress(Number(headers["Upload-Offset"]) + e.loaded, file.size);
      }
      r.onload = () => {
        noteChallenge(r.status, r.getResponseHeader("WWW-Authenticate"));
        resolve(r);
      };
      r.onerror = () => reject(new RequestError(0, describeFailure(0, "", limit, file.size)));
      r.onabort = () => reject(Object.assign(new RequestError(0, "Paused."), { aborted: true }));
      r.send(body ?? null);
    });

  const sleep = (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const waitWhilePaused = () =>
    new Promise((resolve) => {
      if (!paused) return resolve();
      wake = resolve;
    });

  /** The server's offset for `url`, or null when it no longer knows the upload. */
  async function serverOffset() {
    const r = await request("HEAD", url, {});
    if (r.status === HTTP_NOT_FOUND) return null;
    if (retriesAfter(r.status)) throw retryable(r);
    if (r.status >= 300) throw refused(r);
    return Number(r.getResponseHeader("Upload-Offset"));
  }

  async function create() {
    const meta = [`filename ${base64(file.name)}`];
    if (relativePath.includes("/")) meta.push(`relativePath ${base64(relativePath)}`);
    const headers = { "Upload-Length": String(file.size), "Upload-Metadata": meta.join(",") };
    if (!overwrite) headers["If-None-Match"] = "*";
    const r = await request("POST", folder, headers);
    if (r.status !== 201) throw creationRetriesAfter(r.status) ? retryable(r) : refused(r);
    url = new URL(r.getResponseHeader("Location"), location.href).href;
    remember(key, { name: file.name, size: file.size, path: relativePath, url, sent: 0 });
  }

  /** One pass: find the offset (or create), then send slices until done. */
  async function attempt() {
    let offset = url === null ? null : await serverOffset();
    if (offset === null) {
      await create();
      offset = 0;
    }
    reached(offset);
    while (offset < file.size || file.size === 0) {
      if (paused || cancelled) return false;
      onProgress(offset, file.size);
      const slice = file.slice(offset, Math.min(file.size, offset + SLICE_BYTES));
      const r = await request("PATCH", url, {
        "Content-Type": "application/offset+octet-stream",
        "Upload-Offset": String(offset),
      }, slice);
      if (retriesAfter(r.status)) throw retryable(r);
      if (r.status !== 204) throw refused(r);
      offset = Number(r.getResponseHeader("Upload-Offset"));
      reached(offset);
      remember(key, { ...readStore()[key], sent: offset });
      if (file.size === 0) break;
    }
    onProgress(file.size, file.size);
    return true;
  }

  const done = (async () => {
    for (;;) {
      await waitWhilePaused();
      if (cancelled) throw Object.assign(new RequestError(0, "Cancelled."), { aborted: true });
      try {
        if (await attempt()) break;
        failures = 0;
      } catch (err) {
        if (cancelled) throw Object.assign(new RequestError(0, "Cancelled."), { aborted: true });
        if (paused && err.aborted) continue;
        if (!err.retry && err.status !== 0) throw err;
        if (failures >= RETRY_DELAYS_MS.length) throw err;
        const delay = Math.max(RETRY_DELAYS_MS[failures++], err.retryAfterMs ?? 0);
        onWaiting(delay, err.status);
        await sleep(delay);
      }
    }
    forget(key);
    return { status: 204 };
  })();

  return {
    done,
    pause() {
      paused = true;
      xhr?.abort();
    },
    resume() {
      paused = false;
      wake?.();
    },
    cancel() {
      cancelled = true;
      xhr?.abort();
      wake?.();
      forget(key);
      if (url !== null) terminate(url);
    },
  };

  function retryable(r) {
    return Object.assign(
      new RequestError(r.status, describeFailure(r.status, r.responseText, limit, file.size)),
      { retry: true, retryAfterMs: retryAfterMs(r.getResponseHeader("Retry-After")) },
    );
  }

  function refused(r) {
    // A server error says nothing about the upload: it stays saved, so a retry by hand (or the
    // offer after a reload) goes on from the server's offset instead of starting over.
    if (url !== null && r.status !== 401 && r.status < HTTP_SERVER_ERROR) forget(key);
    return new RequestError(r.status, describeFailure(r.status, r.responseText, limit, file.size));
  }
}

/** Base64 of a string's UTF-8 bytes (for Upload-Metadata). */
function base64(text) {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
