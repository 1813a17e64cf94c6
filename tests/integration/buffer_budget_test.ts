/**
 * Downloads and uploads give their large buffers back to the shared budget, however they end.
 */

import { assertEquals } from "../support/assert.ts";
import { LARGE_BUFFER_BUDGET_BYTES, largeBuffers } from "../../src/http/buffer_budget.ts";
import { startApp } from "../support/app_server.ts";
import { appConfig } from "../../src/app/app_config.ts";

Deno.test("downloads and uploads give their large buffers back to the shared budget", async () => {
  const root = await Deno.makeTempDir();
  const big = new Uint8Array(3 * 1024 * 1024).fill(0x61);
  await Deno.writeFile(`${root}/big.bin`, big);
  const srv = await startApp(appConfig({ directory: root }));
  try {
    const base = `http://127.0.0.1:${srv.port}/files`;
    const got = await (await fetch(`${base}/big.bin`)).arrayBuffer();
    assertEquals(got.byteLength, big.length);
    const put = await fetch(`${base}/copy.bin`, { method: "PUT", body: big });
    await put.body?.cancel();
    assertEquals(put.status, 201);
  } finally {
    await srv.close();
    await Deno.remove(root, { recursive: true });
  }
  assertEquals(largeBuffers.left, LARGE_BUFFER_BUDGET_BYTES);
});
