/**
 * A worker's side of shared services: a proxy per service whose methods post a call to the main
 * thread and resolve with its reply.
 *
 * This module must not know routes or sockets.
 * @module
 */

import type { Remote } from "../app/shared_state.ts";
import type { FromWorker, ToWorker } from "./messages.ts";

type Reply = Extract<ToWorker, { type: "reply" }>;

/** Calls services over `post`; `settle` takes the replies. */
export class ServiceClient {
  #post: (msg: FromWorker) => void;
  #nextId = 1;
  #waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  #proxies = new Map<string, Remote<object>>();

  constructor(post: (msg: FromWorker) => void) {
    this.#post = post;
  }

  /** The proxy of service `name`. */
  remote<T extends object>(name: string): Remote<T> {
    let proxy = this.#proxies.get(name);
    if (proxy === undefined) {
      proxy = new Proxy({}, {
        get: (_, method) =>
          typeof method !== "string"
            ? undefined
            : (...args: unknown[]) =>
              new Promise((resolve, reject) => {
                const id = this.#nextId++;
                this.#waiting.set(id, { resolve, reject });
                this.#post({ type: "call", id, service: name, method, args });
              }),
      }) as Remote<object>;
      this.#proxies.set(name, proxy);
    }
    return proxy as Remote<T>;
  }

  /** Resolves or rejects the call `reply` answers. */
  settle(reply: Reply): void {
    const waiting = this.#waiting.get(reply.id);
    if (waiting === undefined) return;
    this.#waiting.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(new Error(reply.error));
  }
}
