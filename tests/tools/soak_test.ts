/**
 * The soak tool's own checks (`tools/soak/`): its help and usage errors, every action of the mixed
 * load run against a real wireserve child without an unexpected answer, and the hostile run's
 * exact-count check, which must see a connection count that did not come back.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { startServer } from "../support/server.ts";
import { testHandler } from "../support/test_handler.ts";
import { cli, SOAK_USAGE } from "../../tools/soak/main.ts";
import { makeFixture } from "../../tools/soak/fixture.ts";
import { ACTION_NAMES, type LoadCounts, runLoad } from "../../tools/soak/soak_load.ts";
import { countIsExact } from "../../tools/soak/hostile.ts";
import { startChildServer } from "../../tools/support/child_server.ts";

/**
 * The load runs at least this long, and on until every action has completed once (each loop's
 * picks are a fixed sequence: on a busy machine a loop may not reach a rare action in 5 s — a CI
 * run missed `drip` and `abort-chunked` so), but never past MAX_LOAD_MS.
 */
const LOAD_MS = 5000;
const MAX_LOAD_MS = 30_000;
const CLIENTS = 8;

/** Runs `fn` with console.log and console.error collected instead of printed. */
async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; printed: string }> {
  const lines: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => lines.push(a.join(" "));
  console.error = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    return { value: await fn(), printed: lines.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

Deno.test("soak --help prints the usage and exits 0", async () => {
  const { value, printed } = await quietly(() => cli(["--help"]));
  assertEquals(value, 0);
  assertEquals(printed, SOAK_USAGE);
  for (const flag of ["--minutes", "--workers", "--log", "--hostile", "--max-connections"]) {
    assert(SOAK_USAGE.includes(flag), `usage names ${flag}`);
  }
});

Deno.test("soak exits 2 with the usage on an unknown option or a bad number", async () => {
  const unknown = await quietly(() => cli(["--bogus"]));
  assertEquals(unknown.value, 2);
  assert(unknown.printed.includes("Usage: deno task soak"), unknown.printed);
  assertEquals((await quietly(() => cli(["--hostile", "--connections", "x"]))).value, 2);
});

Deno.test({
  name:
    "every soak action runs against a real server, with the access log on, without an unexpected answer",
  sanitizeResources: true,
  fn: async () => {
    const dir = await makeFixture();
    const server = await startChildServer(dir, ["--quiet", "--allow-delete", "--log", "common"]);
    const counts: LoadCounts = {
      requests: 0,
      unexpected: {},
      errors: {},
      serverErrors: 0,
      done: {},
    };
    const allDone = () => ACTION_NAMES.every((name) => (counts.done?.[name] ?? 0) > 0);
    try {
      const started = performance.now();
      const stop = () => {
        const ran = performance.now() - started;
        return ran >= MAX_LOAD_MS || (ran >= LOAD_MS && allDone());
      };
      await runLoad(server.port, CLIENTS, stop, counts);
    } finally {
      assertEquals(await server.stop(), 0, "exits 0 on SIGTERM");
    }
    const text = JSON.stringify(counts);
    assertEquals(counts.unexpected, {}, text);
    assertEquals(counts.errors, {}, text);
    assertEquals(counts.serverErrors, 0, text);
    const missing = ACTION_NAMES.filter((name) => (counts.done?.[name] ?? 0) === 0);
    assertEquals(missing, [], `actions that never completed: ${text}`);
    assert(server.stderr().trim() === "", `server stderr: ${server.stderr()}`);
  },
});

Deno.test("the hostile run's count check passes at the true limit and fails when the count is off", async () => {
  const limit = 6;
  const srv = startServer(testHandler, { maxConnections: limit, idleTimeoutMs: 5000 });
  // Each check closes its connections as it ends; the server sees them go a moment later.
  const drained = async () => {
    for (let i = 0; i < 100 && srv.server.connectionCount > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assertEquals(srv.server.connectionCount, 0);
  };
  try {
    assertEquals(await countIsExact(srv.port, limit), null);
    await drained();
    // A limit one higher than the server thinks: the extra connection is refused early.
    const high = await countIsExact(srv.port, limit + 1);
    assert(high?.includes("answered at once"), String(high));
    await drained();
    // One lower: the connection past it is served, so a count left below its truth shows.
    const low = await countIsExact(srv.port, limit - 1);
    assert(low?.includes("was not refused"), String(low));
  } finally {
    await srv.close();
  }
});
