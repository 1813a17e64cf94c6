/**
 * A streamed body that holds a place in a server-wide count (a `?zip` archive, a large listing)
 * and must give it back whatever happens to the stream.
 * @module
 */

/**
 * `source`, calling `release` once it ends, fails or is given up — also when it is given up
 * before its first piece (HEAD, an error, a client gone before the answer): an async generator's
 * own `finally` never runs when it was never started. `release` must be safe to call twice.
 */
export function holdingPlace(
  source: AsyncIterable<Uint8Array>,
  release: () => void,
): AsyncIterable<Uint8Array> {
  let pieces: AsyncIterator<Uint8Array> | null = null;
  return {
    [Symbol.asyncIterator]: () => ({
      async next() {
        try {
          const step = await (pieces ??= source[Symbol.asyncIterator]()).next();
          if (step.done) release();
          return step;
        } catch (err) {
          release();
          throw err;
        }
      },
      async return() {
        release();
        await pieces?.return?.();
        return { done: true, value: undefined };
      },
    }),
  };
}
