/**
 * Linux /proc readers: which process owns a listening socket, a process's resident memory and
 * CPU time, its open descriptors and its descriptor limit. Each returns null where /proc is unreadable.
 *
 * Deno 2.9 lets a program read /proc only under --allow-all, and `deno task bench` grants
 * narrower permissions, so reads fall back to `cat` and `find` (allowed by --allow-run).
 * Paths name the pid, never `self`: through a helper, `self` would be the helper.
 *
 * This module must not start or stop servers.
 * @module
 */

/** USER_HZ on every Linux architecture Deno runs on, when `getconf` is missing. */
const DEFAULT_CLOCK_TICKS_PER_SECOND = 100;
/** TCP state code for LISTEN in /proc/net/tcp. */
const TCP_LISTEN = "0A";

/** The pid in the tree rooted at `rootPid` that holds the socket listening on `port`. */
export async function listeningPid(rootPid: number, port: number): Promise<number | null> {
  const inodes = await listeningInodes(port);
  if (inodes.size === 0) return null;
  for (const pid of await processTree(rootPid)) {
    for (const target of await fdTargets(pid) ?? []) {
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m !== null && inodes.has(m[1])) return pid;
    }
  }
  return null;
}

/** Resident set size of `pid` in KiB (VmRSS), or null. */
export function rssKiB(pid: number): Promise<number | null> {
  return statusKiB(pid, "VmRSS");
}

/**
 * A `kB` line of `/proc/<pid>/status` (`VmRSS`, `RssAnon`, `VmHWM`, …), or null. `RssAnon` is the
 * resident memory that is the process's own (heaps, stacks, buffers), without the mapped
 * executable and shared libraries that `VmRSS` also counts.
 */
export async function statusKiB(pid: number, field: string): Promise<number | null> {
  const text = await readProc(`/proc/${pid}/status`);
  const m = text === null ? null : new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(text);
  return m === null ? null : Number(m[1]);
}

/**
 * CPU time `pid` and its descendants use now, user + system, in clock ticks, or null when `pid`'s
 * is unreadable. Each process's threads are summed by the kernel in `/proc/<pid>/stat`; the
 * descendants count too because nginx serves from worker processes under its master.
 * `clockTicksPerSecond` converts.
 */
export async function cpuTicks(pid: number): Promise<number | null> {
  let total = 0;
  for (const p of await processTree(pid)) {
    const text = await readProc(`/proc/${p}/stat`);
    const ticks = text === null ? null : parseCpuTicks(text);
    if (ticks === null && p === pid) return null;
    total += ticks ?? 0;
  }
  return total;
}

/**
 * utime + stime from a `/proc/<pid>/stat` line (fields 14 and 15, proc(5)). The command name in
 * field 2 is in parentheses and may hold spaces or parentheses itself, so fields are counted from
 * the last `)`. Null when the line is not that shape.
 */
export function parseCpuTicks(stat: string): number | null {
  const end = stat.lastIndexOf(")");
  if (end < 0) return null;
  // After ")": field 3 (state) is index 0, so field n is index n - 3.
  const fields = stat.slice(end + 1).trim().split(/\s+/);
  const utime = fields[14 - 3];
  const stime = fields[15 - 3];
  if (!/^\d+$/.test(utime ?? "") || !/^\d+$/.test(stime ?? "")) return null;
  return Number(utime) + Number(stime);
}

/** Clock ticks per second (`getconf CLK_TCK`; 100 on Linux unless the kernel says otherwise). */
export async function clockTicksPerSecond(): Promise<number> {
  const text = await helper("getconf", ["CLK_TCK"]);
  const n = text === null ? NaN : Number(text.trim());
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_CLOCK_TICKS_PER_SECOND;
}

/** Number of open file descriptors of `pid`, or null. */
export async function openFdCount(pid: number): Promise<number | null> {
  return (await fdTargets(pid))?.length ?? null;
}

/** Soft limit on open files of `pid` (default: this process), or null when unknown/unlimited. */
export async function fdSoftLimit(pid: number = Deno.pid): Promise<number | null> {
  const text = await readProc(`/proc/${pid}/limits`);
  const m = text === null ? null : /^Max open files\s+(\d+)/m.exec(text);
  return m === null ? null : Number(m[1]);
}

/** This process's arguments as the kernel saw them (executable first), or null. */
export async function ownCommandLine(): Promise<string[] | null> {
  const raw = await readProc(`/proc/${Deno.pid}/cmdline`);
  return raw === null ? null : raw.split("\0").filter((a) => a !== "");
}

/** Inodes of sockets listening on `port` (IPv4 and IPv6). */
async function listeningInodes(port: number): Promise<Set<string>> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = await readProc(file) ?? "";
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== TCP_LISTEN) continue;
      if (f[1].endsWith(`:${hexPort}`)) inodes.add(f[9]);
    }
  }
  return inodes;
}

/** `rootPid` and all its descendants, parents first. */
async function processTree(rootPid: number): Promise<number[]> {
  const out: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    out.push(pid);
    const children = await helper("find", [
      `/proc/${pid}/task`,
      "-mindepth",
      "2",
      "-maxdepth",
      "2",
      "-name",
      "children",
      "-exec",
      "cat",
      "{}",
      "+",
    ]) ?? "";
    for (const c of children.split(/\s+/)) if (/^\d+$/.test(c)) queue.push(Number(c));
  }
  return out;
}

/** Link targets of `pid`'s descriptors (`socket:[123]`, `/dev/null`, …), or null. */
async function fdTargets(pid: number): Promise<string[] | null> {
  const text = await helper("find", [`/proc/${pid}/fd`, "-mindepth", "1", "-printf", "%l\\n"]);
  return text === null ? null : text.split("\n").filter((l) => l !== "");
}

async function readProc(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotCapable)) return null;
  }
  return await helper("cat", [path]);
}

async function helper(cmd: string, args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout) : null;
  } catch {
    return null;
  }
}
