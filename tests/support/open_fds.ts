/**
 * Test support: how many descriptors this process has open, from `/proc/<pid>/fd` (Linux). Read
 * through `ls`, because Deno asks for every permission (`-A`) before it lets a program read
 * `/proc/self`, and the test task grants `--allow-run`, not `-A`.
 * @module
 */

/** Whether descriptors can be counted here. */
export const CAN_COUNT_FDS = Deno.build.os === "linux";

/** The number of descriptors this process has open (Linux only). */
export async function openFds(): Promise<number> {
  const out = await new Deno.Command("ls", { args: ["-1", `/proc/${Deno.pid}/fd`] }).output();
  if (!out.success) throw new Error(`ls /proc/${Deno.pid}/fd failed`);
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l !== "").length;
}

/**
 * How many of this process's descriptors point at `path` (Linux only). Unlike the total, this does
 * not move with the runtime's own descriptors (a worker's event fd, a pipe), so a test can pin
 * exactly the file it served.
 */
export async function openFdsTo(path: string): Promise<number> {
  const real = await Deno.realPath(path);
  const out = await new Deno.Command("ls", { args: ["-l", `/proc/${Deno.pid}/fd`] }).output();
  if (!out.success) throw new Error(`ls -l /proc/${Deno.pid}/fd failed`);
  return new TextDecoder().decode(out.stdout).split("\n")
    .filter((l) => l.endsWith(` -> ${real}`)).length;
}
