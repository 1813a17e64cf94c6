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

/**
 * How many of this process's descriptors are TCP sockets with `port` at either end (Linux only):
 * a server's accepted connections and its own clients', never the listener. Unlike the total,
 * this does not move with other tests' sockets when test files run side by side in one process
 * (`deno test --parallel`), nor with the runtime's own descriptors.
 */
export async function openSocketsOn(port: number): Promise<number> {
  const table = await new Deno.Command("cat", { args: ["/proc/net/tcp", "/proc/net/tcp6"] })
    .output();
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const line of new TextDecoder().decode(table.stdout).split("\n")) {
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] === LISTEN_STATE || f[9] === "0") continue;
    if (f[1].endsWith(`:${hexPort}`) || f[2].endsWith(`:${hexPort}`)) inodes.add(f[9]);
  }
  const listing = await longListing(`/proc/${Deno.pid}/fd`);
  return listing.split("\n").filter((l) => {
    const m = / -> socket:\[(\d+)\]$/.exec(l);
    return m !== null && inodes.has(m[1]);
  }).length;
}

/** The `st` column of a listening socket in `/proc/net/tcp`. */
const LISTEN_STATE = "0A";
