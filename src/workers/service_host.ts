/**
 * The main thread's side of shared services: one instance of each, made on first call, and the
 * calls of every worker run against it one at a time (the main thread has one event loop), so
 * each call is atomic without locks. The reply goes back to the worker that called.
 *
 * This module must not know routes or sockets.
 * @module
 */

import { makeService, type ServiceFactories } from "../app/shared_state.ts";
import type { FromWorker, ToWorker } from "./messages.ts";

/** A worker's call of a service. */
export type ServiceCall = Extract<FromWorker, { type: "call" }>;

/** Hosts the services of `factories`. */
export class ServiceHost {
  #factories: ServiceFactories;
  #made = new Map<string, object>();

  constructor(factories: ServiceFactories) {
    this.#factories = factories;
  }

  /** Runs `service.method(...args)`; rejects with a message for a bad name or a failure. */
  async call(service: string, method: string, args: unknown[]): Promise<unknown> {
    let target = this.#made.get(service);
    if (target === undefined) {
      target = makeService(this.#factories, service);
      this.#made.set(service, target);
    }
    const fn = (target as Record<string, unknown>)[method];
    if (typeof fn !== "function") throw new TypeError(`Service has no method "${method}"`);
    return await fn.apply(target, args);
  }

  /** Runs the call `msg` of `worker` and posts the reply to it: the value, or the error's text. */
  answer(worker: Worker, msg: ServiceCall): void {
    this.call(msg.service, msg.method, msg.args).then(
      (value) =>
        worker.postMessage({ type: "reply", id: msg.id, ok: true, value } satisfies ToWorker),
      (e) =>
        worker.postMessage(
          {
            type: "reply",
            id: msg.id,
            ok: false,
            error: e instanceof Error ? e.message : String(e),
          } satisfies ToWorker,
        ),
    );
  }
}
