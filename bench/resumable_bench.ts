/**
 * The resumable-upload benchmark (issue 15): a 256 MiB file sent to wireserve as a tus upload in
 * 4 MiB PATCHes on one kept-alive connection, against the same file as one plain `PUT` to the
 * same server in the same run, into a folder on tmpfs (/dev/shm, so the server and not the disk
 * is measured). Both go through the same small raw-TCP client here, which holds the source in
 * memory and writes it in 1 MiB slices (no file reads of its own between PATCHes), so the
 * comparison is of the server's two paths, not of two clients. Rounds
 * alternate and the best of each counts. The server's peak RSS growth during each upload is read
 * from VmHWM (reset through `/proc/<pid>/clear_refs` before it).
 *
 * Floors (the issue): resumable ≥ 0.9× the plain PUT; peak RSS growth ≤ 32 MiB.
 *
 * Run: `deno run -A bench/resumable_bench.ts [--rounds 3]`; writes bench/results/resumable.md.
 * @module
 */

import { parseArgs } from "node:util";
import { type RunningServer, type ServerSpec, startServer, wireserveSpec } from "./servers.ts";

const REPO_ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname);
const RESULTS_FILE = decodeURIComponent(new URL("results/resumable.md", import.meta.url).pathname);
const MIB = 1024 * 1024;
const UPLOAD_BYTES = 256 * MIB;
const PATCH_BYTES = 4 * MIB;
const WRITE_BYTES = 1 * MIB;
const TMPFS = "/dev/shm";
const DEFAULT_ROUNDS = 3;
const SETTLE_MS = 500;
/** The most `crypto.getRandomValues` fills at once. */
const RANDOM_BYTES_PER_CALL = 65536;
const RESET_PEAK = "5";
const FLOOR = 0.9;
const MAX_GROWTH_MIB = 32;
const KIB_PER_MIB = 1024;
const BYTES_PER_MB = 1e6;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A kept-alive raw connection that sends heads and file slices and reads short answers. */
class RawClient {
  #conn: Deno.TcpConn;
  #buf = new Uint8Array(0);
  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }
  static async connect(port: number): Promise<RawClient> {
    return new RawClient(await Deno.connect({ hostname: "127.0.0.1", port }));
  }
  async writeAll(bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.length;) at += await this.#conn.write(bytes.subarray(at));
  }
  /** Sends `head`, then `data` in slices of `WRITE_BYTES`. */
  async send(head: string, data: Uint8Array) {
    await this.writeAll(encoder.encode(head));
    for (let at = 0; at < data.length; at += WRITE_BYTES) {
      await this.writeAll(data.subarray(at, Math.min(at + WRITE_BYTES, data.length)));
    }
  }
  /** One answer: status and fields (bodies are read and dropped by Content-Length). */
  async answer(): Promise<{ status: number; fields: Map<string, string> }> {
    for (;;) {
      const text = decoder.decode(this.#buf);
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        const lines = text.slice(0, end).split("\r\n");
        const fields = new Map(
          lines.slice(1).map((l) => {
            const i = l.indexOf(":");
            return [l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()] as [string, string];
          }),
        );
        const length = Number(fields.get("content-length") ?? "0");
        if (this.#buf.length >= end + 4 + length) {
          this.#buf = this.#buf.slice(end + 4 + length);
          return { status: Number(lines[0].split(" ")[1]), fields };
        }
      }
      const chunk = new Uint8Array(64 * 1024);
      const n = await this.#conn.read(chunk);
      if (n === null) throw new Error("connection closed");
      const grown = new Uint8Array(this.#buf.length + n);
      grown.set(this.#buf);
      grown.set(chunk.subarray(0, n), this.#buf.length);
      this.#buf = grown;
    }
  }
  close(): void {
    this.#conn.close();
  }
}

/** A plain PUT of the whole file; resolves to bytes/s. */
async function plainPut(
  port: number,
  source: Uint8Array,
  name: string,
  mount = "/files",
): Promise<number> {
  const client = await RawClient.connect(port);
  try {
    const started = performance.now();
    await client.send(
      `PUT ${mount}/${name} HTTP/1.1\r\nHost: bench\r\nContent-Length: ${UPLOAD_BYTES}\r\n\r\n`,
      source,
    );
    const res = await client.answer();
    if (res.status !== 201 && res.status !== 204) throw new Error(`PUT answered ${res.status}`);
    return UPLOAD_BYTES / ((performance.now() - started) / 1000);
  } finally {
    client.close();
  }
}

/** A tus upload: creation, then 4 MiB PATCHes on one connection; resolves to bytes/s. */
async function resumable(port: number, source: Uint8Array, name: string): Promise<number> {
  const client = await RawClient.connect(port);
  try {
    const started = performance.now();
    await client.writeAll(encoder.encode(
      `POST /files/ HTTP/1.1\r\nHost: bench\r\nTus-Resumable: 1.0.0\r\n` +
        `Upload-Length: ${UPLOAD_BYTES}\r\nUpload-Metadata: filename ${btoa(name)}\r\n` +
        `Content-Length: 0\r\n\r\n`,
    ));
    const created = await client.answer();
    if (created.status !== 201) throw new Error(`creation answered ${created.status}`);
    await patches(client, created.fields.get("location")!, source);
    return UPLOAD_BYTES / ((performance.now() - started) / 1000);
  } finally {
    client.close();
  }
}

/** The PATCHes of a tus upload to `location`, one after the other. */
async function patches(client: RawClient, location: string, source: Uint8Array): Promise<void> {
  for (let offset = 0; offset < UPLOAD_BYTES; offset += PATCH_BYTES) {
    await client.send(
      `PATCH ${location} HTTP/1.1\r\nHost: bench\r\nTus-Resumable: 1.0.0\r\n` +
        `Upload-Offset: ${offset}\r\nContent-Type: application/offset+octet-stream\r\n` +
        `Content-Length: ${PATCH_BYTES}\r\n\r\n`,
      source.subarray(offset, offset + PATCH_BYTES),
    );
    const res = await client.answer();
    if (res.status !== 204) throw new Error(`PATCH at ${offset} answered ${res.status}`);
  }
}

/** The same PATCHes to the reference server (no creation: it appends to the path's file). */
async function rawPatches(port: number, source: Uint8Array, name: string): Promise<number> {
  const client = await RawClient.connect(port);
  try {
    const started = performance.now();
    await patches(client, `/${name}`, source);
    return UPLOAD_BYTES / ((performance.now() - started) / 1000);
  } finally {
    client.close();
  }
}

/** Runs the benchmark; resolves to the markdown report. */
export async function runResumableBench(rounds: number): Promise<string> {
  const tmp = await sh(`mktemp -d -p ${TMPFS} wireserve-resumable-bench-XXXXXX`) ??
    await Deno.makeTempDir({ prefix: "wireserve-resumable-bench-" });
  let server: RunningServer | null = null;
  try {
    await sh(`mkdir ${tmp}/ws ${tmp}/raw`);
    const bytes = randomBytes(UPLOAD_BYTES);
    server = await startServer(wireserveSpec(`${tmp}/ws`), REPO_ROOT);
    const runs = { put: [] as number[], resumable: [] as number[] };
    const growth = { put: [] as number[], resumable: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      for (const kind of ["put", "resumable"] as const) {
        console.error(`bench: ${kind}, round ${round + 1}`);
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        await sh(`rm -f ${tmp}/ws/*.bin`);
        const before = await resetPeak(server.pid);
        const name = `${kind}-${round}.bin`;
        const speed = kind === "put"
          ? await plainPut(server.port, bytes, name)
          : await resumable(server.port, bytes, name);
        const peak = await procField(server.pid, "VmHWM");
        runs[kind].push(speed);
        if (before !== null && peak !== null) growth[kind].push(peak - before);
        await checkSize(`${tmp}/ws/${name}`);
      }
    }
    await server.stop();
    server = null;
    // The reference: the same two uploads through a minimal server in the fixed shape.
    const raw = { put: [] as number[], pieces: [] as number[] };
    server = await startServer(rawAppendSpec(`${tmp}/raw`), REPO_ROOT);
    for (let round = 0; round < rounds; round++) {
      for (const kind of ["put", "pieces"] as const) {
        console.error(`bench: reference ${kind}, round ${round + 1}`);
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        await sh(`rm -f ${tmp}/raw/*.bin`);
        const name = `${kind}-${round}.bin`;
        raw[kind].push(
          kind === "put"
            ? await plainPut(server.port, bytes, name, "")
            : await rawPatches(server.port, bytes, name),
        );
        await checkSize(`${tmp}/raw/${name}`);
      }
    }
    const best = (xs: number[]) => Math.max(...xs);
    const ratio = best(runs.resumable) / best(runs.put);
    const ceiling = best(raw.pieces) / best(raw.put);
    const peakMiB = (xs: number[]) => xs.length === 0 ? NaN : Math.max(...xs) / KIB_PER_MIB;
    const mb = (x: number) => (x / BYTES_PER_MB).toFixed(0);
    const lines = [
      "# Resumable upload benchmark",
      "",
      `${
        new Date().toISOString()
      } · deno ${Deno.version.deno} · ${navigator.hardwareConcurrency} CPUs · load ${
        Deno.loadavg().map((l) => l.toFixed(2)).join(" ")
      } · ${rounds} round(s), best counts · target on ${tmp.startsWith(TMPFS) ? "tmpfs" : "disk"}`,
      "",
      "| 256 MiB to wireserve | MB/s per round | best | peak RSS growth |",
      "|---|---|---|---|",
      `| plain PUT | ${runs.put.map(mb).join(", ")} | ${mb(best(runs.put))} | ${
        peakMiB(growth.put).toFixed(1)
      } MiB |`,
      `| tus, 4 MiB PATCHes | ${runs.resumable.map(mb).join(", ")} | ${
        mb(best(runs.resumable))
      } | ${peakMiB(growth.resumable).toFixed(1)} MiB |`,
      `| reference: one request to a minimal server in the shape | ${
        raw.put.map(mb).join(", ")
      } | ${mb(best(raw.put))} | — |`,
      `| reference: 64 × 4 MiB requests to it | ${raw.pieces.map(mb).join(", ")} | ${
        mb(best(raw.pieces))
      } | — |`,
      "",
      `Resumable / PUT: **${ratio.toFixed(2)}×** (floor ${FLOOR}×: ${
        ratio >= FLOOR ? "met" : "NOT met"
      }); peak RSS growth of the resumable upload ${
        peakMiB(growth.resumable).toFixed(1)
      } MiB (ceiling ${MAX_GROWTH_MIB} MiB: ${
        peakMiB(growth.resumable) <= MAX_GROWTH_MIB ? "met" : "NOT met"
      }).`,
      "",
      `The shape's own ceiling for uploads in pieces (\`bench/baseline_raw_append.ts\`: Deno.listen, ` +
      `heads through a BYOB reader, bodies by plain reads, overlapped async file writes, a canned ` +
      `204; no parsing, records or locks): ` +
      `64 × 4 MiB requests / one 256 MiB request = **${ceiling.toFixed(2)}×**; wireserve's ` +
      `resumable row is ${
        (best(runs.resumable) / best(raw.pieces)).toFixed(2)
      }× of its 64 pieces, ` +
      `its PUT ${(best(runs.put) / best(raw.put)).toFixed(2)}× of its one request.`,
      "",
      "Command: `deno run -A bench/resumable_bench.ts --rounds " + rounds + "`",
      "",
    ];
    return lines.join("\n");
  } finally {
    await server?.stop();
    await sh(`rm -rf ${tmp}`);
  }
}

/**
 * `n` random bytes, made here: reading a file under /dev (tmpfs) needs --allow-all in Deno, which
 * `deno task bench` does not grant.
 */
function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let at = 0; at < n; at += RANDOM_BYTES_PER_CALL) {
    crypto.getRandomValues(bytes.subarray(at, Math.min(n, at + RANDOM_BYTES_PER_CALL)));
  }
  return bytes;
}

