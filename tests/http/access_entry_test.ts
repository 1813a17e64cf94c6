import { endReason } from "../../src/http/access_entry.ts";
import { assertEquals } from "../support/assert.ts";

Deno.test("endReason names a shutdown first, then a body timeout, else a client gone", () => {
  const cases: Array<[closedByShutdown: boolean, timedOut: boolean, expected: string]> = [
    [true, true, "shutdown"],
    [true, false, "shutdown"],
    [false, true, "timeout"],
    [false, false, "client-gone"],
  ];
  for (const [closedByShutdown, timedOut, expected] of cases) {
    assertEquals(
      endReason(closedByShutdown, timedOut),
      expected,
      `${closedByShutdown} ${timedOut}`,
    );
  }
});
