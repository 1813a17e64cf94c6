/**
 * `--workers` against the machine: `auto` is one per CPU only where the kernel balances a shared
 * port (Linux), a count is 1 to MAX_WORKERS, and more than one worker is refused elsewhere.
 */

import type { RawValue } from "../../src/cli/args.ts";
import { BadValue, OptionReader } from "../../src/cli/option_reader.ts";
import { MAX_WORKERS, type SystemFacts, workerCount } from "../../src/cli/worker_count.ts";
import { assert, assertEquals } from "../support/assert.ts";

const LINUX_8: SystemFacts = { os: "linux", cpus: 8 };
const MAC_8: SystemFacts = { os: "darwin", cpus: 8 };

function reader(workers?: string): OptionReader {
  const values = new Map<string, RawValue>();
  if (workers !== undefined) {
    values.set("workers", { value: workers, source: "--workers", fromFlag: true });
  }
  return new OptionReader(values);
}

function refusal(workers: string, system: SystemFacts): string {
  try {
    workerCount(reader(workers), system);
  } catch (err) {
    assert(err instanceof BadValue, String(err));
    return err.message;
  }
  throw new Error(`expected --workers ${workers} to be refused on ${system.os}`);
}

Deno.test("workerCount takes one per CPU for auto or unset only where the port is balanced", () => {
  assertEquals(workerCount(reader(), LINUX_8), 8);
  assertEquals(workerCount(reader("auto"), LINUX_8), 8);
  assertEquals(workerCount(reader("auto"), { os: "linux", cpus: 0 }), 1);
  assertEquals(workerCount(reader(), MAC_8), 1);
  assertEquals(workerCount(reader("auto"), { os: "windows", cpus: 4 }), 1);
});

Deno.test("workerCount reads auto in any case and a count with spaces around it", () => {
  for (const auto of ["AUTO", "Auto", " auto "]) {
    assertEquals(workerCount(reader(auto), LINUX_8), 8);
  }
  assertEquals(workerCount(reader(" 3 "), LINUX_8), 3);
});

Deno.test("workerCount takes a count from 1 to MAX_WORKERS", () => {
  assertEquals(workerCount(reader("1"), LINUX_8), 1);
  assertEquals(workerCount(reader("3"), LINUX_8), 3);
  assertEquals(workerCount(reader(String(MAX_WORKERS)), LINUX_8), MAX_WORKERS);
  assertEquals(workerCount(reader("1"), MAC_8), 1);
});

Deno.test("workerCount refuses counts out of range and more than one unbalanced worker", () => {
  for (const bad of ["0", String(MAX_WORKERS + 1), "two", "-1", "1.5"]) {
    assertEquals(
      refusal(bad, LINUX_8),
      `--workers: expected auto or a number from 1 to ${MAX_WORKERS}, got ${JSON.stringify(bad)}`,
    );
  }
  assertEquals(
    refusal("2", MAC_8),
    "--workers: more than 1 worker needs a port the system shares out (SO_REUSEPORT on Linux); " +
      "on darwin use 1",
  );
});
