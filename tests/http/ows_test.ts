import { trimOws } from "../../src/http/ows.ts";
import { assertEquals } from "../support/assert.ts";

Deno.test("trimOws strips only spaces and tabs at both ends", () => {
  const cases: Array<[string, string]> = [
    ["", ""],
    ["a", "a"],
    [" \ta b\t ", "a b"],
    ["\t\t", ""],
    ["chunked\xA0", "chunked\xA0"], // NBSP is a byte of the value, not whitespace
    ["\r\nx\n", "\r\nx\n"], // only SP and HTAB are OWS
  ];
  for (const [input, want] of cases) assertEquals(trimOws(input), want, JSON.stringify(input));
});
