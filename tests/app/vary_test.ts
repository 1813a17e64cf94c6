/** One Vary line holding every name, whoever adds one (RFC 9110 §12.5.5). */

import { addVary } from "../../src/app/vary.ts";
import { assertEquals } from "../support/assert.ts";

Deno.test("addVary appends to the Vary line there is instead of adding a second", () => {
  const shared: [string, string] = ["Vary", "Accept"];
  const headers: Array<[string, string]> = [["Content-Type", "text/html"], shared];
  addVary(headers, "Accept-Encoding");
  assertEquals(headers, [["Content-Type", "text/html"], ["Vary", "Accept, Accept-Encoding"]]);
  assertEquals(shared, ["Vary", "Accept"], "a shared pair is replaced, not changed");
});

Deno.test("addVary adds a line when there is none and skips names listed already", () => {
  const headers: Array<[string, string]> = [];
  addVary(headers, "Origin");
  addVary(headers, "origin");
  assertEquals(headers, [["Vary", "Origin"]]);
  const star: Array<[string, string]> = [["vary", "*"]];
  addVary(star, "Accept");
  assertEquals(star, [["vary", "*"]]);
});
