/**
 * wireserve as a real process: it prints where it listens, serves, and exits 0 on SIGTERM after
 * closing idle connections; a bad flag exits 2 with one line.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** Starts `main.ts` with `args` and resolves once it printed its port. */
async function spawn(args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  let port = 0;
  const deadline = Date.now() + 20_000;
  while (port === 0 && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
    const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
    if (m) port = Number(m[1]);
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  const rest = (async () => {
    for (;;) {
      const { done } = await reader.read();
      if (done) return;
    }
  })();
  return { child, port, rest, out };
}

Deno.test({
  name: "process exits 0 on SIGTERM after closing an idle keep-alive connection",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const { child, port, rest } = await spawn(["--port", "0"]);
    assert(port > 0, "printed its port");
    const c = await RawClient.connect(port);
    try {
      await c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
      assertEquals((await c.readResponse())?.status, 200);
      child.kill("SIGTERM");
      assert(await c.closedByServer(5000), "idle connection closed by shutdown");
      const status = await child.status;
      assertEquals(status.code, 0);
    } finally {
      c.close();
      await rest;
      await child.stderr.cancel();
    }
  },
});

Deno.test("process exits 2 with one clear line on a bad flag", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--port", "99999"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(out.stderr).trim();
  assertEquals(out.code, 2);
  assertEquals(err.split("\n").length, 1, err);
  assert(err.includes("--port"), err);
});
