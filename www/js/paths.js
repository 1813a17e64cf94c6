/**
 * Folder paths inside the shared folder, as arrays of decoded names, and the two ways they are
 * written: the server URL (`/files/a%20b/`) and the deep link in the page's hash (`#/a%20b/`).
 *
 * Why the hash: the web root is served as static files, so `/sub/dir/` would be a 404 unless
 * the server ran with `--spa`; a hash is never sent to the server, changing it does not reload
 * the page, and the browser's back and forward buttons walk through it for free.
 * @module
 */

/** Where the shared folder is served. */
export const FILES_PREFIX = "/files/";

/**
 * One name as a URL path segment. `encodeURIComponent` also escapes "/", "?", "#" and "%", so a
 * file called `a#b?.txt` stays one segment; "." and ".." never occur because the server never
 * lists them.
 */
export function encodeName(name) {
  return encodeURIComponent(name);
}

/** The server URL of a folder (`/files/a/b/`). */
export function folderUrl(segments) {
  return FILES_PREFIX + segments.map((s) => encodeName(s) + "/").join("");
}

/** The server URL of the file `name` inside the folder `segments`. */
export function fileUrl(segments, name) {
  return folderUrl(segments) + encodeName(name);
}

/**
 * The server URL for an upload of `relativePath` ("album/inner/b.txt", from a dropped or picked
 * folder) into `segments`; the server creates the folders on the way.
 */
export function uploadUrl(segments, relativePath) {
  return folderUrl(segments) + relativePath.split("/").map(encodeName).join("/");
}

/** The deep link of a folder (`#/a/b/`). */
export function folderHash(segments) {
  return "#/" + segments.map((s) => encodeName(s) + "/").join("");
}

/**
 * The folder a hash points at ("#/a/b/"; any other fragment is the root). Empty segments, "." and ".." are dropped (the server would refuse
 * them anyway) and a malformed escape gives the root rather than an exception.
 */
export function segmentsFromHash(hash) {
  if (!hash.startsWith("#/")) return [];
  // "?" after the folder starts the view settings (view_state.js); a "?" in a name is "%3F".
  const raw = hash.slice(2).split("?")[0];
  const segments = [];
  for (const part of raw.split("/")) {
    if (part === "") continue;
    let name;
    try {
      name = decodeURIComponent(part);
    } catch {
      return [];
    }
    if (name === "." || name === "..") continue;
    segments.push(name);
  }
  return segments;
}

/**
 * The first part of a `#/…` link's path that is not valid percent-encoding (`%` not followed by
 * two hex digits, or bytes that are not UTF-8: `#/odd/x%`), or null when every part decodes.
 * Such a link names nothing; the page says so rather than silently showing Home.
 */
export function malformedHashPart(hash) {
  if (!hash.startsWith("#/")) return null;
  for (const part of hash.slice(2).split("?")[0].split("/")) {
    try {
      decodeURIComponent(part);
    } catch {
      return part;
    }
  }
  return null;
}

/**
 * The deep link of the file `name` inside the folder `segments` (`#/a/b/c.txt`): no trailing
 * "/", which is what tells it from a folder's link.
 */
export function fileHash(segments, name) {
  return folderHash(segments) + encodeName(name);
}

/**
 * The item a hash names when its path does not end in "/" (`#/docs/readme.md`): the folder
 * holding it and its name. Whether that name is a file or a folder only the folder's listing can
 * say. `name` is null for a folder link (`#/docs/`), the root, and a last part "." or "..".
 */
export function itemFromHash(hash) {
  const all = segmentsFromHash(hash);
  const raw = hash.startsWith("#/") ? hash.slice(2).split("?")[0] : "";
  const last = raw.split("/").at(-1);
  let name = null;
  try {
    name = decodeURIComponent(last);
  } catch {
    // a malformed escape: segmentsFromHash already gave the root
  }
  if (all.length === 0 || last === "" || name !== all.at(-1)) {
    return { segments: all, name: null };
  }
  return { segments: all.slice(0, -1), name };
}

/** The folder a plain (already decoded) path like `/a/b/` names; "." and ".." dropped. */
export function segmentsFromPath(path) {
  return path.split("/").filter((s) => s !== "" && s !== "." && s !== "..");
}

/**
 * The deep link a plain (already decoded) path names, as `?path=` gives it: `/a/b/` the folder,
 * `/a/b` the item `b` of `a` (a file or a folder: the listing tells).
 */
export function hashFromPath(path) {
  const segments = segmentsFromPath(path);
  const last = path.split("/").at(-1);
  if (segments.length === 0 || last !== segments.at(-1)) return folderHash(segments);
  return fileHash(segments.slice(0, -1), last);
}

/**
 * Why `name` cannot be a new name inside a folder, in words, or null when it can. The server
 * refuses these too (400/403); saying so before sending keeps the dialog open with the reason.
 */
export function nameProblem(name) {
  if (name === "") return "Type a name.";
  if (name === "." || name === "..") return "“.” and “..” are not names.";
  if (name.includes("/") || name.includes("\\")) {
    return "A name cannot contain “/” or “\\”: it names one item in this folder.";
  }
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return "A name cannot contain control characters.";
  return null;
}

/** The server URL of an entry given by its path parts below `segments`; folders end in "/". */
export function entryUrl(segments, parts, folder) {
  const url = folderUrl([...segments, ...parts.slice(0, -1)]) + encodeName(parts.at(-1));
  return folder ? url + "/" : url;
}
