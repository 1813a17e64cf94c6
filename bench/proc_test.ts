import { parseCpuTicks } from "./proc.ts";
import { V8_FLAGS } from "../.ci/compile.ts";
import { wireserveSpec } from "./servers.ts";

function assertEquals(actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`Expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

// A real /proc/<pid>/stat line (deno serving), with utime 1234 and stime 567 (fields 14 and 15).
const STAT = "4242 (deno) S 4200 4242 4200 34816 4242 4194560 3521 0 0 0 1234 567 0 0 20 0 " +
  "9 0 123456 1234567890 12345 18446744073709551615 1 1 0 0 0 0 0 16781312 17922 0 0 0 17 1 0 0";

Deno.test("parseCpuTicks adds utime and stime (fields 14 and 15)", () => {
  assertEquals(parseCpuTicks(STAT), 1234 + 567);
});

Deno.test("parseCpuTicks counts fields from the last ')' of a command name with spaces", () => {
  const tricky = STAT.replace("(deno)", "(a) b (c) d)");
  assertEquals(parseCpuTicks(tricky), 1234 + 567);
});

Deno.test("parseCpuTicks refuses a line that is not a stat line", () => {
  assertEquals(parseCpuTicks(""), null);
  assertEquals(parseCpuTicks("4242 (deno) S 1 2"), null);
});

Deno.test("wireserveSpec passes --workers, and --unstable-net only when more than one", () => {
  const one = wireserveSpec(undefined, 1).denoArgs;
  const two = wireserveSpec("/srv", 2).denoArgs;
  assertEquals([one.includes("--unstable-net"), one[one.indexOf("--workers") + 1]], [false, "1"]);
  assertEquals([two.includes("--unstable-net"), two[two.indexOf("--workers") + 1]], [true, "2"]);
  // Deno flags go before the script, or they reach wireserve as its own arguments.
  assertEquals(two.indexOf("--unstable-net") < two.indexOf("main.ts"), true);
  // The V8 flags `deno task start` and the binary run with.
  assertEquals(one.indexOf(V8_FLAGS) > 0 && one.indexOf(V8_FLAGS) < one.indexOf("main.ts"), true);
});
