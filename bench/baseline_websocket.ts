/**
 * The WebSocket baseline for bench/websocket_bench.ts: Deno.serve with Deno.upgradeWebSocket,
 * echoing every message on `/websocket/echo` (and 200 on `/` for the bench's start probe). Only
 * benchmarks use Deno.serve.
 *
 * Usage: deno run -A bench/baseline_websocket.ts --port <n>
 * @module
 */

import { parseArgs } from "node:util";

const { values } = parseArgs({ args: Deno.args, options: { port: { type: "string" } } });
if (!values.port) {
  console.error("baseline: --port is required");
  Deno.exit(2);
}

Deno.serve({ hostname: "127.0.0.1", port: Number(values.port), onListen: () => {} }, (req) => {
  if (req.headers.get("upgrade") !== "websocket") return new Response("ok\n");
  const { socket, response } = Deno.upgradeWebSocket(req);
  socket.binaryType = "arraybuffer";
  socket.onmessage = (e) => socket.send(e.data);
  return response;
});
