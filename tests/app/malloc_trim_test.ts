/**
 * glibc's malloc_trim, opened once at start: it hands the C heap's free pages back after a
 * collection, and the FFI permission it needed is gone for the rest of the process.
 *
 * Each case runs in its own process, since opening it revokes the permission process-wide.
 */

import { assert, assertEquals } from "../support/assert.ts";

const LINUX = Deno.build.os === "linux";

/** What the probe process prints. */
interface Probe {
  trim: boolean;
  /** The FFI permission's state after openMallocTrim. */
  ffiAfter: string;
  /** Whether a library could still be opened after it. */
  reopened: boolean;
  /** Whether a /proc path could still be read after it (Deno wants every permission for one). */
  allAccess: boolean;
  /** Whether two trims asked for while one ran were folded into one. */
  queuedOnce?: boolean;
  /** RSS (KiB) after a collection that left 60 MiB of holes in malloc's arenas, and trimmed. */
  collected?: number;
  trimmed?: number;
}

const PROBE = (trimUrl: string, idleUrl: string) => `
import { openMallocTrim } from ${JSON.stringify(trimUrl)};
import { fullCollection } from ${JSON.stringify(idleUrl)};
const rssKiB = () => Math.round(Deno.memoryUsage().rss / 1024);
const trim = openMallocTrim();
const ffiAfter = Deno.permissions.querySync({ name: "ffi" }).state;
let reopened = false;
// On a terminal without --no-prompt this try would prompt itself: only the TTY probe skips it.
if (Deno.args[0] !== "no-reopen") {
  try {
    Deno.dlopen("libc.so.6", { getpid: { parameters: [], result: "i32" } });
    reopened = true;
  } catch { /* refused */ }
}
let allAccess = true; // what Deno asks of a /proc (or /dev) path
try {
  Deno.readTextFileSync("/proc/self/status");
} catch {
  allAccess = false;
}
const probe = { trim: trim !== null, ffiAfter, reopened, allAccess };
if (trim !== null) {
  // 64 MiB of ArrayBuffers small enough to come from malloc's arenas (under its 128 KiB mmap
  // threshold), one in 16 kept: the freed ones are holes that free() alone cannot give back.
  const kept = [];
  let all = [];
  for (let i = 0; i < 2048; i++) {
    const b = new Uint8Array(32 * 1024).fill(1);
    all.push(b);
    if (i % 16 === 0) kept.push(b);
  }
  all = [];
  fullCollection()();
  probe.collected = rssKiB();
  // Asked for three times at once: one trim runs, the other two become one more after it.
  const [first, second, third] = [trim(), trim(), trim()];
  probe.queuedOnce = second === third && first !== second;
  await Promise.all([first, second]);
  probe.trimmed = rssKiB();
  probe.kept = kept.length;
}
console.log(JSON.stringify(probe));
`;

/** How the probe runs. */
interface ProbeRun {
  /** Granted `--allow-ffi` (besides `--allow-read`). */
  ffi: boolean;
  /** Every permission (`-A`) instead. */
  all?: boolean;
  /**
   * On a terminal (util-linux `script`) and without `--no-prompt`, where Deno would prompt for
   * any permission asked for; else with `--no-prompt` and stdin closed, as the tasks run.
   */
  tty?: boolean;
}

/** Runs the probe and returns what it printed, checking it printed nothing else. */
async function probe({ ffi, all = false, tty = false }: ProbeRun): Promise<Probe> {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/probe.js`;
    const url = (p: string) => new URL(p, import.meta.url).href;
    await Deno.writeTextFile(
      file,
      PROBE(url("../../src/app/malloc_trim.ts"), url("../../src/app/idle_memory.ts")),
    );
    const perms = all ? ["--allow-all"] : ["--allow-read", ...(ffi ? ["--allow-ffi"] : [])];
    const [cmd, ...args] = tty
      ? [
        "script",
        "-qec",
        [Deno.execPath(), "run", ...perms, file, "no-reopen"].join(" "),
        "/dev/null",
      ]
      : [Deno.execPath(), "run", "--no-prompt", ...perms, file];
    const out = await new Deno.Command(cmd, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout).trim();
    const stderr = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, stdout + stderr);
    assertEquals(stderr, "", "the probe should print no warning or prompt");
    assert(/^\{[^\n]*\}$/.test(stdout), `only the probe's line, no prompt: ${stdout}`);
    return JSON.parse(stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "openMallocTrim returns the free pages a collection left, and revokes FFI behind it",
  ignore: !LINUX,
  async fn() {
    const p = await probe({ ffi: true });
    assert(p.trim, "glibc's malloc_trim should be reachable here");
    assert(p.ffiAfter !== "granted", `FFI should be revoked, is ${p.ffiAfter}`);
    assertEquals(p.reopened, false, "no library may be opened after the start");
    assertEquals(p.queuedOnce, true);
    const freed = p.collected! - p.trimmed!;
    assert(freed >= 32 * 1024, `trimming should give back most of the 60 MiB freed: ${freed} KiB`);
  },
});

Deno.test({
  name: "openMallocTrim is null without the FFI permission, and asks for it on no terminal",
  ignore: !LINUX,
  async fn() {
    const p = await probe({ ffi: false, tty: true });
    assertEquals(p.trim, false);
    assertEquals(p.ffiAfter, "prompt");
  },
});

Deno.test({
  name: "openMallocTrim keeps FFI under -A, where revoking it would lock /dev and /proc paths",
  ignore: !LINUX,
  async fn() {
    // Under -A every program may run anyway; a revoke there once made a share in /dev/shm 404.
    const p = await probe({ ffi: true, all: true });
    assert(p.trim);
    assertEquals(p.ffiAfter, "granted");
    assertEquals(p.allAccess, true);
  },
});
