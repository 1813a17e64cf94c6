/**
 * The Content-Type of a file from its name, via the `mime-types` database (source code as plain
 * text where the database says otherwise): `text/*` (and JSON, JavaScript) with `; charset=utf-8`,
 * and exactly `application/octet-stream` when the extension is unknown or missing.
 *
 * This module must not touch the disk: the name alone decides.
 * @module
 */

import mime from "mime-types";

/** The type of anything the database does not know: bytes, no sniffing. */
export const OCTET_STREAM = "application/octet-stream";

/** Extension (lower case) → Content-Type; the database lookup is cheap, this is cheaper. */
const byExtension = new Map<string, string>();
/** Bound on the memo, since extensions come from names on disk. */
const MAX_MEMO_ENTRIES = 1024;

/** Plain text, as source code is served when the database gives it no text type. */
const SOURCE_TEXT = "text/plain; charset=utf-8";

/**
 * Extensions whose database type is missing or wrong for what such files nearly always are:
 * source code, which a browser should show as text. Without this `.py` and `.go` would download as
 * octet-stream, `.rs` would be `application/rls-services+xml` (a browser shows an XML parse error,
 * and the XML sandbox applies), `.sh` `application/x-sh` and `.toml` `application/toml` (both
 * downloaded). `.ts` stays `video/mp2t` (and `.mts`, `.m2ts` theirs): HLS video segments use it,
 * and a player must get that type; TypeScript's `.tsx` has no such clash.
 */
// deno-fmt-ignore
const SOURCE_EXTENSIONS: ReadonlyMap<string, string> = new Map([
  "rs", "py", "pyi", "go", "rb", "tsx", "sh", "bash", "zsh", "fish", "toml", "kt", "kts", "swift",
  "scala", "sc", "sbt", "ex", "exs", "erl", "hrl", "hs", "ml", "mli", "cs", "fs", "fsx", "hpp",
  "hh", "pl", "pm", "php", "r", "jl", "sql", "cfg", "gradle", "groovy", "ps1", "psm1",
  "cmake", "mk", "diff", "patch", "vue", "svelte", "zig", "nim", "clj", "cljs", "edn", "elm",
  "dart", "proto", "graphql", "gql", "tf", "tfvars", "properties",
].map((ext) => [ext, SOURCE_TEXT]));

/**
 * The Content-Type for a file called `name` (a base name). Only the text after the last dot
 * counts, and a leading dot does not start an extension: `json` and `.json` are not JSON
 * (mime-types alone would look the bare word up as an extension).
 */
export function contentTypeFor(name: string): string {
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || dot === name.length - 1) return OCTET_STREAM;
  const ext = name.slice(dot + 1).toLowerCase();
  let type = byExtension.get(ext);
  if (type === undefined) {
    const found = SOURCE_EXTENSIONS.get(ext) ?? mime.contentType(ext);
    type = typeof found === "string" ? normalize(found) : OCTET_STREAM;
    if (byExtension.size < MAX_MEMO_ENTRIES) byExtension.set(ext, type);
  }
  return type;
}

/**
 * Extensions whose files are stored compressed though their media type is not: an `.svgz` is a
 * gzipped `image/svg+xml` (the database gives it that type). Such a file goes out with
 * `Content-Encoding` naming the coding it already has, as Apache's `AddEncoding gzip svgz` does
 * (RFC 9110 §8.4: codings beyond those inherent in the media type), and is never compressed
 * again.
 */
const STORED_CODINGS: ReadonlyMap<string, string> = new Map([["svgz", "gzip"]]);

/** The coding a file called `name` is stored in beyond its media type (`a.svgz`: gzip), or null. */
export function storedCodingFor(name: string): string | null {
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || dot === name.length - 1) return null;
  return STORED_CODINGS.get(name.slice(dot + 1).toLowerCase()) ?? null;
}

/** `text/*` always carries the UTF-8 charset (the database leaves a few text types without). */
function normalize(type: string): string {
  if (type.startsWith("text/") && !type.includes("charset=")) return `${type}; charset=utf-8`;
  return type;
}
