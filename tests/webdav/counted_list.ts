/**
 * Test support for the cost of a pass over a list: the list behind a proxy that counts how often
 * its elements are read, so a test can pin that work grows with the input, not with its square,
 * without timing anything.
 * @module
 */

/** `items` behind a proxy counting reads of its elements; `reads()` says how many so far. */
export function countedList<T>(items: T[]): { list: T[]; reads: () => number } {
  let reads = 0;
  const list = new Proxy(items, {
    get(target, key, receiver) {
      if (typeof key === "string" && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  return { list, reads: () => reads };
}
