/** Server-Timing values in go-httpbin's format, and the pacing helpers behind /drip and /sse. */

import { jittered, parseJitter, pausePerWriteMs } from "../../src/httpbin/pacing.ts";
import { encodeServerTimings, formatMillis } from "../../src/httpbin/server_timing.ts";
import { assert, assertEquals } from "../support/assert.ts";

Deno.test("formatMillis writes two decimals, halves to even as Go's %0.2f", () => {
  const cases: Array<[number, string]> = [
    [0, "0.00"],
    [10, "10.00"],
    [100 / 9, "11.11"],
    [0.01, "0.01"], // 10us
    [0.000001, "0.00"], // 1ns
    [0.125, "0.12"], // exactly half: to even
    [0.135, "0.14"],
    [1234.5678, "1234.57"],
  ];
  for (const [ms, want] of cases) assertEquals(formatMillis(ms), want, String(ms));
});

Deno.test("encodeServerTimings joins name;dur;desc entries with a comma and space", () => {
  assertEquals(
    encodeServerTimings([
      { name: "a", ms: 1, desc: "first" },
      { name: "b", ms: 2.5, desc: "second" },
    ]),
    'a;dur=1.00;desc="first", b;dur=2.50;desc="second"',
  );
});

Deno.test("pausePerWriteMs divides by the gaps between writes, rounded up to a nanosecond", () => {
  assertEquals(pausePerWriteMs(100, 11), 10);
  assertEquals(pausePerWriteMs(100, 10), 11.111112);
  assertEquals(pausePerWriteMs(100, 1), 100);
  assertEquals(pausePerWriteMs(0, 5), 0);
});

Deno.test("parseJitter takes a decimal fraction from 0 to 1 only", () => {
  const ok: Array<[string, number]> = [["0", 0], ["1", 1], ["0.25", 0.25], [".5", 0.5], ["1.", 1]];
  for (const [t, want] of ok) assertEquals(parseJitter(t), want, t);
  for (const t of ["", ".", "-0.1", "1.5", "1.001", "1e-1", "NaN", "inf", "0x1", " 1"]) {
    assertEquals(parseJitter(t), null, t);
  }
});

Deno.test("jittered stays within ±jitter of the pause and never goes below 0", () => {
  assertEquals(jittered(10, 0), 10);
  for (let i = 0; i < 100; i++) {
    const j = jittered(10, 0.5);
    assert(j >= 5 && j <= 15, String(j));
    assert(jittered(10, 1) >= 0);
  }
});
