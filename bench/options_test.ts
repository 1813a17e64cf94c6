import { DEFAULT_ROUNDS, parseBenchArgs } from "./options.ts";

function assertEquals(actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`Expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

function rounds(args: string[], env: Record<string, string> = {}): number | string {
  const parsed = parseBenchArgs(args, env);
  return parsed.kind === "run" ? parsed.options.rounds : parsed.kind;
}

Deno.test("parseBenchArgs reads --rounds, then BENCH_ROUNDS, then the default", () => {
  assertEquals(rounds(["--rounds", "5"], { BENCH_ROUNDS: "2" }), 5);
  assertEquals(rounds([], { BENCH_ROUNDS: "2" }), 2);
  assertEquals(rounds([]), DEFAULT_ROUNDS);
  assertEquals(rounds(["--rounds", "1"]), 1);
});

Deno.test("parseBenchArgs refuses a --rounds that is not a whole number from 1", () => {
  for (const bad of ["0", "-1", "1.5", "x", ""]) assertEquals(rounds(["--rounds", bad]), "error");
});
