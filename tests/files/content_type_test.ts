/** Content-Type from file names: the database, charset on text, octet-stream otherwise. */

import { contentTypeFor, OCTET_STREAM } from "../../src/files/content_type.ts";
import { assertEquals } from "../support/assert.ts";

const CASES: Array<[string, string]> = [
  ["index.html", "text/html; charset=utf-8"],
  ["style.CSS", "text/css; charset=utf-8"],
  ["notes.txt", "text/plain; charset=utf-8"],
  ["app.js", "text/javascript; charset=utf-8"],
  ["data.json", "application/json; charset=utf-8"],
  ["logo.svg", "image/svg+xml"],
  ["photo.jpeg", "image/jpeg"],
  ["archive.tar.gz", "application/gzip"],
  ["file.unknownext", OCTET_STREAM],
  ["README", OCTET_STREAM],
  ["json", OCTET_STREAM],
  [".json", OCTET_STREAM],
  ["trailing.", OCTET_STREAM],
  // Source code shows as text, whatever the database says (or does not) of its extension.
  ["main.rs", "text/plain; charset=utf-8"],
  ["tool.py", "text/plain; charset=utf-8"],
  ["server.go", "text/plain; charset=utf-8"],
  ["App.TSX", "text/plain; charset=utf-8"],
  ["build.sh", "text/plain; charset=utf-8"],
  ["Cargo.toml", "text/plain; charset=utf-8"],
  // ...but `.ts` is an MPEG transport stream (HLS segments) for a player.
  ["segment0.ts", "video/mp2t"],
];

for (const [name, want] of CASES) {
  Deno.test(`contentTypeFor gives ${want} for ${JSON.stringify(name)}`, () => {
    assertEquals(contentTypeFor(name), want);
  });
}
