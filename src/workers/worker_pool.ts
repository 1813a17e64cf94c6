/**
 * The main thread of a server with workers: it starts `count` workers on one port
 * (SO_REUSEPORT: the kernel spreads connections over their listeners), relays their log lines
 * to stdout/stderr as the one writer, hosts the shared services they call, replaces a worker
 * that dies while the others keep serving, and stops them all on shutdown.
 *
 * Port 0 is bound by the first worker, which picks the port the others then share. A fixed port
 * is first bound once without SO_REUSEPORT and released: otherwise a second wireserve started on
 * the same port would silently share it with the first instead of being told it is in use. Then,
 * until every worker listens, this thread holds a listener of its own on the port (with
 * SO_REUSEPORT, so the workers join it): a second wireserve's check meets it and fails, where in
 * the gap before the workers bound it passed, and the two then shared the port (a probe: started
 * 0.2 s apart, 4 times out of 4). It accepts nothing; it is closed before the port is announced.
 *
 * Each worker is started and heard through its slot (`worker_slot.ts`); the services run here
 * (`service_host.ts`). A worker whose event loop stops turning is reported, not replaced
 * (`stall_watch.ts` says why).
 *
 * This module must not know routes or sockets beyond that probe.
 * @module
 */

import type { ServiceFactories } from "../app/shared_state.ts";
import type { LineSink } from "../log/line_sink.ts";
import type { FromWorker, ToWorker, WorkerConfig } from "./messages.ts";
import { ServiceHost } from "./service_host.ts";
import { PING_EVERY_MS, STALLED_AFTER_MS, watchRound } from "./stall_watch.ts";
import {
  createSharedMemory,
  releaseShares,
  type SharedMemory,
  viewSharedMemory,
} from "./shared_memory.ts";
import { SOURCE_WORKER_URL } from "./worker_module.ts";
import { type SlotEvents, spawnWorker, type WorkerSlot } from "./worker_slot.ts";

/** How long a stopping worker may take past the shutdown timeout before it is terminated. */
const STOP_GRACE_MS = 2000;
/** Pause before replacing a worker that died, doubled after each failed start, up to the cap. */
const RESTART_DELAY_MS = 100;
const RESTART_DELAY_CAP_MS = 10_000;

/** How to start the pool. */
export interface PoolOptions {
  /** Workers to run (2 or more; one worker runs in the main thread instead). */
  count: number;
  config: WorkerConfig;
  /** The app's shared services, hosted here. */
  services: ServiceFactories;
  /** The names of the app's shared counters (`SharedState.counter`). */
  counters: readonly string[];
  /** stdout and stderr lines. */
  out: LineSink;
  err: LineSink;
  /** Silence after which a worker is reported as stalled (default `STALLED_AFTER_MS`). */
  stalledAfterMs?: number;
  /**
   * Aborted by a stop signal: a start in progress then starts no more workers and resolves with
   * those it has, still starting or not, for `shutdown` to stop like any others.
   */
  startAborted?: AbortSignal;
  /** The module workers run (default `worker_main.ts` from the sources; ./worker_module.ts). */
  module?: string;
  /**
   * Called when a worker has run its idle collection: gives the C heap's freed pages back, for
   * the workers cannot (../app/malloc_trim.ts).
   */
  afterWorkerCollect?: () => void;
}

/**
 * Whether this process may bind with SO_REUSEPORT: Deno allows it only with `--unstable-net`,
 * and without it ends the whole process rather than throwing. The other API that flag turns on
 * (`Deno.listenDatagram`) tells, without trying.
 */
export function canSharePort(): boolean {
  return typeof (Deno as unknown as Record<string, unknown>).listenDatagram === "function";
}

