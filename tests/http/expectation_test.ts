/**
 * The Expect decision (RFC 9110 §10.1.1), on heads parsed from raw bytes.
 */

import { assertEquals } from "../support/assert.ts";
import { HttpError } from "../../src/http/errors.ts";
import { waitsForContinue } from "../../src/http/expectation.ts";
import { readRequestHead } from "../../src/http/head_reader.ts";
import { makeLimits } from "../../src/http/limits.ts";
import type { RequestHead } from "../../src/http/request_head.ts";
import { bytes, readerOver } from "./byte_feed.ts";

async function head(version: string, fields: string[]): Promise<RequestHead> {
  const raw = `PUT /files/a ${version}\r\nHost: a\r\n${fields.map((f) => f + "\r\n").join("")}\r\n`;
  const parsed = await readRequestHead(readerOver([bytes(raw)]), makeLimits());
  if (parsed === null || parsed instanceof HttpError) throw new Error(`did not parse: ${raw}`);
  return parsed;
}

const outcome = (r: boolean | HttpError) => r instanceof HttpError ? r.kind : r;

Deno.test("expectation: none without an Expect field", async () => {
  assertEquals(outcome(waitsForContinue(await head("HTTP/1.1", []))), false);
});

Deno.test("expectation: 100-continue, in any case, waits for 100 in HTTP/1.1", async () => {
  for (const value of ["100-continue", "100-Continue", "100-CONTINUE"]) {
    assertEquals(outcome(waitsForContinue(await head("HTTP/1.1", [`Expect: ${value}`]))), true);
  }
});

Deno.test("expectation: 100-continue is ignored in HTTP/1.0 (its client cannot read a 1xx)", async () => {
  assertEquals(outcome(waitsForContinue(await head("HTTP/1.0", ["Expect: 100-continue"]))), false);
});

Deno.test("expectation: a list of 100-continue members only, on one line or several, waits for 100", async () => {
  for (
    const fields of [
      ["Expect: 100-continue, 100-continue"],
      ["Expect: 100-continue", "Expect: 100-continue"],
      ["Expect: ,100-continue , \t"],
      ["Expect:", "Expect: 100-CONTINUE"],
    ]
  ) {
    assertEquals(outcome(waitsForContinue(await head("HTTP/1.1", fields))), true, String(fields));
  }
});

Deno.test("expectation: an empty Expect list expects nothing (RFC 9110 §5.6.1), not 417", async () => {
  for (const fields of [["Expect:"], ["Expect: ,"], ["Expect:  , \t,"], ["Expect:", "Expect:"]]) {
    assertEquals(outcome(waitsForContinue(await head("HTTP/1.1", fields))), false, String(fields));
  }
});

Deno.test("expectation: any member other than 100-continue cannot be met (417)", async () => {
  for (
    const fields of [
      ["Expect: 200-ok"],
      ["Expect: 100-continue, foo"],
      ["Expect: 100-continue", "Expect: foo"],
      ["Expect: 100-continue;x=1"],
      ["Expect: 100-continue\xa0"],
    ]
  ) {
    assertEquals(
      outcome(waitsForContinue(await head("HTTP/1.1", fields))),
      "expectationFailed",
      String(fields),
    );
  }
  assertEquals(
    outcome(waitsForContinue(await head("HTTP/1.0", ["Expect: foo"]))),
    "expectationFailed",
  );
});
