/**
 * Ports, sizes, durations and switches as the options take them: accepted forms with their
 * values, and refused forms.
 */

import {
  formatDuration,
  formatSize,
  isAuto,
  MAX_DURATION_MS,
  parseCount,
  parseDurationMs,
  parsePort,
  parseSize,
  parseSwitch,
} from "../../src/cli/parse_values.ts";
import { assertEquals } from "../support/assert.ts";

const KIB = 1024;
const MIB = KIB * KIB;
const GIB = KIB * MIB;

Deno.test("parseCount accepts whole numbers from 1 written in digits", () => {
  assertEquals(parseCount("1"), 1);
  assertEquals(parseCount("4096"), 4096);
  assertEquals(parseCount("999999999"), 999_999_999);
});

Deno.test("parseCount refuses zero, signs, fractions, inner spaces and huge numbers", () => {
  for (const bad of ["0", "-1", "+5", "1.5", "1 0", " ", "1e3", "", "1000000000"]) {
    assertEquals(parseCount(bad), null, bad);
  }
});

Deno.test("parsePort accepts 0 to 65535 written in digits", () => {
  assertEquals(parsePort("0"), 0);
  assertEquals(parsePort("8000"), 8000);
  assertEquals(parsePort("65535"), 65535);
});

Deno.test("parsePort refuses out-of-range, signed, inner-spaced and non-decimal ports", () => {
  for (const bad of ["65536", "99999", "-1", "+80", "8 0", " ", "0x50", "8e3", "", "123456"]) {
    assertEquals(parsePort(bad), null, bad);
  }
});

Deno.test("parseSize reads binary units with optional B or iB", () => {
  const cases: Array<[string, number]> = [
    ["1024", 1024],
    ["0", 0],
    ["64K", 64 * KIB],
    ["64k", 64 * KIB],
    ["500M", 500 * MIB],
    ["500MB", 500 * MIB],
    ["500MiB", 500 * MIB],
    ["2G", 2 * GIB],
    ["1.5G", 1.5 * GIB],
    ["1.3G", Math.floor(1.3 * GIB)],
    ["1T", KIB * GIB],
  ];
  for (const [text, want] of cases) assertEquals(parseSize(text), want, text);
});

Deno.test("parseSize refuses fractions of a byte, negatives, unknown units and junk", () => {
  for (const bad of ["1.5", "-1", "1P", "1 G", "G", "", "1e9", "0x10", "1GG", "M1"]) {
    assertEquals(parseSize(bad), null, bad);
  }
});

Deno.test("parseDurationMs reads seconds by default and ms, s, m, h units", () => {
  const cases: Array<[string, number]> = [
    ["30", 30_000],
    ["1.5", 1500],
    ["0", 0],
    ["500ms", 500],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["0.0005", 0],
  ];
  for (const [text, want] of cases) assertEquals(parseDurationMs(text), want, text);
});

Deno.test("parseDurationMs refuses fractions of a millisecond, negatives, junk and overflow", () => {
  for (const bad of ["1.5ms", "-1", "5 s", "5d", "s", "", "1e3", "10S"]) {
    assertEquals(parseDurationMs(bad), null, bad);
  }
  assertEquals(parseDurationMs(`${MAX_DURATION_MS}ms`), MAX_DURATION_MS);
  assertEquals(parseDurationMs(`${MAX_DURATION_MS + 1}ms`), null);
});

Deno.test("every value kind ignores surrounding whitespace, as switches always did", () => {
  for (const pad of [[" ", ""], ["", " "], ["\t", "\n"], ["  ", "  "]]) {
    const padded = (text: string) => pad[0] + text + pad[1];
    assertEquals(parsePort(padded("21301")), 21301, JSON.stringify(padded("21301")));
    assertEquals(parseCount(padded("4")), 4);
    assertEquals(parseSize(padded("64K")), 64 * KIB);
    assertEquals(parseDurationMs(padded("5s")), 5000);
    assertEquals(parseSwitch(padded("yes")), true);
    assertEquals(isAuto(padded("auto")), true);
  }
});

Deno.test("isAuto reads auto in any case and nothing else", () => {
  for (const auto of ["auto", "AUTO", "Auto", " aUtO "]) assertEquals(isAuto(auto), true, auto);
  for (const bad of ["", "au to", "automatic", "0", "1"]) assertEquals(isAuto(bad), false, bad);
});

Deno.test("parseSwitch reads the usual words for on and off in any case", () => {
  for (const on of ["1", "true", "TRUE", "yes", "on"]) assertEquals(parseSwitch(on), true, on);
  for (const off of ["0", "false", "No", "off"]) assertEquals(parseSwitch(off), false, off);
  for (const bad of ["", "2", "maybe", "y"]) assertEquals(parseSwitch(bad), null, bad);
});

Deno.test("formatSize writes sizes the way parseSize reads them back", () => {
  assertEquals(formatSize(GIB), "1G");
  assertEquals(formatSize(1536), "1.5K");
  assertEquals(formatSize(100 * MIB), "100M");
  assertEquals(formatSize(1000), "1000");
  for (const n of [GIB, 1536, 100 * MIB, 1000, 0]) assertEquals(parseSize(formatSize(n)), n);
});

Deno.test("formatDuration writes durations the way parseDurationMs reads them back", () => {
  assertEquals(formatDuration(10_000), "10s");
  assertEquals(formatDuration(1500), "1.5s");
  assertEquals(formatDuration(250), "250ms");
  assertEquals(formatDuration(120_000), "2m");
  assertEquals(formatDuration(3_600_000), "1h");
  for (const n of [10_000, 1500, 250, 120_000, 3_600_000]) {
    assertEquals(parseDurationMs(formatDuration(n)), n);
  }
});