/** The reference server (`bench/baseline_raw_append.ts`) appending into `dir`. */
function rawAppendSpec(dir: string): ServerSpec {
  return {
    name: "raw append baseline",
    denoArgs: ["run", "-A", "bench/baseline_raw_append.ts", "--port", "{port}", "--dir", dir],
  };
}

/** Throws unless the file at `path` holds the whole upload. */
async function checkSize(path: string): Promise<void> {
  const size = Number(await sh(`stat -c %s ${path}`) ?? -1);
  if (size !== UPLOAD_BYTES) throw new Error(`${path} holds ${size} bytes`);
}

async function resetPeak(pid: number): Promise<number | null> {
  const reset = await new Deno.Command("sh", {
    args: ["-c", `echo ${RESET_PEAK} > /proc/${pid}/clear_refs`],
    stderr: "null",
  }).output();
  return reset.success ? await procField(pid, "VmRSS") : null;
}

async function procField(pid: number, field: string): Promise<number | null> {
  const out = await new Deno.Command("cat", {
    args: [`/proc/${pid}/status`],
    stdout: "piped",
    stderr: "null",
  }).output();
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(decoder.decode(out.stdout));
  return m === null ? null : Number(m[1]);
}

async function sh(line: string): Promise<string | null> {
  const out = await new Deno.Command("sh", { args: ["-c", line], stdout: "piped", stderr: "null" })
    .output();
  return out.success ? decoder.decode(out.stdout).trim() : null;
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { rounds: { type: "string" } } });
  const rounds = values.rounds === undefined ? DEFAULT_ROUNDS : Number(values.rounds);
  const text = await runResumableBench(rounds);
  console.log(text);
  await Deno.mkdir(new URL("results", import.meta.url), { recursive: true });
  await Deno.writeTextFile(RESULTS_FILE, text);
}
