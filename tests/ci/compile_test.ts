/**
 * `.ci/compile.ts`, the script behind every `deno task compile*`: the tasks all go through it
 * with a known target, its one flag list grants exactly the permissions the tests run wireserve
 * with, and a failed compile ends in one line on stderr, never deno's chain of causes and
 * backtrace. The failure samples are deno 2.9.6's stderr, captured offline.
 */

import { join } from "node:path";
import {
  binaryName,
  COMPILE_FLAGS,
  compileArgs,
  ENTRY,
  explainFailure,
  TARGETS,
  V8_FLAGS,
} from "../../.ci/compile.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { WIRESERVE_PERMISSIONS } from "../support/wireserve_process.ts";

const SCRIPT = new URL("../../.ci/compile.ts", import.meta.url).pathname;
const SCRIPT_PERMISSIONS = ["--allow-run", "--allow-read", "--allow-write", "--allow-env"];
const BACKTRACE = "\nStack backtrace:\n   0: <unknown>\n";

const DOWNLOAD_FAILED = "error: Writing deno compile executable to temporary file " +
  "'dist/wireserve.tmp-a8b77272de1444bb'\n\nCaused by:\n    0: Setting up base binary.\n" +
  "    1: error sending request for url (https://dl.deno.land/release/v2.9.6/" +
  "denort-x86_64-unknown-linux-gnu.zip): client error (Connect): dns error: failed to lookup " +
  "address information: Name or service not known\n    2: client error (Connect)\n" +
  "    3: dns error\n    4: failed to lookup address information: Name or service not known\n" +
  BACKTRACE;
const DENORT_MISSING = "error: Writing deno compile executable to temporary file " +
  "'/tmp/x.tmp-75d4ede8f1e627f3'\n\nCaused by:\n    0: Could not find denort at " +
  "'/nonexistent'\n    1: No such file or directory (os error 2)\n" + BACKTRACE;
const DENORT_NOT_A_BINARY = "error: Writing deno compile executable to temporary file " +
  "'/tmp/pp/y.tmp-794e79464c95e0e1'\n\nCaused by:\n    0: Writing binary bytes\n" +
  "    1: Invalid object: Not an ELF file\n" + BACKTRACE;
const TYPE_ERROR = "TS2322 [ERROR]: Type 'string' is not assignable to type 'number'.\n" +
  'const x: number = "s";\n      ^\n    at file:///tmp/bad.ts:1:7\n\n' +
  "error: Type checking failed.\n" + BACKTRACE;

const LINUX = "x86_64-unknown-linux-gnu";

Deno.test("explainFailure names DENORT_BIN in one line when the runtime download fails", () => {
  assertEquals(
    explainFailure(DOWNLOAD_FAILED, LINUX, undefined),
    `compile: could not download the Deno runtime (denort) for ${LINUX}: failed to lookup ` +
      "address information: Name or service not known; set DENORT_BIN to a local denort " +
      "binary to build offline",
  );
});

Deno.test("explainFailure blames DENORT_BIN when it names a missing file or not a denort", () => {
  const missing = explainFailure(DENORT_MISSING, LINUX, "/nonexistent");
  assert(missing.startsWith("compile: DENORT_BIN=/nonexistent is not a usable denort"), missing);
  assert(missing.includes("No such file or directory"), missing);
  const notBinary = explainFailure(DENORT_NOT_A_BINARY, LINUX, "/etc/hostname");
  assert(notBinary.includes("DENORT_BIN=/etc/hostname"), notBinary);
  assert(notBinary.includes("Not an ELF file"), notBinary);
});

Deno.test("explainFailure gives the first error line with its place for other failures", () => {
  assertEquals(
    explainFailure(TYPE_ERROR, LINUX, undefined),
    "compile: deno compile failed: TS2322 [ERROR]: Type 'string' is not assignable to type " +
      "'number'. (at file:///tmp/bad.ts:1:7)",
  );
  assertEquals(
    explainFailure(
      '\x1b[1m\x1b[31merror\x1b[0m: Module not found "file:///x/main.ts".\n',
      LINUX,
      "",
    ),
    'compile: deno compile failed: Module not found "file:///x/main.ts".',
  );
  assertEquals(explainFailure("", LINUX, undefined), "compile: deno compile failed: no output");
});

