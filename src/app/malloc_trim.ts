/**
 * Gives the C allocator's free memory back to the system, where it can: glibc's `malloc_trim(0)`.
 *
 * V8 takes much of an isolate's memory outside its JavaScript heap through `malloc`: the
 * compiler's zones, ArrayBuffer backing stores, parser and code tables. glibc serves each thread
 * from its own arena and keeps what is freed there for the next `malloc`, so after a burst of load
 * and a full collection, megabytes that nothing uses stay resident in every worker's arena.
 * `malloc_trim(0)` walks all the arenas of the process, whichever thread calls it, and returns
 * their free pages (measured, four workers idle after load: 80.7 → 67.7 MiB anonymous RSS;
 * docs/memory.md). It runs only after an idle collection (idle_memory.ts), never on a request's
 * path, and off the JavaScript thread (a nonblocking FFI call): with many freed pages it takes tens
 * of milliseconds (64 MiB of holes: ~20 ms), which the main thread, relaying the workers' log lines
 * and service calls, must not spend blocked. Trims asked for while one runs become one more after it.
 *
 * It is reached through Deno's FFI, which needs `--allow-ffi` (the tasks and the binary grant it).
 * FFI can load any native code, so the permission is used once, here, as serving starts — in the
 * main thread, before a worker exists or a request is read — and then revoked for the whole
 * process, whether it was used or not: workers start without it, and with `--no-prompt` (the tasks
 * and the binary run with it) no code that runs later, ours or a library's, can open a native
 * library or ask for the permission back (not where the process may run any program anyway, as
 * under `-A`: see `openMallocTrim`). Workers ask the main thread to trim (a `collected` message).
 * Elsewhere — not Linux, a libc that is not glibc, FFI not granted — there is nothing to call and
 * nothing else changes. The permission is queried first, so a run without it never prompts.
 * @module
 */

/** glibc's shared library, by the name every glibc system resolves. */
const GLIBC = "libc.so.6";

/** Trims every malloc arena; resolves once a trim that began after the call has ended. */
export type MallocTrim = () => Promise<void>;

/**
 * Opens glibc's `malloc_trim` where it can, then revokes the FFI permission: the trim, or null
 * where there is none to call. Call it once, as serving starts.
 */
export function openMallocTrim(): MallocTrim | null {
  const trim = Deno.build.os === "linux" && granted("ffi") ? open() : null;
  // A process that may run any program (`-A`, `--allow-run`) gains no reach from FFI, and under
  // `-A` revoking it would end Deno's "all access", which reading /dev and /proc paths needs (a
  // shared folder in /dev/shm then answered 404 to everything): kept there.
  if (!granted("run")) {
    try {
      Deno.permissions.revokeSync({ name: "ffi" });
    } catch {
      // nothing to revoke
    }
  }
  return trim;
}

/** Whether `name` is granted unscoped. */
function granted(name: "ffi" | "run"): boolean {
  try {
    return Deno.permissions.querySync({ name }).state === "granted";
  } catch {
    return false;
  }
}

function open(): MallocTrim | null {
  let lib;
  try {
    lib = Deno.dlopen(
      GLIBC,
      {
        malloc_trim: { parameters: ["usize"], result: "i32", nonblocking: true },
      } as const,
    );
  } catch {
    return null; // no glibc (musl has no libc.so.6)
  }
  const symbols = lib.symbols;
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const trim = (): Promise<void> => {
    if (running === null) {
      running = symbols.malloc_trim(0n).then(() => {}, () => {}).finally(() => running = null);
      return running;
    }
    queued ??= running.then(() => {
      queued = null;
      return trim();
    });
    return queued;
  };
  return trim;
}
