/**
 * `deno task soak --hostile`: connection patterns meant to exhaust a server rather than use it,
 * each run against the same child server in turn, with a probe (a fresh `Connection: close` GET
 * of a small file) every second meanwhile: idle connections past `--max-connections`, kept-alive
 * connections past it, slowloris heads, slow readers and non-readers of a 64 MiB file, clients
 * that half-close (FIN) mid-head or before reading their answer, and bodies that stall half-way.
 *
 * Each scenario records descriptors and RssAnon before, at their peak and after, and the probes'
 * answers; it fails when descriptors do not come back to their value before it, when the server's
 * clocks (idle 5 s, head 10 s) should have closed every connection by the end of the hold and
 * did not, when a probe is refused where the server had room (only the idle flood past the limit
 * may get 503s, and only until the idle clock frees the slots), and when, afterwards, the server's
 * connection count is not exactly back: `limit` silent connections are all taken and one more
 * gets 503. With `tls` the server speaks HTTPS and two scenarios run instead: TCP connections that
 * never start the handshake, and handshakes stalled after a record header.
 *
 * This module must not start the server: it is handed one.
 * @module
 */

import { openFdCount, statusKiB } from "../../bench/proc.ts";
import type { ChildServer } from "../support/child_server.ts";
import {
  CLOCK_SLACK_S,
  closeAll,
  HEAD_CLOCK_S,
  openMany,
  type Scenario,
  SCENARIOS,
  TLS_SCENARIOS,
} from "./hostile_scenarios.ts";

/** The sizes of the attacks (the CLI's `--connections` sets `flood`). */
export interface HostileOptions {
  /** The server's `--max-connections`. */
  maxConnections: number;
  /** Connections of the idle and kept-alive floods (past the limit on purpose). */
  flood: number;
  /** Connections of the slowloris, half-close and stalled-body scenarios. */
  crowd: number;
  /** Readers of the 64 MiB file (slow and non-reading). */
  readers: number;
  /** Seconds each scenario holds its connections (the server's clocks must act within it). */
  holdS: number;
  /** The server speaks HTTPS with this certificate (PEM): probes go over TLS. */
  tlsCert?: string;
  log: (line: string) => void;
}

/** What one scenario saw. */
export interface ScenarioResult {
  name: string;
  before: ProcessSample;
  peak: ProcessSample;
  after: ProcessSample;
  /** Probe answers by status line code ("200", "503", "none"…), counted. */
  probes: Record<string, number>;
  failures: string[];
}

/** Descriptors and RssAnon (MiB) of the server process. */
export interface ProcessSample {
  fds: number;
  rssAnonMiB: number;
}

const PROBE_EVERY_MS = 1000;
/** Descriptors the probe itself may hold at the end of a hold. */
const PROBE_FDS = 2;
const PROBE_TIMEOUT_MS = 5000;
/** How long descriptors may take to come back after a scenario's clients leave. */
const SETTLE_MS = 20_000;
const KIB_PER_MIB = 1024;
const FD_READ_TRIES = 8;
const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs every scenario against `server` in turn; the failures of all of them. */
export async function runHostile(
  server: ChildServer,
  opts: HostileOptions,
): Promise<{ results: ScenarioResult[]; failures: string[] }> {
  const results: ScenarioResult[] = [];
  const failures: string[] = [];
  opts.log(
    "scenario".padEnd(64) +
      "fds before/peak/after   RssAnon MiB before/peak/after   probes",
  );
  for (const scenario of opts.tlsCert === undefined ? SCENARIOS : TLS_SCENARIOS) {
    if (!server.alive()) {
      failures.push(`the server died before "${scenario.name}"`);
      break;
    }
    const result = await runScenario(server, scenario, opts);
    results.push(result);
    opts.log(resultRow(result));
    failures.push(...result.failures.map((f) => `${scenario.name}: ${f}`));
  }
  // Refusals are written over TLS, which a silent client never starts: the check reads plain text.
  if (opts.tlsCert !== undefined) return { results, failures };
  if (server.alive()) {
    const exact = await countIsExact(server.port, opts.maxConnections);
    if (exact !== null) failures.push(exact);
    else opts.log(`connection count back to 0: ${opts.maxConnections} taken, one more refused`);
  } else failures.push("the server died");
  return { results, failures };
}

