/** Conditional-write decisions (RFC 9110 §13.2.2) and --no-overwrite, as a table. */

import { decideWrite } from "../../src/uploads/write_conditions.ts";
import { HeaderFields } from "../../src/http/header_fields.ts";
import { assertEquals } from "../support/assert.ts";

const CURRENT = { etag: '"5-abc-1"', lastModifiedMs: Date.UTC(2024, 0, 1) };
const OLD_DATE = "Sun, 31 Dec 2023 00:00:00 GMT";
const NEW_DATE = "Tue, 02 Jan 2024 00:00:00 GMT";

type Want = "proceed" | "proceed create-only" | "proceed recheck" | 409 | 412;

/** [case, fields, file exists, --no-overwrite, expected] */
const CASES: Array<[string, Array<[string, string]>, boolean, boolean, Want]> = [
  ["no conditions, new file", [], false, false, "proceed"],
  ["no conditions, replacing", [], true, false, "proceed"],
  ["If-None-Match * on a new name", [["If-None-Match", "*"]], false, false, "proceed create-only"],
  [
    "If-None-Match * with OWS on a new name",
    [["If-None-Match", " *\t"]],
    false,
    false,
    "proceed create-only",
  ],
  // NBSP is not OWS (RFC 9110 §5.6.3): `*\xA0` is not `*`, so the write is not create-only.
  [
    "If-None-Match *\xA0 on a new name",
    [["If-None-Match", "*\xA0"]],
    false,
    false,
    "proceed recheck",
  ],
  ["If-None-Match * on an existing file", [["If-None-Match", "*"]], true, false, 412],
  ["If-None-Match with the current tag", [["If-None-Match", '"5-abc-1"']], true, false, 412],
  [
    "If-None-Match with another tag",
    [["If-None-Match", '"other"']],
    true,
    false,
    "proceed recheck",
  ],
  ["If-Match with the current tag", [["If-Match", '"5-abc-1"']], true, false, "proceed recheck"],
  ["If-Match in a list", [["If-Match", '"x", "5-abc-1"']], true, false, "proceed recheck"],
  ["If-Match with a stale tag", [["If-Match", '"5-abc-0"']], true, false, 412],
  ["If-Match with a weak tag", [["If-Match", 'W/"5-abc-1"']], true, false, 412],
  ["If-Match on a missing file", [["If-Match", '"5-abc-1"']], false, false, 412],
  ["If-Match * on an existing file", [["If-Match", "*"]], true, false, "proceed recheck"],
  ["If-Match * on a missing file", [["If-Match", "*"]], false, false, 412],
  ["malformed If-Match", [["If-Match", "no-quotes"]], true, false, 412],
  ["If-Unmodified-Since before the change", [["If-Unmodified-Since", OLD_DATE]], true, false, 412],
  [
    "If-Unmodified-Since after the change",
    [["If-Unmodified-Since", NEW_DATE]],
    true,
    false,
    "proceed recheck",
  ],
  [
    "If-Unmodified-Since on a new name",
    [["If-Unmodified-Since", OLD_DATE]],
    false,
    false,
    "proceed recheck",
  ],
  ["--no-overwrite on a new name", [], false, true, "proceed create-only"],
  ["--no-overwrite on an existing file", [], true, true, 409],
  // RFC 9110 §13.2.1: the answer without the condition would be 409, so the condition is ignored.
  ["--no-overwrite and a failed If-Match", [["If-Match", '"zzz"']], true, true, 409],
  ["--no-overwrite and If-None-Match *", [["If-None-Match", "*"]], true, true, 409],
];

Deno.test("decideWrite follows the conditional-write table", () => {
  for (const [what, pairs, exists, noOverwrite, want] of CASES) {
    const fields = new HeaderFields();
    for (const [n, v] of pairs) fields.add(n, v);
    const d = decideWrite("PUT", fields, exists ? CURRENT : null, noOverwrite);
    const got: Want = d.kind === "refuse"
      ? d.status as 409 | 412
      : d.createOnly
      ? "proceed create-only"
      : d.recheck
      ? "proceed recheck"
      : "proceed";
    assertEquals(got, want, what);
  }
});
