/**
 * `Win32LastModifiedTime` values: an HTTP date with XML's white space (SP, HTAB, CR, LF) around
 * it, as a pretty-printed PROPPATCH body has it; any other space (a no-break space) makes it no
 * date.
 */

import { assertEquals } from "../support/assert.ts";
import { parseWin32Time } from "../../src/webdav/win32_times.ts";
import { parseMtimeProperty } from "../../src/webdav/mtime_properties.ts";

const AT = "Thu, 10 Jan 2019 12:10:26 GMT";
const MS = Date.UTC(2019, 0, 10, 12, 10, 26);

Deno.test("parseWin32Time takes XML white space around the date off, nothing else", () => {
  assertEquals(parseWin32Time(AT), MS);
  assertEquals(parseWin32Time(`\n    ${AT}\r\n\t`), MS);
  assertEquals(parseWin32Time(`${AT}\u00A0`), null);
  assertEquals(parseWin32Time(`\u00A0${AT}`), null);
});

Deno.test("{DAV:}lastmodified takes XML white space around its seconds off, nothing else", () => {
  const name = { ns: "DAV:", local: "lastmodified" };
  assertEquals(parseMtimeProperty(name, "\n  1547122226\r\n"), MS);
  assertEquals(parseMtimeProperty(name, "1547122226\u00A0"), null);
});
