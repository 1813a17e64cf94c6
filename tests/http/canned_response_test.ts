import { cannedBodyBytes, cannedErrorResponse } from "../../src/http/canned_response.ts";
import { ERROR_KINDS, type ErrorKind } from "../../src/http/errors.ts";
import { assertEquals } from "../support/assert.ts";

const decoder = new TextDecoder();

/** The bytes after the empty line of a canned response. */
function bodyOf(response: Uint8Array): string {
  const text = decoder.decode(response);
  return text.slice(text.indexOf("\r\n\r\n") + 4);
}

Deno.test("cannedBodyBytes counts the body each canned response carries, none for HEAD", () => {
  for (const kind of Object.keys(ERROR_KINDS) as ErrorKind[]) {
    const body = new TextEncoder().encode(bodyOf(cannedErrorResponse(kind, 0, false)));
    assertEquals(cannedBodyBytes(kind, false), body.length, kind);
    assertEquals(bodyOf(cannedErrorResponse(kind, 0, true)), "", kind);
    assertEquals(cannedBodyBytes(kind, true), 0, kind);
  }
});
