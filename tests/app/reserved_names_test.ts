/**
 * The server's reserved names: WebDAV's property folder and upload temp files are reserved,
 * ordinary names and other dotfiles are not.
 */

import { assertEquals } from "../support/assert.ts";
import { DAV_PROPS_FOLDER, isReservedName } from "../../src/app/reserved_names.ts";
import { tempNameFor } from "../../src/app/temp_name.ts";

Deno.test("isReservedName takes the property folder and temp names, nothing else", () => {
  const cases: Array<[string, boolean]> = [
    [DAV_PROPS_FOLDER, true],
    [".wireserve-dav", true],
    [tempNameFor("report.txt"), true],
    [".wireserve-dav2", false],
    ["wireserve-dav", false],
    [".env", false],
    ["report.txt", false],
    ["", false],
  ];
  for (const [name, reserved] of cases) assertEquals(isReservedName(name), reserved, name);
});
