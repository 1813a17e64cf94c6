/**
 * A worker: one isolate that serves the app on the shared port (SO_REUSEPORT) until the main
 * thread tells it to stop. It builds its own app from the plain config it is sent, counts its
 * connections and large buffers in shared memory, sends its log lines to the main thread (the one
 * writer of stdout, so lines never interleave) and calls shared services there.
 *
 * This module is a Worker's entry point: it must not be imported.
 * @module
 */

/// <reference lib="deno.worker" />

import { createApp } from "../app/routes.ts";
import { reclaimWhenIdle } from "../app/idle_memory.ts";
import { lanUrls } from "../app/lan_urls.ts";
import { readProcessVar, templateVarReader } from "../app/template_vars.ts";
import { heldBodies, largeBuffers } from "../http/buffer_budget.ts";
import { HttpServer } from "../http/server.ts";
import { accessLogger } from "../log/access_log.ts";
import { type ByteWriter, LineSink } from "../log/line_sink.ts";
import type { FromWorker, ToWorker } from "./messages.ts";
import { ServiceClient } from "./service_client.ts";
import { viewSharedMemory } from "./shared_memory.ts";

const post = (msg: FromWorker, transfer: Transferable[] = []) => self.postMessage(msg, transfer);
const services = new ServiceClient(post);
let server: HttpServer | null = null;
const out = new LineSink(relay("out"));
const err = new LineSink(relay("err"));

/** A writer whose bytes become a message to the main thread. */
function relay(stream: "out" | "err"): ByteWriter {
  return {
    write(p: Uint8Array): Promise<number> {
      const bytes = p.slice();
      post({ type: "log", stream, bytes }, [bytes.buffer]);
      return Promise.resolve(p.length);
    },
  };
}

function start(msg: Extract<ToWorker, { type: "start" }>): void {
  const views = viewSharedMemory(msg.memory, msg.index);
  largeBuffers.attach(views.largeBufferBytes);
  heldBodies.attach(views.heldBodyBytes);
  const shared = {
    changes: views.changes,
    service: <T extends object>(name: string) => services.remote<T>(name),
    counter: views.counter,
  };
  const config = msg.config;
  let lan: readonly string[] = [];
  const hooks = {
    warn: (line: string) => err.line(line),
    templateVar: templateVarReader(readProcessVar, config.templateFileVars),
    lanUrls: () => lan,
  };
  try {
    server = new HttpServer({
      hostname: config.hostname,
      port: config.port,
      handler: createApp(config.app, hooks, shared),
      limits: config.limits,
      tls: config.tls ?? undefined,
      reusePort: true,
      openConnections: views.openConnections,
      roomRequests: views.roomRequests,
      onError: (e, where) => err.line(`wireserve: ${where} failed: ${errorText(e)}`),
      onResponse: accessLogger(config.log, out),
    });
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    post({ type: "failed", name: error.name, message: error.message });
    return;
  }
  const stopReclaiming = reclaimWhenIdle(
    () => server!.requestCount,
    () => post({ type: "collected" }),
  );
  server.finished.finally(stopReclaiming);
  lan = lanUrls(server.addr.hostname, server.addr.port, config.tls !== null, config.interfaces);
  post({ type: "ready", port: server.addr.port });
}

async function stop(timeoutMs: number): Promise<void> {
  await server?.shutdown(timeoutMs);
  await Promise.all([out.flush(), err.flush()]);
  post({ type: "stopped" });
}

function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  switch (msg.type) {
    case "start":
      return start(msg);
    case "stop":
      return void stop(msg.timeoutMs);
    case "reply":
      return services.settle(msg);
    case "crash":
      // Thrown from a timer, so it is uncaught: the supervisor sees what a bug would cause.
      setTimeout(() => {
        throw new Error("worker crash requested");
      });
      return;
    case "ping":
      return post({ type: "pong" });
    case "block": {
      // A busy wait, not a sleep: nothing else of this isolate may run meanwhile.
      const until = performance.now() + msg.ms;
      while (performance.now() < until) { /* blocked on purpose */ }
      return;
    }
  }
};
