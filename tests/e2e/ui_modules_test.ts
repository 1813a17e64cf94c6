/**
 * The UI's pure modules (www/js/*.js) run under Deno without a browser: URL building for hostile
 * names, deep-link parsing, sizes, sorting, the failure messages, the inspector's header parser.
 * They need no Chromium, so they run everywhere.
 */

import { assertEquals } from "../support/assert.ts";
import { describeFailure } from "../../www/js/api.js";
import { sortEntries } from "../../www/js/browse.js";
import { formatBytes, formatSpeed, plural } from "../../www/js/format.js";
import { parseHeaderLines } from "../../www/js/inspector.js";
import {
  fileUrl,
  folderHash,
  folderUrl,
  segmentsFromHash,
  segmentsFromPath,
  uploadUrl,
} from "../../www/js/paths.js";

const HOSTILE_NAMES = [
  "plain.txt",
  "with space.txt",
  "100%.txt",
  "hash#tag.txt",
  "what?.txt",
  'quote"s.txt',
  "<b>&amp;<i>",
  "not/a/folder",
  "emoji 🎉.txt",
  "new\nline.txt",
  "slash\\back",
];

Deno.test("folderUrl and fileUrl encode every hostile name as one segment", () => {
  for (const name of HOSTILE_NAMES) {
    const url = fileUrl(["sub dir"], name);
    assertEquals(url.startsWith("/files/sub%20dir/"), true, url);
    const last = url.slice("/files/sub%20dir/".length);
    assertEquals(last.includes("/") || last.includes("#") || last.includes("?"), false, url);
    assertEquals(decodeURIComponent(last), name);
  }
  assertEquals(folderUrl([]), "/files/");
  assertEquals(folderUrl(["a", "b c"]), "/files/a/b%20c/");
});

Deno.test("uploadUrl keeps the folders of a relative path from a dropped folder", () => {
  assertEquals(uploadUrl(["docs"], "album/inner/b #1.txt"), "/files/docs/album/inner/b%20%231.txt");
});

Deno.test("segmentsFromHash reverses folderHash for hostile names", () => {
  for (const name of HOSTILE_NAMES) {
    assertEquals(segmentsFromHash(folderHash(["top", name])), ["top", name]);
  }
  assertEquals(folderHash([]), "#/");
  assertEquals(segmentsFromHash("#/"), []);
});

Deno.test("segmentsFromHash gives the root when the hash is not a folder link", () => {
  assertEquals(segmentsFromHash(""), []);
  assertEquals(segmentsFromHash("#listing"), []);
  assertEquals(segmentsFromHash("#/bad%E0%A4%A/"), []);
});

Deno.test("segmentsFromHash and segmentsFromPath drop dot segments and empty ones", () => {
  assertEquals(segmentsFromHash("#/a//./../b/%2e%2e/"), ["a", "b"]);
  assertEquals(segmentsFromPath("/a/../b//c/"), ["a", "b", "c"]);
});

Deno.test("formatBytes uses binary units with one decimal under ten", () => {
  assertEquals(formatBytes(0), "0 B");
  assertEquals(formatBytes(1023), "1023 B");
  assertEquals(formatBytes(1024), "1.0 KiB");
  assertEquals(formatBytes(1536), "1.5 KiB");
  assertEquals(formatBytes(150 * 1024 * 1024), "150 MiB");
  assertEquals(formatBytes(1024 ** 3), "1.0 GiB");
  assertEquals(formatBytes(-1), "");
  assertEquals(formatSpeed(2.5 * 1024 * 1024), "2.5 MiB/s");
  assertEquals(formatSpeed(0), "");
  assertEquals([plural(1, "file", "files"), plural(2, "file", "files")], ["1 file", "2 files"]);
});

Deno.test("sortEntries puts folders first whatever the key and order", () => {
  const at = (iso: string) => new Date(iso);
  const entries = () => [
    { name: "b.txt", folder: false, size: 10, mtime: at("2024-01-03T00:00:00Z") },
    { name: "Zeta", folder: true, size: 0, mtime: at("2024-01-01T00:00:00Z") },
    { name: "a10.txt", folder: false, size: 30, mtime: at("2024-01-01T00:00:00Z") },
    { name: "a9.txt", folder: false, size: 20, mtime: at("2024-01-02T00:00:00Z") },
    { name: "alpha", folder: true, size: 0, mtime: at("2024-01-05T00:00:00Z") },
  ];
  const names = (key: string, order: string) =>
    sortEntries(entries(), key, order).map((e) => e.name);
  assertEquals(names("name", "asc"), ["alpha", "Zeta", "a9.txt", "a10.txt", "b.txt"]);
  assertEquals(names("name", "desc"), ["Zeta", "alpha", "b.txt", "a10.txt", "a9.txt"]);
  assertEquals(names("size", "asc"), ["alpha", "Zeta", "b.txt", "a9.txt", "a10.txt"]);
  assertEquals(names("date", "desc"), ["alpha", "Zeta", "b.txt", "a9.txt", "a10.txt"]);
});

Deno.test("describeFailure names each refusal the UI can meet in the user's terms", () => {
  assertEquals(
    describeFailure(413, "", 1024),
    "Too large: the server accepts uploads up to 1.0 KiB.",
  );
  assertEquals(
    describeFailure(412, ""),
    "Already exists. Tick “Replace existing files” to overwrite it.",
  );
  assertEquals(
    describeFailure(409, "A file with this name exists and overwriting is disabled\n"),
    "Cannot store it: A file with this name exists and overwriting is disabled.",
  );
  assertEquals(describeFailure(409, ""), "Already exists, and the server does not replace it.");
  assertEquals(describeFailure(401, ""), "Sign-in needed: the server asks for credentials.");
  assertEquals(
    describeFailure(403, '{"error":"Writes are disabled (--read-only)"}'),
    "Not allowed: Writes are disabled (--read-only).",
  );
  assertEquals(
    describeFailure(403, ""),
    "Not allowed: the server is read-only or the folder is protected.",
  );
  assertEquals(describeFailure(507, ""), "The server's disk is full.");
  assertEquals(
    describeFailure(400, "Content-Digest mismatch\n"),
    "The server refused the request (Content-Digest mismatch).",
  );
  assertEquals(describeFailure(500, "<html>oops</html>"), "The server answered 500.");
});

Deno.test("describeFailure hints at the limit when the connection drops mid-upload", () => {
  assertEquals(
    describeFailure(0, "", 1024 * 1024),
    "The connection failed before the server answered. If the file is larger than 1.0 MiB, the server may have refused it.",
  );
});

Deno.test("parseHeaderLines reads Name: value lines and refuses a line without a colon", () => {
  assertEquals(parseHeaderLines("X-A: 1\r\n\nX-B:two: three\n"), [["X-A", "1"], [
    "X-B",
    "two: three",
  ]]);
  let message = "";
  try {
    parseHeaderLines("X-A: 1\nbroken");
  } catch (err) {
    message = (err as Error).message;
  }
  assertEquals(message, "Line 2 is not “Name: value”.");
});
