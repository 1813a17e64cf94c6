/**
 * A streamed body that holds a place in a server-wide count (a `?zip` archive, a large listing)
 * and must give it back whatever happens to the stream.
 * @module
 */

import { discardBody } from "../http/discard_body.ts";

/** A body holding a place; `cancel` is for a body that is never sent (the writer calls it). */
export interface HeldStream extends AsyncIterable<Uint8Array> {
  cancel(): Promise<void>;
}

/**
 * `source`, calling `release` once it ends, fails or is given up — also when it is given up
 * before its first piece (HEAD, an error, a client gone before the answer): an async generator's
 * own `finally` never runs when it was never started. `release` must be safe to call twice.
 */
export function holdingPlace(
  source: AsyncIterable<Uint8Array>,
  release: () => void,
): HeldStream {
  let pieces: AsyncIterator<Uint8Array> | null = null;
  const giveUp = async () => {
    release();
    // A source never started must be cancelled as a whole: it may hold a place of its own (a
    // compressed stream's place in the isolate's cap), which only its `cancel` gives back.
    if (pieces === null) await discardBody({ kind: "stream", stream: source });
    else await pieces.return?.();
  };
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
        await giveUp();
        return { done: true, value: undefined };
      },
    }),
    cancel: giveUp,
  };
}
