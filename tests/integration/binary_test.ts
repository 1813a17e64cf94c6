/**
 * The compiled binary: built with exactly the flags of `deno task compile` (the list in
 * .ci/compile.ts), started from a folder that has no www/ in it, it serves the embedded UI at /
 * and a shared folder at /files/, and stops on SIGTERM with exit code 0.
 *
 * `deno compile` needs its runtime (denort), which it downloads unless DENORT_BIN names one.
 * A quick probe compiles a one-line program first; when that cannot produce a working binary
 * (no network, or DENORT_BIN is not a denort), the test is skipped and says why. It is never
 * faked.
 */

import { join } from "node:path";
import { compileArgs, explainFailure, ROOT as ROOT_PATH } from "../../.ci/compile.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";
import { spawnWireserve } from "../support/wireserve_process.ts";

const ROOT = new URL("../../", import.meta.url);
/** Longest a compile may take (type check plus, the first time, the runtime download). */
const COMPILE_TIMEOUT_MS = 180_000;
/** The probe's compile: long enough for a cached runtime, short when the download hangs. */
const PROBE_TIMEOUT_MS = 60_000;
const PROBE_MARKER = "wireserve-compile-probe-ok";
const EXE = Deno.build.os === "windows" ? ".exe" : "";

/** Null when compiling works here, else the reason it does not. */
async function probeCompile(): Promise<string | null> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-probe-" });
  try {
    await Deno.writeTextFile(join(dir, "probe.ts"), `console.log("${PROBE_MARKER}");\n`);
    const out = join(dir, `probe${EXE}`);
    const built = await new Deno.Command(Deno.execPath(), {
      args: ["compile", "--no-config", "--output", out, join(dir, "probe.ts")],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    }).output();
    if (!built.success) {
      const err = new TextDecoder().decode(built.stderr);
      return explainFailure(err, Deno.build.target, Deno.env.get("DENORT_BIN"));
    }
    const ran = await new Deno.Command(out, {
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    }).output();
    if (!new TextDecoder().decode(ran.stdout).includes(PROBE_MARKER)) {
      return "a compiled program does not run its code (is DENORT_BIN a denort binary, not deno?)";
    }
    return null;
  } catch (err) {
    return `deno compile probe failed: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const SKIP_REASON = await probeCompile();
if (SKIP_REASON !== null) console.log(`binary_test: skipped: ${SKIP_REASON}`);

Deno.test({
  name: "the compiled binary serves the embedded UI at / and a folder at /files/",
  ignore: SKIP_REASON !== null,
  sanitizeResources: true,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "wireserve-binary-" });
    try {
      const binary = join(dir, `wireserve${EXE}`);
      const built = await new Deno.Command(Deno.execPath(), {
        args: compileArgs(null, binary),
        cwd: ROOT_PATH,
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(COMPILE_TIMEOUT_MS),
      }).output();
      assert(built.success, new TextDecoder().decode(built.stderr));
      const share = join(dir, "share");
      await Deno.mkdir(share);
      await Deno.writeTextFile(join(share, "note.txt"), "from the binary\n");
      // Run from a folder without www/: the UI must come from inside the binary.
      const p = spawnWireserve(["share", "--port", "0"], { binary, cwd: dir });
      const port = await p.port();
      const c = await RawClient.connect(port);
      try {
        await c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        const home = await c.readResponse();
        assertEquals(home?.status, 200);
        const index = await Deno.readTextFile(new URL("www/index.html", ROOT));
        assertEquals(home?.text, index);
        await c.send("GET /files/note.txt HTTP/1.1\r\nHost: t\r\n\r\n");
        const note = await c.readResponse();
        assertEquals(note?.status, 200);
        assertEquals(note?.text, "from the binary\n");
      } finally {
        c.close();
      }
      if (Deno.build.os !== "windows") p.child.kill("SIGTERM");
      else p.child.kill();
      const code = await p.exit();
      if (Deno.build.os !== "windows") assertEquals(code, 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
