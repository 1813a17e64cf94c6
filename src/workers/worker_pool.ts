/**
 * The main thread of a server with workers: it starts `count` workers on one port
 * (SO_REUSEPORT: the kernel spreads connections over their listeners), relays their log lines
 * to stdout/stderr as the one writer, hosts the shared services they call, replaces a worker
 * that dies while the others keep serving, and stops them all on shutdown.
 *
 * Port 0 is bound by the first worker, which picks the port the others then share. A fixed port
 * is first bound once without SO_REUSEPORT and released: otherwise a second wireserve started on
 * the same port would silently share it with the first instead of being told it is in use.
 *
 * A worker whose event loop stops turning is reported, not replaced (`stall_watch.ts` says why).
 *
 * This module must not know routes or sockets beyond that probe.
 * @module
 */

import type { ServiceFactories } from "../app/shared_state.ts";
import type { LineSink } from "../log/line_sink.ts";
import type { FromWorker, ToWorker, WorkerConfig } from "./messages.ts";
import { ServiceHost } from "./service_host.ts";
import {
  freshWatch,
  heardFrom,
  PING_EVERY_MS,
  STALLED_AFTER_MS,
  type Watched,
  watchRound,
} from "./stall_watch.ts";
import {
  createSharedMemory,
  releaseShares,
  type SharedMemory,
  viewSharedMemory,
} from "./shared_memory.ts";

/** How long a stopping worker may take past the shutdown timeout before it is terminated. */
const STOP_GRACE_MS = 2000;
/** Pause before replacing a worker that died, doubled after each failed start, up to the cap. */
const RESTART_DELAY_MS = 100;
const RESTART_DELAY_CAP_MS = 10_000;
const WORKER_URL = new URL("./worker_main.ts", import.meta.url).href;

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
}

interface Slot extends Watched {
  index: number;
  worker: Worker;
  /** Settles with the port once listening, or the error that kept it from listening. */
  ready: Promise<number>;
  /** Resolves once it has stopped (or been terminated). */
  stopped: Promise<void>;
  markStopped(): void;
  /** Times it was started (1 for the first). */
  generation: number;
}

/**
 * Whether this process may bind with SO_REUSEPORT: Deno allows it only with `--unstable-net`,
 * and without it ends the whole process rather than throwing. The other API that flag turns on
 * (`Deno.listenDatagram`) tells, without trying.
 */
export function canSharePort(): boolean {
  return typeof (Deno as unknown as Record<string, unknown>).listenDatagram === "function";
}

/** A worker that could not listen, with Deno's error class restored for the caller. */
function listenError(name: string, message: string): Error {
  const errors = Deno.errors as unknown as Record<string, (new (m: string) => Error) | undefined>;
  const Known = Object.hasOwn(errors, name) ? errors[name] : undefined;
  return Known !== undefined ? new Known(message) : new Error(message);
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
  #slots: Slot[] = [];
  #stopping = false;
  #finish!: () => void;
  #decoder = new TextDecoder();
  #messages = 0;
  #watch: ReturnType<typeof setInterval> | undefined;

  private constructor(opts: PoolOptions, memory: SharedMemory, addr: Deno.NetAddr) {
    this.#opts = opts;
    this.#memory = memory;
    this.#host = new ServiceHost(opts.services);
    this.addr = addr;
    this.finished = new Promise((resolve) => this.#finish = resolve);
  }

  /** Starts the workers; rejects (with nothing left running) when they cannot listen. */
  static async start(opts: PoolOptions): Promise<WorkerPool> {
    const { hostname, port } = opts.config;
    if (port !== 0) Deno.listen({ hostname, port }).close(); // throws AddrInUse & co.
    const memory = createSharedMemory(opts.count, opts.counters);
    const pool = new WorkerPool(opts, memory, { transport: "tcp", hostname, port });
    try {
      const first = pool.#spawn(0, port);
      const bound = await first.ready;
      (pool as { addr: Deno.NetAddr }).addr = { transport: "tcp", hostname, port: bound };
      for (let i = 1; i < opts.count; i++) pool.#spawn(i, bound);
      await Promise.all(pool.#slots.map((s) => s.ready));
      pool.#startWatch();
    } catch (e) {
      pool.terminate();
      throw e;
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

  #spawn(index: number, port: number, generation = 1): Slot {
    const worker = new Worker(WORKER_URL, { type: "module", name: `wireserve-worker-${index}` });
    let markStopped!: () => void;
    const stopped = new Promise<void>((r) => markStopped = r);
    let settleReady!: (port: number) => void;
    let failReady!: (e: Error) => void;
    const ready = new Promise<number>((resolve, reject) => {
      settleReady = resolve;
      failReady = reject;
    });
    ready.catch(() => {}); // a replacement's failure is handled where it is started
    const slot: Slot = {
      index,
      worker,
      ready,
      stopped,
      markStopped,
      generation,
      ...freshWatch(),
      ping: () => worker.postMessage({ type: "ping" } satisfies ToWorker),
    };
    this.#slots[index] = slot;
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const msg = event.data;
      // Pongs are not work: counted, they would keep this thread's idle collection from running.
      if (msg.type !== "pong") this.#messages++;
      heardFrom(slot, (line) => this.#opts.err.line(line));
      switch (msg.type) {
        case "ready":
          slot.listening = true;
          return settleReady(msg.port);
        case "pong":
          return;
        case "failed":
          return failReady(listenError(msg.name, msg.message));
        case "log":
          return this.#relay(msg.stream, msg.bytes);
        case "call":
          return this.#answer(worker, msg);
        case "stopped":
          return markStopped();
      }
    };
    worker.onerror = (event: ErrorEvent) => {
      // Handled here: an error in a worker must not take the main thread (and every other
      // worker's connections) down with it.
      event.preventDefault();
      failReady(new Error(event.message));
      this.#died(slot, event.message);
    };
    const start: ToWorker = {
      type: "start",
      index,
      config: { ...this.#opts.config, port },
      memory: this.#memory,
    };
    worker.postMessage(start);
    return slot;
  }

  /** Pings each listening worker every second; reports the ones silent past `stalledAfterMs`. */
  #startWatch(): void {
    const stalledAfterMs = this.#opts.stalledAfterMs ?? STALLED_AFTER_MS;
    const report = (line: string) => this.#opts.err.line(line);
    this.#watch = setInterval(() => {
      if (!this.#stopping) watchRound(this.#slots, performance.now(), stalledAfterMs, report);
    }, PING_EVERY_MS);
    // The watch alone must not keep the process alive.
    Deno.unrefTimer(this.#watch);
  }

  #died(slot: Slot, reason: string): void {
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

  async #replace(old: Slot, delayMs: number): Promise<void> {
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
    // Whole lines arrive: one entry for the batch keeps them together and in order.
    (stream === "out" ? this.#opts.out : this.#opts.err).line(text.replace(/\n$/, ""));
  }

  #answer(worker: Worker, msg: Extract<FromWorker, { type: "call" }>): void {
    this.#host.call(msg.service, msg.method, msg.args).then(
      (value) => worker.postMessage({ type: "reply", id: msg.id, ok: true, value }),
      (e) =>
        worker.postMessage({
          type: "reply",
          id: msg.id,
          ok: false,
          error: e instanceof Error ? e.message : String(e),
        }),
    );
  }
}
