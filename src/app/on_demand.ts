/**
 * A module's value loaded when first asked for, not when the app starts. Every worker is its own
 * isolate and keeps the source text and compiled code of everything it imports: a feature no
 * request has used yet costs nothing in a worker that imports it this way (docs/memory.md).
 *
 * Once loaded, the value comes back synchronously, so a handler built on it answers as fast as
 * one imported at start; until then every caller waits on the one load. A failed load is not
 * remembered: the next call tries again.
 *
 * This module must not know HTTP.
 * @module
 */

/** A getter of `load`'s value: a promise until the first load ends, then the value itself. */
export function onDemand<T>(load: () => Promise<T>): () => T | Promise<T> {
  let loaded: { value: T } | null = null;
  let pending: Promise<T> | null = null;
  return () => {
    if (loaded !== null) return loaded.value;
    pending ??= load().then(
      (value) => {
        loaded = { value };
        return value;
      },
      (err) => {
        pending = null;
        throw err;
      },
    );
    return pending;
  };
}
