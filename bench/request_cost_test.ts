import { appConfig } from "../src/app/app_config.ts";
import { createApp } from "../src/app/routes.ts";
import { measureBatch, measureConnections, memoryConn, wrkRequest } from "./request_cost.ts";

function assert(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

Deno.test("memoryConn hands out the request once per read, then ends", async () => {
  const request = wrkRequest("/echo/x");
  const { conn } = memoryConn(request, 2);
  const reader = conn.readable.getReader({ mode: "byob" });
  const sizes: number[] = [];
  for (;;) {
    const { value, done } = await reader.read(new Uint8Array(1024));
    if (done) break;
    sizes.push(value.length);
  }
  assert(sizes.join() === `${request.length},${request.length}`, `reads: ${sizes}`);
});

Deno.test("measureBatch serves every request through the real app and reports its CPU cost", async () => {
  const ns = await measureBatch(createApp(appConfig()), wrkRequest("/echo/wireserve"), 200);
  assert(Number.isFinite(ns) && ns >= 0, `ns per request: ${ns}`);
});

Deno.test("measureBatch fails when the app does not answer every request", async () => {
  // A handler that throws is the server's fault: reported, so the batch must not pass as measured.
  const failing = () => {
    throw new Error("boom");
  };
  let failed = false;
  await measureBatch(failing, wrkRequest("/"), 3).catch(() => failed = true);
  assert(failed, "a failing handler went unnoticed");
});

Deno.test("measureConnections serves one request per connection and reports its CPU cost", async () => {
  const request = wrkRequest("/echo/wireserve", true);
  const ns = await measureConnections(createApp(appConfig()), request, 200);
  assert(Number.isFinite(ns) && ns >= 0, `ns per connection: ${ns}`);
  let failed = false;
  await measureConnections(
    () => {
      throw new Error("boom");
    },
    request,
    3,
  ).catch(() => failed = true);
  assert(failed, "a failing handler went unnoticed");
});
