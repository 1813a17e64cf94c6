/**
 * Linux /proc readers: which process owns a listening socket, a process's resident memory,
 * its open descriptors and its descriptor limit. Each returns null where /proc is missing.
 *
 * This module must not start or stop processes.
 * @module
 */

/** TCP state code for LISTEN in /proc/net/tcp. */
const TCP_LISTEN = "0A";

/** The pid in the tree rooted at `rootPid` that holds the socket listening on `port`. */
export async function listeningPid(rootPid: number, port: number): Promise<number | null> {
  const inodes = await listeningInodes(port);
  if (inodes.size === 0) return null;
  for (const pid of await processTree(rootPid)) {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(`/proc/${pid}/fd`));
    } catch {
      continue;
    }
    for (const e of entries) {
      const target = await Deno.readLink(`/proc/${pid}/fd/${e.name}`).catch(() => "");
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m !== null && inodes.has(m[1])) return pid;
    }
  }
  return null;
}

/** Resident set size of `pid` in KiB (VmRSS), or null. */
export async function rssKiB(pid: number): Promise<number | null> {
  const text = await Deno.readTextFile(`/proc/${pid}/status`).catch(() => null);
  const m = text === null ? null : /^VmRSS:\s+(\d+) kB$/m.exec(text);
  return m === null ? null : Number(m[1]);
}

/** Number of open file descriptors of `pid`, or null. */
export async function openFdCount(pid: number): Promise<number | null> {
  try {
    return (await Array.fromAsync(Deno.readDir(`/proc/${pid}/fd`))).length;
  } catch {
    return null;
  }
}

/** Soft limit on open files of `pid` (or this process), or null when unknown or unlimited. */
export async function fdSoftLimit(pid: number | "self" = "self"): Promise<number | null> {
  const text = await Deno.readTextFile(`/proc/${pid}/limits`).catch(() => null);
  const m = text === null ? null : /^Max open files\s+(\d+)/m.exec(text);
  return m === null ? null : Number(m[1]);
}

/** This process's arguments as the kernel saw them (executable first), or null. */
export async function ownCommandLine(): Promise<string[] | null> {
  const raw = await Deno.readTextFile("/proc/self/cmdline").catch(() => null);
  return raw === null ? null : raw.split("\0").filter((a) => a !== "");
}

/** Inodes of sockets listening on `port` (IPv4 and IPv6). */
async function listeningInodes(port: number): Promise<Set<string>> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = await Deno.readTextFile(file).catch(() => "");
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
    let tasks: Deno.DirEntry[] = [];
    try {
      tasks = await Array.fromAsync(Deno.readDir(`/proc/${pid}/task`));
    } catch {
      continue;
    }
    for (const t of tasks) {
      const children = await Deno.readTextFile(`/proc/${pid}/task/${t.name}/children`)
        .catch(() => "");
      for (const c of children.split(" ")) if (c.trim() !== "") queue.push(Number(c));
    }
  }
  return out;
}
