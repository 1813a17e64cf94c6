/**
 * Downloads and uploads give their large buffers back to the shared budget, however they end.
 */

import { assertEquals } from "../support/assert.ts";
import { LARGE_BUFFER_BUDGET_BYTES, largeBuffers } from "../../src/http/buffer_budget.ts";
import { startApp, testWorkers } from "../support/app_server.ts";
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

const BODY_READ_BYTES = 256 * 1024; // DEFAULT_LIMITS.bodyReadBufferBytes

async function until(ok: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// With worker isolates the budget they charge is theirs (shared memory), not this isolate's.
const IN_THIS_ISOLATE = testWorkers() === 1;

Deno.test({
  name:
    "a large body read in pieces is charged to the budget while it is read, given back when the client vanishes",
  ignore: !IN_THIS_ISOLATE,
}, async () => {
  const root = await Deno.makeTempDir();
  const srv = await startApp(appConfig({ directory: root }));
  const conns: Deno.Conn[] = [];
  try {
    const head = `POST /anything HTTP/1.1\r\nHost: x\r\nContent-Length: ${1024 * 1024}\r\n\r\n`;
    for (let i = 0; i < 4; i++) {
      const c = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
      conns.push(c);
      await c.write(new TextEncoder().encode(head));
      const part = new Uint8Array(300 * 1024).fill(0x61);
      for (let at = 0; at < part.length;) at += await c.write(part.subarray(at));
    }
    // Four stalled bodies, each past its first big read: four buffers charged (not 4 × 256 KiB
    // of memory nobody counts).
    await until(
      () => largeBuffers.left === LARGE_BUFFER_BUDGET_BYTES - 4 * BODY_READ_BYTES,
      `4 × 256 KiB charged (left: ${LARGE_BUFFER_BUDGET_BYTES - largeBuffers.left})`,
    );
    for (const c of conns.splice(0)) c.close();
    await until(() => largeBuffers.left === LARGE_BUFFER_BUDGET_BYTES, "the budget given back");
  } finally {
    for (const c of conns) c.close();
    await srv.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name: "a large body is still read whole when the budget is spent (through the small buffer)",
  ignore: !IN_THIS_ISOLATE,
}, async () => {
  const root = await Deno.makeTempDir();
  const srv = await startApp(appConfig({ directory: root }));
  const taken = largeBuffers.left;
  assertEquals(largeBuffers.acquire(taken), true);
  try {
    const body = new Uint8Array(900 * 1024).fill(0x62);
    const res = await fetch(`http://127.0.0.1:${srv.port}/inspect`, { method: "POST", body });
    const text = await res.text();
    assertEquals(res.status, 200);
    assertEquals(text.includes(`${body.length}`), true, text.slice(0, 300));
  } finally {
    largeBuffers.release(taken);
    await srv.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name:
    "bodies held whole share one budget: past it /anything gets 503 and /inspect keeps what fits; an exchange gives its share back",
  ignore: !IN_THIS_ISOLATE,
}, async () => {
  const { HELD_BODY_BUDGET_BYTES, heldBodies } = await import("../../src/http/buffer_budget.ts");
  const root = await Deno.makeTempDir();
  const srv = await startApp(appConfig({ directory: root }));
  const url = (p: string) => `http://127.0.0.1:${srv.port}${p}`;
  const body = "x".repeat(100_000);
  try {
    const ok = await fetch(url("/anything"), { method: "POST", body });
    assertEquals(ok.status, 200);
    await ok.body?.cancel();
    assertEquals(heldBodies.left, HELD_BODY_BUDGET_BYTES, "the exchange gave its share back");
    // Other connections hold all but 1,000 bytes.
    const taken = HELD_BODY_BUDGET_BYTES - 1_000;
    assertEquals(heldBodies.acquire(taken), true);
    try {
      const busy = await fetch(url("/anything"), { method: "POST", body });
      assertEquals([busy.status, busy.headers.get("retry-after")], [503, "1"]);
      await busy.body?.cancel();
      // WebDAV's XML bodies are held whole too (PROPFIND, PROPPATCH, LOCK).
      const xml = `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:x>${
        "a".repeat(100_000)
      }</D:x></D:prop></D:propfind>`;
      for (const method of ["PROPFIND", "PROPPATCH", "LOCK"]) {
        const dav = await fetch(url("/files/"), { method, body: xml });
        assertEquals([dav.status, dav.headers.get("retry-after")], [503, "1"], method);
        await dav.body?.cancel();
      }
      const inspected = await fetch(url("/inspect?format=json"), { method: "POST", body });
      assertEquals(inspected.status, 200);
      const report = await inspected.json();
      assertEquals(JSON.stringify(report).includes("x".repeat(50_000)), false, "kept past budget");
    } finally {
      heldBodies.release(taken);
    }
    assertEquals(heldBodies.left, HELD_BODY_BUDGET_BYTES);
    const again = await fetch(url("/anything"), { method: "POST", body });
    assertEquals(again.status, 200);
    await again.body?.cancel();
  } finally {
    await srv.close();
    await Deno.remove(root, { recursive: true });
  }
});
