/**
 * One worker as the main thread sees it: the `Worker` started on `worker_main.ts` with its index,
 * config and the shared memory, the promises of its life (listening on a port, or the error that
 * kept it from it; stopped), the stall watch's fields, and its messages turned into those — what
 * is work for the main thread (log lines, service calls) and its death go to the pool.
 *
 * An error a worker does not catch is stopped here: it must not take the main thread (and every
 * other worker's connections) down with it.
 *
 * This module must not decide on replacement, shutdown or the port: the pool does.
 * @module
 */

import type { FromWorker, ToWorker, WorkerConfig } from "./messages.ts";
import type { SharedMemory } from "./shared_memory.ts";
import { freshWatch, heardFrom, type Watched } from "./stall_watch.ts";

const PING: ToWorker = { type: "ping" };

/** A started worker. */
export interface WorkerSlot extends Watched {
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

/** What the pool does with what its workers say and do. */
export interface SlotEvents {
  /** Every message but a pong or a collection: the log lines and service calls are the pool's. */
  work(worker: Worker, msg: FromWorker): void;
  /** The worker ran its idle collection (not work either, for the same reason as a pong). */
  collected(): void;
  /** A line for stderr (a stalled worker that answers again). */
  report(line: string): void;
  /** The worker died of an uncaught error (it may still have been starting). */
  died(slot: WorkerSlot, reason: string): void;
}

/** What every worker of a pool is started with. */
export interface SlotStart {
  config: WorkerConfig;
  memory: SharedMemory;
  /** The module the worker runs: `worker_main.ts` or its bundle (./worker_module.ts). */
  module: string;
}

/** Starts worker `index` (its `generation`th start) listening on `port` (0: any). */
export function spawnWorker(
  index: number,
  port: number,
  generation: number,
  start: SlotStart,
  events: SlotEvents,
): WorkerSlot {
  const worker = new Worker(start.module, { type: "module", name: `wireserve-worker-${index}` });
  let markStopped!: () => void;
  const stopped = new Promise<void>((r) => markStopped = r);
  let settleReady!: (port: number) => void;
  let failReady!: (e: Error) => void;
  const ready = new Promise<number>((resolve, reject) => {
    settleReady = resolve;
    failReady = reject;
  });
  ready.catch(() => {}); // a replacement's failure is handled where it is started
  const slot: WorkerSlot = {
    index,
    worker,
    ready,
    stopped,
    markStopped,
    generation,
    ...freshWatch(),
    ping: () => worker.postMessage(PING),
  };
  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const msg = event.data;
    heardFrom(slot, events.report);
    switch (msg.type) {
      case "pong":
        // Not work: counted, pongs would keep the main thread's idle collection from running.
        return;
      case "collected":
        events.collected();
        return;
      case "ready":
        slot.listening = true;
        settleReady(msg.port);
        break;
      case "failed":
        failReady(listenError(msg.name, msg.message));
        break;
      case "stopped":
        markStopped();
        break;
    }
    events.work(worker, msg);
  };
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    failReady(new Error(event.message));
    events.died(slot, event.message);
  };
  const startMsg: ToWorker = {
    type: "start",
    index,
    config: { ...start.config, port },
    memory: start.memory,
  };
  worker.postMessage(startMsg);
  return slot;
}

/** A worker that could not listen, with Deno's error class restored for the caller. */
function listenError(name: string, message: string): Error {
  const errors = Deno.errors as unknown as Record<string, (new (m: string) => Error) | undefined>;
  const Known = Object.hasOwn(errors, name) ? errors[name] : undefined;
  return Known !== undefined ? new Known(message) : new Error(message);
}
