/**
 * Bidi controls: one set, so a name a write accepts never shows as a code point in a listing,
 * and the web UI's copy of the set (www/js/format.js) is the server's.
 */

import { bidiControlPattern, isBidiControl } from "../../src/app/bidi_control.ts";
import { visibleName } from "../../src/files/listing_text.ts";
import { uploadNameProblem } from "../../src/uploads/upload_name.ts";
import { visibleName as uiVisibleName } from "../../www/js/format.js";
import { assertEquals } from "../support/assert.ts";

/** The UTF-16 code units, above the C0/C1 controls both sides treat as controls, of the BMP. */
const BMP_END = 0x10000;
const FIRST_AFTER_C1 = 0xa0;

Deno.test("isBidiControl holds the embeddings, overrides, isolates and the three marks", () => {
  const controls = [];
  for (let c = 0; c < BMP_END; c++) if (isBidiControl(c)) controls.push(c);
  assertEquals(controls, [
    0x061c,
    0x200e,
    0x200f,
    0x202a,
    0x202b,
    0x202c,
    0x202d,
    0x202e,
    0x2066,
    0x2067,
    0x2068,
    0x2069,
  ]);
  assertEquals("a\u200fb\u061c".replace(bidiControlPattern(), "!"), "a!b!");
});

Deno.test("a write refuses as a bidi control exactly what the listings and the UI show as a code point", () => {
  const mismatches: string[] = [];
  for (let c = FIRST_AFTER_C1; c < BMP_END; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue; // lone surrogates: not a character
    const name = `a${String.fromCharCode(c)}b`;
    const refused = uploadNameProblem(name, { platform: "posix" }) ===
      "bidirectional control in name";
    const shown = visibleName(name).includes("<U+");
    const shownByUi = uiVisibleName(name).includes("<U+");
    if (refused !== shown || shown !== shownByUi) {
      mismatches.push(`U+${c.toString(16)} refused=${refused} listing=${shown} ui=${shownByUi}`);
    }
  }
  assertEquals(mismatches, []);
});
