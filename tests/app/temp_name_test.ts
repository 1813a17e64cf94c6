/** Temp names: the contract between the features that write files and the ones that serve them. */

import { isTempFileName, TEMP_NAME_KEEP_BYTES, tempNameFor } from "../../src/app/temp_name.ts";
import { assert, assertEquals } from "../support/assert.ts";

Deno.test("tempNameFor makes hidden names that isTempFileName knows, fresh each time", () => {
  const a = tempNameFor("report.txt");
  const b = tempNameFor("report.txt");
  assert(a.startsWith(".report.txt.wireserve-") && a.endsWith(".tmp"), a);
  assert(a !== b);
  assertEquals(isTempFileName(a), true);
});

Deno.test("isTempFileName refuses names that only look close", () => {
  for (
    const name of [
      "report.txt",
      ".report.txt",
      ".report.txt.wireserve-0123.tmp",
      "report.txt.wireserve-0123456789abcdef.tmp",
      ".report.txt.wireserve-0123456789ABCDEF.tmp",
      ".report.txt.wireserve-0123456789abcdef.tmp.x",
    ]
  ) assertEquals(isTempFileName(name), false, name);
});

Deno.test("tempNameFor keeps whole characters of a long name under the 255-byte limit", () => {
  const name = tempNameFor("é".repeat(200));
  assert(new TextEncoder().encode(name).length <= 255, name);
  assertEquals(name.slice(1, name.indexOf(".wireserve-")), "é".repeat(TEMP_NAME_KEEP_BYTES / 2));
});
