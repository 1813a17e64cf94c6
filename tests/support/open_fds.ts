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
  const listing = await longListing(`/proc/${Deno.pid}/fd`);
  return listing.split("\n").filter((l) => l.endsWith(` -> ${real}`)).length;
}

/**
 * `ls -l` of a descriptor folder. A descriptor closed between `ls` reading the folder and reading
 * its link makes `ls` say "No such file or directory" and exit 1 with the rest listed: that
 * descriptor is closed, so the listing without it is a true count. Any other failure throws.
 */
async function longListing(dir: string): Promise<string> {
  const out = await new Deno.Command("ls", { args: ["-l", dir], env: { LC_ALL: "C" } }).output();
  const stderr = new TextDecoder().decode(out.stderr).split("\n").filter((l) => l !== "");
  const onlyVanished = out.code === 1 && stderr.length > 0 &&
    stderr.every((l) => l.endsWith("No such file or directory"));
  if (!out.success && !onlyVanished) {
    throw new Error(`ls -l ${dir} failed (${out.code}): ${stderr.join("; ")}`);
  }
  return new TextDecoder().decode(out.stdout);
}
