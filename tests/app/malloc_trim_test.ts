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
try {
  Deno.dlopen("libc.so.6", { getpid: { parameters: [], result: "i32" } });
  reopened = true;
} catch { /* refused */ }
const probe = { trim: trim !== null, ffiAfter, reopened };
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
  trim();
  probe.trimmed = rssKiB();
  probe.kept = kept.length;
}
console.log(JSON.stringify(probe));
`;

/** Runs the probe with `--allow-read` and, if `ffi`, `--allow-ffi`; never prompting. */
async function probe(ffi: boolean): Promise<Probe> {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/probe.js`;
    const url = (p: string) => new URL(p, import.meta.url).href;
    await Deno.writeTextFile(
      file,
      PROBE(url("../../src/app/malloc_trim.ts"), url("../../src/app/idle_memory.ts")),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "--allow-read", ...(ffi ? ["--allow-ffi"] : []), file],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, stderr);
    assertEquals(stderr, "", "the probe should print no warning or prompt");
    return JSON.parse(new TextDecoder().decode(out.stdout));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "openMallocTrim returns the free pages a collection left, and revokes FFI behind it",
  ignore: !LINUX,
  async fn() {
    const p = await probe(true);
    assert(p.trim, "glibc's malloc_trim should be reachable here");
    assert(p.ffiAfter !== "granted", `FFI should be revoked, is ${p.ffiAfter}`);
    assertEquals(p.reopened, false, "no library may be opened after the start");
    const freed = p.collected! - p.trimmed!;
    assert(freed >= 32 * 1024, `trimming should give back most of the 60 MiB freed: ${freed} KiB`);
  },
});

Deno.test({
  name: "openMallocTrim is null, quietly, without the FFI permission",
  ignore: !LINUX,
  async fn() {
    const p = await probe(false);
    assertEquals(p.trim, false);
    assertEquals(p.reopened, false);
  },
});
