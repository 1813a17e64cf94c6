/**
 * The assertions tests use: Node's strict assert, re-exported under the names the suite reads.
 * @module
 */

import assertNode from "node:assert/strict";

/** Fails unless `value` is truthy. */
export function assert(value: unknown, message?: string): asserts value {
  assertNode.ok(value, message);
}

/** Fails unless `actual` deep-equals `expected`. */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  assertNode.deepStrictEqual(actual, expected, message);
}

/** Fails unless `fn` throws (or rejects). */
export const assertRejects = assertNode.rejects;

/** Fails unless `fn` throws (synchronously). */
export const assertThrows = assertNode.throws;
