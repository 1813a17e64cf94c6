/**
 * The slot list: constant-time add and delete with each member keeping its own index.
 */

import { assertEquals } from "../support/assert.ts";
import { SlotList, type Slotted } from "../../src/http/slot_list.ts";

interface Item extends Slotted {
  name: string;
}

function items(...names: string[]): Item[] {
  return names.map((name) => ({ name }));
}

function names(list: SlotList<Item>): string[] {
  return list.values().map((i) => i.name).sort();
}

Deno.test("slot list deletes from the middle and keeps every other member", () => {
  const list = new SlotList<Item>();
  const [a, b, c, d] = items("a", "b", "c", "d");
  for (const i of [a, b, c, d]) list.add(i);
  list.delete(b);
  assertEquals([names(list), list.size, b.listSlot], [["a", "c", "d"], 3, -1]);
  // The last member moved into the gap and knows it: deleting it then works too.
  list.delete(d);
  list.delete(a);
  assertEquals(names(list), ["c"]);
  list.delete(c);
  assertEquals(list.size, 0);
});

Deno.test("slot list ignores a second add and a delete of what it does not hold", () => {
  const list = new SlotList<Item>();
  const other = new SlotList<Item>();
  const [a, b] = items("a", "b");
  list.add(a);
  list.add(a);
  list.delete(b);
  other.delete(a); // held by another list: not this one's to delete
  assertEquals([names(list), list.size, a.listSlot], [["a"], 1, 0]);
});

Deno.test("values() is a copy: deleting while walking it visits every member once", () => {
  const list = new SlotList<Item>();
  for (const i of items("a", "b", "c", "d", "e")) list.add(i);
  const seen: string[] = [];
  for (const i of list.values()) {
    seen.push(i.name);
    list.delete(i);
  }
  assertEquals([seen.sort(), list.size], [["a", "b", "c", "d", "e"], 0]);
});

Deno.test("forEachFromLast visits every member when each deletes itself", () => {
  const list = new SlotList<Item>();
  for (const i of items("a", "b", "c", "d", "e")) list.add(i);
  const seen: string[] = [];
  list.forEachFromLast((i) => {
    seen.push(i.name);
    list.delete(i);
  });
  assertEquals([seen.sort(), list.size], [["a", "b", "c", "d", "e"], 0]);
});
