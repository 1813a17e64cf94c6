/**
 * The per-connection phase timer: arming, an interrupting write that hands the interrupted wait
 * its own deadline back, and expiry reported with the phase that ran out.
 */

import { assertEquals } from "../support/assert.ts";
import { DeadlineClock } from "../../src/http/deadline_clock.ts";
import { type Phase, PhaseTimer } from "../../src/http/phase_timer.ts";

Deno.test("phase timer arms a deadline from the given clock reading and disarms to none", () => {
  const timer = new PhaseTimer(() => {});
  timer.arm("idle", 5000, 1000);
  assertEquals([timer.phase, timer.deadline], ["idle", 6000]);
  timer.disarm();
  assertEquals([timer.phase, timer.deadline], ["none", 0]);
});

Deno.test("phase timer arms from now when no clock reading is given", () => {
  const timer = new PhaseTimer(() => {});
  const before = Date.now();
  timer.arm("head", 100);
  const after = Date.now();
  assertEquals(timer.deadline >= before + 100 && timer.deadline <= after + 100, true);
});

Deno.test("phase timer gives an interrupted wait back its own deadline when a write ends", () => {
  const timer = new PhaseTimer(() => {});
  timer.arm("head", 10_000, 50);
  timer.interrupt("write", 60_000);
  assertEquals(timer.phase, "write");
  assertEquals(timer.deadline > 60_000, true, "the write runs on its own clock");
  timer.resume();
  assertEquals([timer.phase, timer.deadline], ["head", 10_050]);
});

Deno.test("phase timer reports the phase that ran out when the clock expires it", () => {
  const seen: Phase[] = [];
  const timer = new PhaseTimer((phase) => seen.push(phase));
  const clock = new DeadlineClock(1000);
  clock.add(timer);
  timer.arm("body", 10, 0);
  clock.sweep(9);
  assertEquals([seen, timer.expired], [[], "none"], "not before its deadline");
  clock.sweep(10);
  assertEquals([seen, timer.expired], [["body"], "body"]);
  clock.sweep(20);
  assertEquals(seen, ["body"], "once");
  clock.delete(timer);
});
