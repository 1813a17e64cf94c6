/**
 * When stat facts may be trusted: Deno's ctime has whole seconds and the kernel stamps it from a
 * clock that can lag ours, so facts read within that blur of a change are read again.
 */

import { describeFile, mayBeRacy } from "../../src/files/file_facts.ts";
import { assert } from "../support/assert.ts";

const CHANGED_AT_MS = Date.UTC(2026, 11, 6, 12, 0, 0); // a whole second, as Deno reports ctime

function factsLoadedAt(loadedAtMs: number) {
  const st = { size: 10, mtime: new Date(0), ctime: new Date(CHANGED_AT_MS), ino: 7 };
  const facts = describeFile("/x/small.txt", st as Deno.FileInfo, "text/plain", "");
  return { ...facts, loadedAtMs };
}

Deno.test("facts read within the second of their file's ctime are racy", () => {
  assert(mayBeRacy(factsLoadedAt(CHANGED_AT_MS + 400)));
});

Deno.test("facts read just past that second are still racy: a rewrite stamped by a lagging kernel clock keeps the old second", () => {
  // Read at :01.003; a rewrite at :01.008 stamped by a clock 10 ms behind carries :00 — every
  // field of its stat equal to the facts'.
  assert(mayBeRacy(factsLoadedAt(CHANGED_AT_MS + 1003)));
});

Deno.test("facts read seconds after the change are trusted while the stat is equal", () => {
  assert(!mayBeRacy(factsLoadedAt(CHANGED_AT_MS + 2500)));
});
