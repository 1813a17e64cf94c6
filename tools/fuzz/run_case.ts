/**
 * Runs one fuzz case against a live server over a fresh TCP connection and judges what came back:
 * every byte must parse as well-formed HTTP/1.1 responses (`response_parser.ts`), no response may
 * be a 500, and the server must close the connection within its documented clocks.
 *
 * This module must not start servers or choose cases.
 * @module
 */

import { caseBytes, type FuzzCase, mayHoldHead } from "./fuzz_case.ts";
import { parseResponseStream } from "./response_parser.ts";

/** The server's clocks the case is judged against (the flags the run started it with). */
export interface Clocks {
  headerTimeoutMs: number;
  bodyTimeoutMs: number;
  idleTimeoutMs: number;
  /** The engine's lingering close after an unread body (not a flag: `lingerTimeoutMs`). */
  lingerTimeoutMs: number;
  /** Added to the sum for a machine shared with other work. */
  slackMs: number;
}

/** What one case did. */
export interface CaseOutcome {
  /** Null when every oracle held; else what failed. */
  failure: string | null;
  /** Statuses of the responses read (interim ones included). */
  statuses: number[];
  /** Whether the server reset the connection (then a cut-short last response is allowed). */
  reset: boolean;
  bytesIn: number;
}

/** The status no input may cause. */
const INTERNAL_SERVER_ERROR = 500;
const READ_CHUNK_BYTES = 64 * 1024;
const latin1 = new TextDecoder("latin1");
/** Bytes of a 500's body quoted in the failure. */
const SHOWN_BODY_BYTES = 200;

/** Runs `c` against 127.0.0.1:`port`. */
export async function runCase(port: number, c: FuzzCase, clocks: Clocks): Promise<CaseOutcome> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const received: Uint8Array[] = [];
  let bytesIn = 0;
  let reset = false;
  let closed = false;
  const closeOnce = () => {
    if (!closed) {
      closed = true;
      conn.close();
    }
  };
  const reading = (async () => {
    const buf = new Uint8Array(READ_CHUNK_BYTES);
    for (;;) {
      let n: number | null;
      try {
        n = await conn.read(buf);
      } catch (e) {
        if (closed) return; // we closed it (abort or deadline)
        if (e instanceof Deno.errors.ConnectionReset) {
          reset = true;
          return;
        }
        throw e;
      }
      if (n === null) return;
      received.push(buf.slice(0, n));
      bytesIn += n;
    }
  })();
  try {
    for (const w of c.writes) {
      if (w.delayMs > 0) await sleep(w.delayMs);
      if (!await writeAll(conn, w.bytes)) break; // the server closed: it may refuse mid-request
    }
    if (c.ending === "abort") {
      closeOnce();
      await reading;
      return { failure: null, statuses: [], reset, bytesIn };
    }
    if (c.ending === "half-close") {
      try {
        await conn.closeWrite();
      } catch {
        // already closed by the server
      }
    }
    const limitMs = clocks.headerTimeoutMs + clocks.bodyTimeoutMs + clocks.idleTimeoutMs +
      clocks.lingerTimeoutMs + clocks.slackMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = await Promise.race([
      reading.then(() => false),
      new Promise<boolean>((r) => timer = setTimeout(() => r(true), limitMs)),
    ]);
    clearTimeout(timer);
    if (hung) {
      closeOnce();
      await reading;
      return {
        failure: `hang: the connection was still open ${limitMs} ms after the last write ` +
          `(${bytesIn} bytes read)`,
        statuses: [],
        reset,
        bytesIn,
      };
    }
    return judge(c, concatAll(received), reset, bytesIn);
  } finally {
    closeOnce();
    await reading.catch(() => {});
  }
}

function judge(c: FuzzCase, bytes: Uint8Array, reset: boolean, bytesIn: number): CaseOutcome {
  const parsed = parseResponseStream(bytes, { mayBeHead: mayHoldHead(c) });
  const statuses = parsed.responses.map((r) => r.status);
  let failure: string | null = null;
  // After a reset the tail may be lost in the kernel: only a fault before the cut counts.
  if (parsed.error !== null && !(reset && /cut short|ends inside/.test(parsed.error))) {
    failure = `malformed response stream: ${parsed.error}`;
  } else if (statuses.includes(INTERNAL_SERVER_ERROR) && !asksForStatus(c)) {
    const r = parsed.responses.find((x) => x.status === INTERNAL_SERVER_ERROR)!;
    const text = latin1.decode(bytes.subarray(r.bodyStart, r.bodyStart + SHOWN_BODY_BYTES));
    failure = `status 500 (${JSON.stringify(text)}) for ${caseBytes(c).length} request bytes`;
  }
  return { failure, statuses, reset, bytesIn };
}

/** Whether the case calls httpbin's /status/<codes>, which answers a 500 when asked to. */
function asksForStatus(c: FuzzCase): boolean {
  return latin1.decode(caseBytes(c)).includes("/status/");
}

/** Writes all of `bytes`; false when the server closed the connection first. */
async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<boolean> {
  try {
    for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.BrokenPipe || e instanceof Deno.errors.ConnectionReset) {
      return false;
    }
    throw e;
  }
}

function concatAll(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
