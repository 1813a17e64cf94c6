/** Shared state in one isolate behaves as it would across workers. */

import { asRemote, localSharedState } from "../../src/app/shared_state.ts";
import { assertEquals, assertRejects } from "../support/assert.ts";

class Counter {
  #n = 0;
  seen: number[] = [];
  add(by: number): number {
    this.#n += by;
    return this.#n;
  }
  keep(list: number[]): number[] {
    this.seen = list;
    return list;
  }
}

Deno.test("a local service is made once and answers through promises", async () => {
  let made = 0;
  const shared = localSharedState({ counter: () => (made++, new Counter()) });
  const a = shared.service<Counter>("counter");
  const b = shared.service<Counter>("counter");
  assertEquals(await a.add(2), 2);
  assertEquals(await b.add(3), 5);
  assertEquals(made, 1);
});

Deno.test("a local service gets and gives copies, as across isolates", async () => {
  const counter = new Counter();
  const remote = asRemote(counter);
  const list = [1, 2];
  const back = await remote.keep(list);
  list.push(3);
  assertEquals(counter.seen, [1, 2]);
  back.push(4);
  assertEquals(counter.seen, [1, 2]);
});

Deno.test("an unknown service name or method is an error", async () => {
  const shared = localSharedState({});
  let thrown = "";
  try {
    shared.service("nope");
  } catch (e) {
    thrown = (e as Error).message;
  }
  assertEquals(thrown, 'No shared service is named "nope"');
  const remote = asRemote(new Counter()) as unknown as { missing(): Promise<void> };
  await assertRejects(() => remote.missing(), TypeError);
});
