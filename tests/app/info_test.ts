/**
 * `GET /api/info`: the document the UI reads to decide which controls to show.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { infoHandler, serverInfo } from "../../src/app/info.ts";
import { createApp } from "../../src/app/routes.ts";
import { startServer } from "../support/server.ts";

Deno.test("serverInfo reports the default mode: writable, nothing destructive, no auth", () => {
  const config = appConfig({ version: "9.8.7" });
  assertEquals(serverInfo(config), {
    name: "wireserve",
    version: "9.8.7",
    readOnly: false,
    noOverwrite: false,
    allowDelete: false,
    allowMkdir: false,
    maxUploadBytes: config.maxUploadBytes,
    authRequired: { writes: false, reads: false },
    dotfiles: false,
    lanUrls: [],
  });
});

Deno.test("serverInfo reports the flags the config sets", () => {
  const info = serverInfo(appConfig({
    noOverwrite: true,
    allowDelete: true,
    allowMkdir: true,
    maxUploadBytes: 1234,
    dotfiles: true,
  }));
  assertEquals(
    [info.noOverwrite, info.allowDelete, info.allowMkdir, info.maxUploadBytes, info.dotfiles],
    [true, true, true, 1234, true],
  );
});

Deno.test("serverInfo hides delete and mkdir when the server is read-only", () => {
  const info = serverInfo(appConfig({ readOnly: true, allowDelete: true, allowMkdir: true }));
  assertEquals([info.readOnly, info.allowDelete, info.allowMkdir], [true, false, false]);
});

Deno.test("serverInfo reports no upload limit when the server is read-only", () => {
  assertEquals(serverInfo(appConfig({ readOnly: true })).maxUploadBytes, null);
});

Deno.test("infoHandler reports the LAN URLs the program knows at each request", async () => {
  let lan: string[] = [];
  const handler = infoHandler(appConfig(), { lanUrls: () => lan });
  assertEquals(JSON.parse(String(handler().body)).lanUrls, []);
  lan = ["http://192.168.1.20:8000/"];
  assertEquals(JSON.parse(String(handler().body)).lanUrls, ["http://192.168.1.20:8000/"]);
  await Promise.resolve();
});

Deno.test("serverInfo asks for credentials on writes only when auth is set without authAll", () => {
  assertEquals(serverInfo(appConfig({ auth: "u:p" })).authRequired, {
    writes: true,
    reads: false,
  });
  assertEquals(serverInfo(appConfig({ token: "t" })).authRequired, { writes: true, reads: false });
});

Deno.test("serverInfo asks for credentials on reads too when authAll is set", () => {
  assertEquals(serverInfo(appConfig({ token: "t", authAll: true })).authRequired, {
    writes: true,
    reads: true,
  });
  // authAll without any credential protects nothing: there is nothing to ask for.
  assertEquals(serverInfo(appConfig({ authAll: true })).authRequired, {
    writes: false,
    reads: false,
  });
});

Deno.test("serverInfo never carries the credentials or the shared folder's path", () => {
  const text = JSON.stringify(
    serverInfo(appConfig({ auth: "alice:s3cret", token: "tok3n", directory: "/srv/private" })),
  );
  for (const secret of ["s3cret", "tok3n", "alice", "/srv/private"]) {
    assert(!text.includes(secret), `info leaks ${secret}`);
  }
});

Deno.test("infoHandler answers JSON that must not be stored", async () => {
  const res = await infoHandler(appConfig())();
  assertEquals(res.status, 200);
  const headers = new Map(res.headers);
  assertEquals(headers.get("Content-Type"), "application/json; charset=utf-8");
  assertEquals(headers.get("Cache-Control"), "no-store");
  assertEquals(JSON.parse(String(res.body)).name, "wireserve");
});

Deno.test("GET /api/info answers over the real server without credentials by default", async () => {
  const srv = startServer(createApp(appConfig({ readOnly: true, token: "t" })));
  try {
    const res = await fetch(`http://127.0.0.1:${srv.port}/api/info`);
    assertEquals(res.status, 200);
    const info = await res.json();
    assertEquals([info.readOnly, info.authRequired], [true, { writes: true, reads: false }]);
  } finally {
    await srv.close();
  }
});

Deno.test("GET /api/info needs credentials like every read when authAll is set", async () => {
  const srv = startServer(createApp(appConfig({ token: "t0ken", authAll: true })));
  try {
    const url = `http://127.0.0.1:${srv.port}/api/info`;
    const denied = await fetch(url);
    await denied.body?.cancel();
    assertEquals(denied.status, 401);
    const res = await fetch(url, { headers: { Authorization: "Bearer t0ken" } });
    assertEquals(res.status, 200);
    assertEquals((await res.json()).authRequired, { writes: true, reads: true });
  } finally {
    await srv.close();
  }
});