/** The running workers. */
export class WorkerPool {
  /** The address every worker listens on. */
  readonly addr: Deno.NetAddr;
  /** Resolves when every worker has stopped after `shutdown` (or `terminate`). */
  readonly finished: Promise<void>;
  #opts: PoolOptions;
  #memory: SharedMemory;
  #host: ServiceHost;
  #slots: WorkerSlot[] = [];
  #stopping = false;
  #finish!: () => void;
  #decoder = new TextDecoder();
  #messages = 0;
  #watch: ReturnType<typeof setInterval> | undefined;
  #events: SlotEvents = {
    work: (worker, msg) => this.#work(worker, msg),
    report: (line) => this.#opts.err.line(line),
    died: (slot, reason) => this.#died(slot, reason),
    collected: () => this.#opts.afterWorkerCollect?.(),
  };

  private constructor(opts: PoolOptions, memory: SharedMemory, addr: Deno.NetAddr) {
    this.#opts = opts;
    this.#memory = memory;
    this.#host = new ServiceHost(opts.services);
    this.addr = addr;
    this.finished = new Promise((resolve) => this.#finish = resolve);
  }

  /**
   * Starts the workers; rejects (with nothing left running) when they cannot listen. Aborting
   * `opts.startAborted` cuts the start short (see there): the first worker answers requests while
   * the others start (up to seconds with many), and a stop signal then must drain it, not wait.
   */
  static async start(opts: PoolOptions): Promise<WorkerPool> {
    const { hostname, port } = opts.config;
    let guard: Deno.Listener | null = null;
    if (port !== 0) {
      Deno.listen({ hostname, port }).close(); // throws AddrInUse & co.
      guard = Deno.listen({ hostname, port, reusePort: true });
    }
    const memory = createSharedMemory(opts.count, opts.counters);
    const pool = new WorkerPool(opts, memory, { transport: "tcp", hostname, port });
    const aborted = whenAborted(opts.startAborted);
    try {
      const first = pool.#spawn(0, port);
      const bound = await Promise.race([first.ready, aborted]);
      if (bound === null) return pool;
      (pool as { addr: Deno.NetAddr }).addr = { transport: "tcp", hostname, port: bound };
      for (let i = 1; i < opts.count; i++) pool.#spawn(i, bound);
      const all = await Promise.race([Promise.all(pool.#slots.map((s) => s.ready)), aborted]);
      if (all === null) return pool;
      pool.#startWatch();
    } catch (e) {
      pool.terminate();
      throw e;
    } finally {
      guard?.close();
    }
    return pool;
  }

  /** Connections open on all workers together. */
  get connectionCount(): number {
    return viewSharedMemory(this.#memory).openConnections.value;
  }

  /**
   * The server-wide totals of the shared counts: open connections and the bytes held of the two
   * buffer budgets. Tests check they come back to zero once everything has ended, a worker's
   * death included.
   */
  get sharedTotals(): { connections: number; largeBufferBytes: number; heldBodyBytes: number } {
    const views = viewSharedMemory(this.#memory);
    return {
      connections: views.openConnections.value,
      largeBufferBytes: views.largeBufferBytes.value,
      heldBodyBytes: views.heldBodyBytes.value,
    };
  }

  /** Messages the workers have sent this thread (log lines, service calls…). */
  get messageCount(): number {
    return this.#messages;
  }

  /** Workers running. */
  get workerCount(): number {
    return this.#slots.length;
  }

  /** How many times worker `index` has been started (tests watch replacements with it). */
  generation(index: number): number {
    return this.#slots[index]?.generation ?? 0;
  }

  /** Makes worker `index` die of an uncaught error (tests of the replacement). */
  crash(index: number): void {
    this.#slots[index]?.worker.postMessage({ type: "crash" } satisfies ToWorker);
  }

  /**
   * Stops every worker: each stops accepting, closes idle connections and gives in-flight
   * exchanges up to `timeoutMs`; a worker still running after that (and a short grace) is
   * terminated.
   */
  async shutdown(timeoutMs: number): Promise<void> {
    this.#stopping = true;
    const stop: ToWorker = { type: "stop", timeoutMs };
    for (const slot of this.#slots) slot.worker.postMessage(stop);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((r) => timer = setTimeout(r, timeoutMs + STOP_GRACE_MS));
    await Promise.race([Promise.all(this.#slots.map((s) => s.stopped)), late]);
    clearTimeout(timer);
    this.terminate();
  }

  /** Blocks worker `index`'s event loop for `ms` (tests of the stall watch). */
  block(index: number, ms: number): void {
    this.#slots[index]?.worker.postMessage({ type: "block", ms } satisfies ToWorker);
  }

  /** Ends every worker at once (the second signal). */
  terminate(): void {
    this.#stopping = true;
    clearInterval(this.#watch);
    for (const slot of this.#slots) {
      slot.worker.terminate();
      slot.markStopped();
    }
    this.#finish();
  }

  #spawn(index: number, port: number, generation = 1): WorkerSlot {
    const start = {
      config: this.#opts.config,
      memory: this.#memory,
      module: this.#opts.module ?? SOURCE_WORKER_URL,
    };
    return this.#slots[index] = spawnWorker(index, port, generation, start, this.#events);
  }

  /** What a worker sent that is work for this thread (every message but a pong). */
  #work(worker: Worker, msg: FromWorker): void {
    this.#messages++;
    if (msg.type === "log") this.#relay(msg.stream, msg.bytes);
    else if (msg.type === "call") this.#host.answer(worker, msg);
  }

  /** Pings each listening worker every second; reports the ones silent past `stalledAfterMs`. */
  #startWatch(): void {
    const stalledAfterMs = this.#opts.stalledAfterMs ?? STALLED_AFTER_MS;
    const report = this.#events.report;
    this.#watch = setInterval(() => {
      if (!this.#stopping) watchRound(this.#slots, performance.now(), stalledAfterMs, report);
    }, PING_EVERY_MS);
    // The watch alone must not keep the process alive.
    Deno.unrefTimer(this.#watch);
  }

  #died(slot: WorkerSlot, reason: string): void {
    slot.worker.terminate();
    slot.markStopped();
    // Its connections closed with it and its buffers are gone: the limits get them back.
    if (this.#slots[slot.index] === slot) releaseShares(this.#memory, slot.index);
    if (this.#stopping || this.#slots[slot.index] !== slot) return;
    this.#opts.err.line(
      `wireserve: worker ${slot.index + 1} stopped unexpectedly (${reason}); starting another`,
    );
    void this.#replace(slot, RESTART_DELAY_MS);
  }

  async #replace(old: WorkerSlot, delayMs: number): Promise<void> {
    await new Promise((r) => setTimeout(r, delayMs));
    if (this.#stopping || this.#slots[old.index] !== old) return;
    const slot = this.#spawn(old.index, this.addr.port, old.generation + 1);
    try {
      await slot.ready;
    } catch (e) {
      if (this.#stopping || this.#slots[old.index] !== slot) return;
      slot.worker.terminate();
      slot.markStopped();
      const next = Math.min(delayMs * 2, RESTART_DELAY_CAP_MS);
      this.#opts.err.line(
        `wireserve: worker ${old.index + 1} could not start (${(e as Error).message}); ` +
          `trying again in ${next} ms`,
      );
      void this.#replace(slot, next);
    }
  }

  #relay(stream: "out" | "err", bytes: Uint8Array): void {
    const text = this.#decoder.decode(bytes);
    // Whole lines arrive: one entry for the batch keeps them together and in order, and a
    // dropped batch counts each of its lines.
    (stream === "out" ? this.#opts.out : this.#opts.err).lines(text.replace(/\n$/, ""));
  }
}

/** Resolves to null once `signal` is aborted; never without one. */
function whenAborted(signal: AbortSignal | undefined): Promise<null> {
  return new Promise((resolve) => {
    if (signal?.aborted) resolve(null);
    else signal?.addEventListener("abort", () => resolve(null), { once: true });
  });
}
