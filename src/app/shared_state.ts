/**
 * State that is one truth for the whole server, however many workers serve it. The mechanism
 * (docs/architecture.md, "Workers and shared state"):
 *
 * - **Shared memory** for what every request may need at once, synchronously: the change board
 *   (file writes → every worker's read caches), and, in src/http, the open-connection count and
 *   the large-buffer budget. Atomics on one SharedArrayBuffer the main thread makes.
 * - **Services hosted by the main thread** for the rest of the in-memory state (WebDAV locks,
 *   upload leases…): a plain class whose methods take and return plain data lives once, in the
 *   main thread, and every worker calls it through an async proxy (`service(name)`). The main
 *   thread's single event loop runs one call at a time, so each call is atomic.
 * - **The disk** for what must survive a restart (dead properties, partial uploads).
 *
 * With one worker everything runs in one isolate: the same interfaces, no messages.
 *
 * This module must not know features, workers or HTTP.
 * @module
 */

import { localCount, type SharedCount } from "../http/shared_count.ts";
import { ChangeBoard } from "./change_board.ts";

/** A service as seen from a worker: every method answers through a promise. */
export type Remote<T> = {
  [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] extends
    (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/** Makes the one instance of a service; the host calls it once, in the main thread. */
export type ServiceFactory = () => object;

/** The services of the app by name (features add theirs in app/routes.ts). */
export type ServiceFactories = Readonly<Record<string, ServiceFactory>>;

/** What every worker shares. */
export interface SharedState {
  /** Counters of file changes, read by the read caches (see change_board.ts). */
  readonly changes: ChangeBoard;
  /** The server-wide instance of the service `name`, through an async proxy. */
  service<T extends object>(name: string): Remote<T>;
  /**
   * The server-wide count `name` (one of the app's `SHARED_COUNTERS`), in shared memory: for
   * caps that must hold for the whole server, checked synchronously on every request.
   */
  counter(name: string): SharedCount;
}

/** Shared state for a server of one isolate: services are made here, on first use. */
export function localSharedState(factories: ServiceFactories = {}): SharedState {
  const made = new Map<string, Remote<object>>();
  const counters = new Map<string, SharedCount>();
  return {
    changes: new ChangeBoard(),
    counter(name: string): SharedCount {
      let count = counters.get(name);
      if (count === undefined) counters.set(name, count = localCount());
      return count;
    },
    service<T extends object>(name: string): Remote<T> {
      let remote = made.get(name);
      if (remote === undefined) {
        remote = asRemote(makeService(factories, name));
        made.set(name, remote);
      }
      return remote as Remote<T>;
    },
  };
}

/** The instance of service `name`; throws for a name nobody registered. */
export function makeService(factories: ServiceFactories, name: string): object {
  const factory = Object.hasOwn(factories, name) ? factories[name] : undefined;
  if (factory === undefined) throw new Error(`No shared service is named "${name}"`);
  return factory();
}

/**
 * `target` behind the same async interface a worker gets. Arguments and results are
 * structured-cloned, as they would be between isolates, so code that works with one worker
 * cannot come to depend on sharing objects with the service.
 */
export function asRemote<T extends object>(target: T): Remote<T> {
  return new Proxy({}, {
    get(_, method) {
      if (typeof method !== "string") return undefined;
      return async (...args: unknown[]) => {
        const fn = (target as Record<string, unknown>)[method];
        if (typeof fn !== "function") throw new TypeError(`Service has no method "${method}"`);
        return structuredClone(await fn.apply(target, structuredClone(args)));
      };
    },
  }) as Remote<T>;
}
