/**
 * The caps of resumable uploads are one truth for the whole server: with 2 workers, creations
 * racing (each on its own connection, which the kernel spreads over the workers) take exactly
 * the places there are; completion and termination in any worker give places back; and a new
 * server counts the incomplete uploads the previous run left on disk.
 */

import { assertEquals } from "../support/assert.ts";
import { type AppConfig, appConfig } from "../../src/app/app_config.ts";
import { type AppServer, startApp } from "../support/app_server.ts";
import { b64, exchange } from "./resumable_fixture.ts";

const WORKERS = 2;

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "wireserve-caps-" });
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function withServer(
  config: AppConfig,
  fn: (srv: AppServer) => Promise<void>,
): Promise<void> {
  const srv = await startApp(config, {}, WORKERS);
  try {
    await fn(srv);
  } finally {
    await srv.close();
  }
  assertEquals(srv.errors, []);
}

/** A tus creation (or any request) on a connection of its own: status and Location. */
async function send(port: number, method: string, path: string, fields: string[] = []) {
  const head = [`${method} ${path} HTTP/1.1`, "Host: x", "Tus-Resumable: 1.0.0", ...fields];
  const answers = await exchange(port, `${head.join("\r\n")}\r\nConnection: close\r\n\r\n`);
  const final = answers[answers.length - 1];
  return { status: final.status, location: final.header("location") ?? "" };
}

function create(port: number, name: string, length: number) {
  return send(port, "POST", "/files/", [
    `Upload-Length: ${length}`,
    `Upload-Metadata: filename ${b64(name)}`,
  ]);
}

function patch(port: number, location: string, offset: number, body: string) {
  return exchange(
    port,
    `PATCH ${location} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n` +
      `Content-Type: application/offset+octet-stream\r\nUpload-Offset: ${offset}\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  ).then((answers) => answers[answers.length - 1].status);
}

function statuses(results: Array<{ status: number }>): Record<number, number> {
  const out: Record<number, number> = {};
  for (const { status } of results) out[status] = (out[status] ?? 0) + 1;
  return out;
}

Deno.test("resumable caps: 2 workers, concurrent creations take exactly the places there are", async () => {
  await withRoot(async (root) => {
    const config = appConfig({ directory: root, resumableMaxUploads: 4 });
    await withServer(config, async (srv) => {
      const racing = Array.from({ length: 16 }, (_, i) => create(srv.port, `r${i}`, 3));
      const results = await Promise.all(racing);
      assertEquals(statuses(results), { 201: 4, 429: 12 });
      // One completed, one terminated, each on a connection of its own (any worker).
      const [done, gone] = results.filter((r) => r.status === 201);
      assertEquals(await patch(srv.port, done.location, 0, "abc"), 204);
      assertEquals((await send(srv.port, "DELETE", gone.location)).status, 204);
      const again = await Promise.all(
        Array.from({ length: 6 }, (_, i) => create(srv.port, `s${i}`, 3)),
      );
      assertEquals(statuses(again), { 201: 2, 429: 4 });
    });
  });
  await withRoot(async (root) => {
    const config = appConfig({ directory: root, resumableMaxBytes: 100 });
    await withServer(config, async (srv) => {
      const racing = Array.from({ length: 12 }, (_, i) => create(srv.port, `b${i}`, 30));
      assertEquals(statuses(await Promise.all(racing)), { 201: 3, 413: 9 });
    });
  });
});

Deno.test("resumable caps: after a restart, an incomplete upload of the previous run holds its place", async () => {
  await withRoot(async (root) => {
    const config = appConfig({ directory: root, resumableMaxUploads: 1 });
    let location = "";
    await withServer(config, async (srv) => {
      location = (await create(srv.port, "left.bin", 6)).location;
      assertEquals(await patch(srv.port, location, 0, "abc"), 204);
    });
    await withServer(config, async (srv) => {
      assertEquals((await create(srv.port, "new.bin", 1)).status, 429);
      assertEquals(await patch(srv.port, location, 3, "def"), 204); // completes: its place frees
      assertEquals((await create(srv.port, "new.bin", 1)).status, 201);
    });
    assertEquals(await Deno.readTextFile(`${root}/left.bin`), "abcdef");
  });
});

Deno.test("resumable caps: 2 workers, racing appends of unknown length take exactly the bytes there are", async () => {
  await withRoot(async (root) => {
    const config = appConfig({ directory: root, resumableMaxBytes: 100 });
    await withServer(config, async (srv) => {
      const created = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          send(srv.port, "POST", "/files/", [
            "Upload-Defer-Length: 1",
            `Upload-Metadata: filename ${b64(`d${i}`)}`,
          ])),
      );
      assertEquals(statuses(created), { 201: 5 });
      const appends = await Promise.all(
        created.map((c) => patch(srv.port, c.location, 0, "x".repeat(40))),
      );
      assertEquals(statuses(appends.map((status) => ({ status }))), { 204: 2, 413: 3 });
    });
  });
});
