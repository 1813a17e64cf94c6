/**
 * Gives the C allocator's free memory back to the system, where it can: glibc's `malloc_trim(0)`.
 *
 * V8 takes much of an isolate's memory outside its JavaScript heap through `malloc`: the
 * compiler's zones, ArrayBuffer backing stores, parser and code tables. glibc serves each thread
 * from its own arena and keeps what is freed there for the next `malloc`, so after a burst of load
 * and a full collection, megabytes that nothing uses stay resident in every worker's arena.
 * `malloc_trim(0)` walks all the arenas of the process, whichever thread calls it, and returns
 * their free pages (measured, four workers idle after load: 80.7 → 67.7 MiB anonymous RSS;
 * docs/memory.md). It takes well under a millisecond, and runs only after an idle collection
 * (idle_memory.ts), never on a request's path.
 *
 * It is reached through Deno's FFI, which needs `--allow-ffi` (the tasks and the binary grant it).
 * FFI can load any native code, so the permission is used once, here, at start — in the main
 * thread, before a worker exists or a request is read — and then revoked for the whole process:
 * no code that runs later, ours or a library's, can open a native library. Workers inherit the
 * revoked permission and ask the main thread to trim (a `collected` message). Elsewhere — not
 * Linux, a libc that is not glibc, FFI not granted — there is nothing to call and nothing else
 * changes. The permission is queried first, so a run without it never prompts.
 * @module
 */

/** glibc's shared library, by the name every glibc system resolves. */
const GLIBC = "libc.so.6";

/**
 * Opens glibc's `malloc_trim` and revokes the FFI permission: a function that trims every malloc
 * arena of the process, or null where there is none to call. Call it once, at start.
 */
export function openMallocTrim(): (() => void) | null {
  if (Deno.build.os !== "linux") return null;
  try {
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return null;
  } catch {
    return null;
  }
  try {
    const lib = Deno.dlopen(
      GLIBC,
      {
        malloc_trim: { parameters: ["usize"], result: "i32" },
      } as const,
    );
    return () => {
      lib.symbols.malloc_trim(0n);
    };
  } catch {
    return null; // no glibc (musl has no libc.so.6)
  } finally {
    Deno.permissions.revokeSync({ name: "ffi" });
  }
}
