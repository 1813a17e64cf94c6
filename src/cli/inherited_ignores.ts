/**
 * Which stop signals the process was started with set to "ignore", as `nohup` sets SIGHUP: Deno's
 * first signal listener resets that disposition, so `nohup wireserve &` stopped all the same when
 * its SSH session closed. The rule daemons keep (and what `nohup` promises): a signal inherited as
 * ignored stays ignored — heard, and let go (`main_io.ts`). Read before any listener is added,
 * on Linux: from glibc's `sigaction` through FFI (granted to the run tasks and the binary, which
 * may not read `/proc/self`: Deno asks all access for it), else from the kernel's `SigIgn` mask in
 * `/proc/self/status` (under `-A`); elsewhere, or when neither can be read: none.
 *
 * Only SIGHUP is kept ignored: a shell script's background job inherits SIGINT ignored too, and
 * such a job is still stopped with SIGINT by the script that started it.
 *
 * This module must not add or remove signal listeners.
 * @module
 */

import type { StopSignal } from "./main_io.ts";

/** SIGHUP's number, the bit `1 << (n - 1)` of the mask. */
const SIGHUP_NUMBER = 1;
const SIG_IGN_LINE = /^SigIgn:\s*([0-9a-fA-F]+)\s*$/m;

/** The stop signals `status` (the text of /proc/self/status) says are ignored. */
export function ignoredStopSignals(status: string): Set<StopSignal> {
  const ignored = new Set<StopSignal>();
  const m = SIG_IGN_LINE.exec(status);
  if (m === null) return ignored;
  // The mask is 64 bits of hex; SIGHUP is in its last digit.
  const low = parseInt(m[1].slice(-1), 16);
  if ((low & (1 << (SIGHUP_NUMBER - 1))) !== 0) ignored.add("SIGHUP");
  return ignored;
}

/** The stop signals this process inherited as ignored (Linux); none where it cannot tell. */
export function stopSignalsIgnoredAtStart(): Set<StopSignal> {
  if (Deno.build.os !== "linux") return new Set();
  const hup = sighupIgnoredByLibc();
  if (hup !== null) return new Set(hup ? ["SIGHUP"] : []);
  try {
    return ignoredStopSignals(Deno.readTextFileSync("/proc/self/status"));
  } catch {
    return new Set(); // not readable (permissions): behave as before
  }
}

/** glibc's `SIG_IGN`, the handler of an ignored signal. */
const SIG_IGN = 1n;
/** Room for a `struct sigaction` (152 bytes on x86_64 and aarch64 glibc), its handler first. */
const SIGACTION_BYTES = 256;

/** Whether SIGHUP's disposition is "ignore", asked of glibc; null when FFI or glibc is missing. */
function sighupIgnoredByLibc(): boolean | null {
  try {
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return null;
    const lib = Deno.dlopen(
      "libc.so.6",
      {
        sigaction: { parameters: ["i32", "pointer", "buffer"], result: "i32" },
      } as const,
    );
    try {
      const old = new Uint8Array(SIGACTION_BYTES);
      if (lib.symbols.sigaction(SIGHUP_NUMBER, null, old) !== 0) return null;
      return new DataView(old.buffer).getBigUint64(0, true) === SIG_IGN;
    } finally {
      lib.close();
    }
  } catch {
    return null; // no FFI, or no glibc (musl has no libc.so.6)
  }
}
