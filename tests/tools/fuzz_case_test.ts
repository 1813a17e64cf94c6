/**
 * The fuzzer's cases: a seed and an index always give the same bytes, splits and ending; a case
 * written to a file comes back byte for byte (with a fresh tus upload in place of the old one).
 */

import { assert, assertEquals } from "../support/assert.ts";
import { caseBytes, fromCaseFile, generateCase, toCaseFile } from "../../tools/fuzz/fuzz_case.ts";
import { corpus, serialize, TUS_ID_PLACEHOLDER } from "../../tools/fuzz/corpus.ts";

const IDS = ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"];

Deno.test("fuzz case i of a seed is the same every time, and differs from case i+1", () => {
  for (let i = 0; i < 200; i++) {
    const a = generateCase(7, i, IDS);
    const b = generateCase(7, i, IDS);
    assertEquals(caseBytes(a), caseBytes(b));
    assertEquals(a.writes.map((w) => w.delayMs), b.writes.map((w) => w.delayMs));
    assertEquals(a.ending, b.ending);
  }
  const distinct = new Set(
    Array.from(
      { length: 200 },
      (_, i) => new TextDecoder().decode(caseBytes(generateCase(7, i, IDS))),
    ),
  );
  assert(distinct.size > 190, `only ${distinct.size} distinct cases of 200`);
});

Deno.test("fuzz case file replays the same bytes, with the tus id swapped for a fresh one", () => {
  const index = Array.from({ length: 2000 }, (_, i) => i).find((i) =>
    new TextDecoder().decode(caseBytes(generateCase(3, i, IDS))).includes(IDS[0])
  )!;
  const c = generateCase(3, index, IDS);
  const file = JSON.parse(JSON.stringify(toCaseFile(c, "why")));
  assertEquals(caseBytes(fromCaseFile(file, IDS[0])), caseBytes(c));
  const fresh = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  const swapped = new TextDecoder().decode(caseBytes(fromCaseFile(file, fresh)));
  assert(swapped.includes(fresh) && !swapped.includes(IDS[0]));
});

Deno.test("fuzz corpus entries serialize as one valid request each, with no placeholder left but tus", () => {
  for (const { name, request } of corpus()) {
    const text = new TextDecoder().decode(serialize(request));
    assert(/^[A-Z]+ \S+ HTTP\/1\.[01]\r\n/.test(text), name);
    assert(text.includes("\r\n\r\n"), name);
    if (!name.startsWith("tus-patch") && !name.startsWith("tus-head")) {
      assert(!text.includes(TUS_ID_PLACEHOLDER), name);
    }
  }
});
