import { assertEquals, assertRejects } from "../support/assert.ts";
import { onDemand } from "../../src/app/on_demand.ts";

Deno.test("onDemand loads once, on the first call, and answers synchronously once loaded", async () => {
  let loads = 0;
  const get = onDemand(() => {
    loads++;
    return Promise.resolve({ name: "feature" });
  });
  assertEquals(loads, 0);
  const first = get();
  const second = get();
  assertEquals(first instanceof Promise, true);
  assertEquals(second, first); // callers during the load share it
  const value = await first;
  assertEquals(loads, 1);
  assertEquals(get(), value); // now the value itself, not a promise
  assertEquals(loads, 1);
});

Deno.test("onDemand tries again after a failed load", async () => {
  let loads = 0;
  const get = onDemand(() => {
    loads++;
    return loads === 1 ? Promise.reject(new Error("no module")) : Promise.resolve(42);
  });
  await assertRejects(async () => await get(), /no module/);
  assertEquals(await get(), 42);
  assertEquals(loads, 2);
});