Deno.test("explainFailure never returns more than one line", () => {
  for (const stderr of [DOWNLOAD_FAILED, DENORT_MISSING, DENORT_NOT_A_BINARY, TYPE_ERROR]) {
    for (const denortBin of [undefined, "/x"]) {
      const line = explainFailure(stderr, LINUX, denortBin);
      assert(!line.includes("\n") && !line.includes("Caused by"), line);
    }
  }
});

Deno.test("the binary, `deno task start` and `dev` run with the same V8 flags", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  assert(COMPILE_FLAGS.includes(V8_FLAGS), "compile flags lack the V8 flags");
  for (const task of ["start", "dev"]) {
    const words = (config.tasks[task] as string).split(" ");
    // Before the script, or they would reach wireserve as its own arguments.
    assert(words.indexOf(V8_FLAGS) > 0, `${task} lacks ${V8_FLAGS}`);
    assert(words.indexOf(V8_FLAGS) < words.indexOf("main.ts"), `${task}: V8 flags after main.ts`);
  }
});

Deno.test("every compile task runs .ci/compile.ts, and compile:all builds the five targets", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  const tasks = Object.entries(config.tasks as Record<string, string>)
    .filter(([name]) => name === "compile" || name.startsWith("compile:"));
  const prefix = ["deno", "run", ...SCRIPT_PERMISSIONS, ".ci/compile.ts"];
  const targets: string[] = [];
  for (const [name, command] of tasks) {
    const words = command.trim().split(/\s+/);
    assertEquals(words.slice(0, prefix.length), prefix, name);
    const rest = words.slice(prefix.length);
    assert(rest.length <= 1, `${name}: at most one target`);
    if (name === "compile") assertEquals(rest, [], name);
    else if (name === "compile:all") assertEquals(rest, ["all"], name);
    else targets.push(rest[0]);
  }
  assertEquals(targets.toSorted(), [...TARGETS].toSorted());
});

Deno.test("the compile flags embed www/ and grant exactly the permissions the tests use", () => {
  const runtime = COMPILE_FLAGS.filter((f) =>
    /^--(allow|ignore)-/.test(f) || f === "--no-prompt" || f === "--unstable-net"
  );
  assertEquals(runtime, [...WIRESERVE_PERMISSIONS]);
  const included = COMPILE_FLAGS.flatMap((f, i) => COMPILE_FLAGS[i - 1] === "--include" ? [f] : []);
  assertEquals(included, ["www", "src/workers/worker_main.ts"]);
  const args = compileArgs("x86_64-pc-windows-msvc", "out/w.exe");
  assertEquals(args.slice(-3), ["--output", "out/w.exe", ENTRY]);
  assertEquals(args[args.indexOf("--target") + 1], "x86_64-pc-windows-msvc");
  assert(!compileArgs(null, "out/w").includes("--target"));
  assertEquals(binaryName(null), "wireserve");
  assertEquals(binaryName("aarch64-apple-darwin"), "wireserve-aarch64-apple-darwin");
  assertEquals(binaryName("x86_64-pc-windows-msvc"), "wireserve-x86_64-pc-windows-msvc.exe");
});

async function runScript(args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...SCRIPT_PERMISSIONS, SCRIPT, ...args],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test("compile.ts exits 1 with one line naming DENORT_BIN when it names no file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-compile-" });
  try {
    const denort = join(dir, "no-such-denort");
    const r = await runScript(["--out-dir", dir], { DENORT_BIN: denort, RUST_BACKTRACE: "1" });
    assertEquals(r.code, 1, r.stderr);
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    assertEquals(lines.length, 1, r.stderr);
    assert(lines[0].startsWith(`compile: DENORT_BIN=${denort} is not a usable denort`), lines[0]);
    assert(!/Caused by|backtrace|^error/i.test(r.stderr), r.stderr);
    assertEquals([...Deno.readDirSync(dir)], [], "nothing is left in the output folder");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compile.ts exits 2 with one line for an unknown target", async () => {
  const r = await runScript(["linux"], {});
  assertEquals(r.code, 2);
  assertEquals(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
  assert(r.stderr.startsWith('compile: unknown target "linux"; usage:'), r.stderr);
});