async function runScenario(
  server: ChildServer,
  scenario: Scenario,
  opts: HostileOptions,
): Promise<ScenarioResult> {
  const before = await sampleProcess(server.pid);
  const peak = { ...before };
  const probes: Record<string, number> = {};
  const failures: string[] = [];
  let holdEnd: ProcessSample | null = null;
  /** Seconds into the hold of each probe answered wrongly, by answer. */
  const refused: Record<string, number[]> = {};
  const hold = async () => {
    const start = performance.now();
    const end = start + opts.holdS * 1000;
    while (performance.now() < end) {
      const s = await sampleProcess(server.pid);
      peak.fds = Math.max(peak.fds, s.fds);
      peak.rssAnonMiB = Math.max(peak.rssAnonMiB, s.rssAnonMiB);
      const atS = (performance.now() - start) / 1000;
      const answer = await probe(server.port, opts.tlsCert);
      probes[answer] = (probes[answer] ?? 0) + 1;
      if (answer !== "200" && !(answer === "503" && atS < scenario.refusedForS)) {
        (refused[answer] ??= []).push(Math.round(atS));
      }
      await sleep(PROBE_EVERY_MS);
    }
    holdEnd = await sampleProcess(server.pid);
  };
  await scenario.run(server.port, opts, hold);
  for (const [answer, at] of Object.entries(refused)) {
    failures.push(
      `${at.length} probe(s) answered ${answer}, ${at[0]}–${at[at.length - 1]} s into the hold` +
        (answer === "503" ? ` (allowed only in the first ${scenario.refusedForS} s)` : ""),
    );
  }
  const held = holdEnd as ProcessSample | null;
  // A hold shorter than the clocks (a quick run) cannot tell whether they act.
  const clocksActed = opts.holdS >= HEAD_CLOCK_S + CLOCK_SLACK_S;
  if (
    scenario.closedByClocks && clocksActed && held !== null && held.fds > before.fds + PROBE_FDS
  ) {
    failures.push(
      `the server's clocks left ${held.fds - before.fds} descriptors open at the end of the ` +
        `${opts.holdS} s hold (${before.fds} before): it never closed them`,
    );
  }
  const deadline = performance.now() + SETTLE_MS;
  let after = await sampleProcess(server.pid);
  while (after.fds > before.fds && performance.now() < deadline) {
    await sleep(250);
    after = await sampleProcess(server.pid);
  }
  if (after.fds > before.fds) {
    failures.push(`descriptors ${before.fds} before, ${after.fds} ${SETTLE_MS / 1000} s after`);
  }
  const last = await probe(server.port, opts.tlsCert);
  if (last !== "200") failures.push(`a probe after it answered ${last}`);
  return { name: scenario.name, before, peak, after, probes, failures };
}

/**
 * Null when the server's connection count is exactly back to zero: `limit` silent connections
 * (which may not be pushed out) are all held, and the next one is refused with 503; else why not.
 */
export async function countIsExact(port: number, limit: number): Promise<string | null> {
  const held = await openMany(port, limit);
  try {
    if (held.length < limit) return `only ${held.length} of ${limit} connections could be opened`;
    await sleep(500);
    const early = await Promise.all(held.map((c) => readSome(c, 10)));
    const refusedEarly = early.filter((t) => t !== null).length;
    if (refusedEarly > 0) {
      return `${refusedEarly} of ${limit} connections were answered at once: the count was not back`;
    }
    const extra = await openMany(port, 1);
    const text = extra.length === 0 ? null : await readSome(extra[0], PROBE_TIMEOUT_MS);
    closeAll(extra);
    if (text === null || !text.startsWith("HTTP/1.1 503 ")) {
      return `the connection past ${limit} was not refused (got ${
        JSON.stringify(text?.slice(0, 20))
      }): the count was below its true value`;
    }
    return null;
  } finally {
    closeAll(held);
  }
}

/** Reads what arrives within `ms`: the text, or null when nothing came (or the peer closed). */
async function readSome(conn: Deno.Conn, ms: number): Promise<string | null> {
  const buf = new Uint8Array(1024);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((r) => timer = setTimeout(() => r(null), ms));
  const n = await Promise.race([conn.read(buf).catch(() => null), late]);
  clearTimeout(timer);
  return n === null ? null : new TextDecoder().decode(buf.subarray(0, n));
}

/**
 * One `Connection: close` GET on a fresh connection (over TLS trusting `tlsCert` when given): its
 * status code, or why there was none.
 */
export async function probe(port: number, tlsCert?: string): Promise<string> {
  let conn: Deno.Conn;
  try {
    conn = tlsCert === undefined
      ? await Deno.connect({ hostname: "127.0.0.1", port })
      : await Deno.connectTls({ hostname: "127.0.0.1", port, caCerts: [tlsCert] });
  } catch (e) {
    return `connect ${(e as Error).name}`;
  }
  try {
    // Over TLS the write carries the handshake, which a stuck server may never finish: the whole
    // exchange runs against the clock, not only the read.
    const request = "GET /files/s0.txt HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n";
    const exchange = conn.write(encoder.encode(request)).then(() =>
      readSome(conn, PROBE_TIMEOUT_MS)
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<null>((r) => timer = setTimeout(() => r(null), PROBE_TIMEOUT_MS));
    const text = await Promise.race([exchange, late]);
    clearTimeout(timer);
    exchange.catch(() => {}); // settles once the connection is closed below
    return text === null ? "none" : (/^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1] ?? "garbled");
  } catch (e) {
    return `error ${(e as Error).name}`;
  } finally {
    try {
      conn.close();
    } catch {
      // closed already
    }
  }
}

async function sampleProcess(pid: number): Promise<ProcessSample> {
  const kib = await statusKiB(pid, "RssAnon");
  // /proc is read through a helper process here (bench/proc.ts), which can fail while the
  // machine is short of descriptors: try again rather than record a count of zero.
  let fds = await openFdCount(pid);
  for (let i = 0; fds === null && i < FD_READ_TRIES; i++) {
    await sleep(250);
    fds = await openFdCount(pid);
  }
  if (fds === null) throw new Error(`cannot read /proc/${pid}/fd`);
  return { fds, rssAnonMiB: kib === null ? 0 : kib / KIB_PER_MIB };
}

function resultRow(r: ScenarioResult): string {
  const fds = `${r.before.fds}/${r.peak.fds}/${r.after.fds}`;
  const rss = [r.before, r.peak, r.after].map((s) => s.rssAnonMiB.toFixed(0)).join("/");
  return `${r.name.padEnd(64)}${fds.padEnd(24)}${rss.padEnd(32)}${JSON.stringify(r.probes)}` +
    (r.failures.length > 0 ? "  FAIL" : "");
}
