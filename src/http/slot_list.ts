/**
 * An unordered collection for members that come and go all the time (one per connection, or per
 * request under `Connection: close`), with add and delete in constant time and no hash table:
 * each member keeps its own index in `listSlot`, and deleting moves the last member into the gap.
 *
 * Why not a Set: a Set whose members churn keeps rebuilding its table, and members it held
 * outlived their deletion until a full GC. Measured with `bench/request_cost.ts`'s in-memory
 * connection, one request each, 64 at a time: with the deadline clock's Set a connection cost
 * ~7 µs of CPU, with the server's connection and task Sets ~8.5 µs, with neither ~3 µs; with the
 * Sets every scavenge kept ~8 MiB of young objects. End to end (`wrk -H 'Connection: close'`,
 * one worker, echo) the server's CPU per request fell from 24–28 µs to 18–22 µs.
 *
 * This module must not know HTTP or sockets.
 * @module
 */

/** A member of one `SlotList` at a time. */
export interface Slotted {
  /** The list's bookkeeping: where it keeps this member; -1 or absent when in none. */
  listSlot?: number;
}

/** Members in an array, each knowing its index. */
export class SlotList<T extends Slotted> {
  #members: T[] = [];

  /** How many members it holds. */
  get size(): number {
    return this.#members.length;
  }

  /** Adds `member` (adding one already held changes nothing). */
  add(member: T): void {
    const members = this.#members;
    const slot = member.listSlot ?? -1;
    if (slot >= 0 && members[slot] === member) return;
    member.listSlot = members.length;
    members.push(member);
  }

  /** Removes `member` (one not held is ignored); the last member takes its place. */
  delete(member: T): void {
    const members = this.#members;
    const slot = member.listSlot ?? -1;
    if (slot < 0 || members[slot] !== member) return;
    const last = members.pop()!;
    if (last !== member) {
      members[slot] = last;
      last.listSlot = slot;
    }
    member.listSlot = -1;
  }

  /** A copy of the members, safe to walk while members are added or deleted. */
  values(): T[] {
    return this.#members.slice();
  }

  /**
   * Calls `fn` for each member, from the last down, without a copy. A member that `fn` deletes
   * is replaced by the last one, which was already visited; members added meanwhile are not
   * visited. (When `fn` deletes another member, the one moved into its place may be visited
   * twice.)
   */
  forEachFromLast(fn: (member: T) => void): void {
    const members = this.#members;
    for (let i = members.length - 1; i >= 0; i--) {
      const m = members[i];
      if (m !== undefined) fn(m);
    }
  }
}
