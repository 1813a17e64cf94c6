/**
 * The WebDAV bench's pure parts: the Apache config it generates and the report it renders.
 */

import { assert, assertEquals } from "../tests/support/assert.ts";
import { renderWebdavReport } from "./webdav_bench.ts";
import { apacheConfig } from "./webdav_servers.ts";

Deno.test("apacheConfig: loopback port, mod_dav on the folder, nobody when run as root", () => {
  const conf = apacheConfig(8123, "/t/root", "/t/apache", "root");
  assert(conf.includes("Listen 127.0.0.1:8123\n"));
  assert(conf.includes("Alias /files/ /t/root/\n<Directory /t/root/>\n  Dav On\n"));
  assert(conf.includes("DavLockDB /t/apache/DavLock"));
  assert(conf.includes("User nobody"));
  assert(!apacheConfig(8123, "/r", "/a", "self").includes("User "), "as itself otherwise");
});

Deno.test("renderWebdavReport puts each server beside Apache as a ratio of times", () => {
  const text = renderWebdavReport({
    date: new Date(0),
    rounds: 2,
    figures: [
      { server: "wireserve", propfindMs: 50, propfindBytes: 4096, responses: 10_001, copyMs: 2000 },
      {
        server: "Apache mod_dav",
        propfindMs: 60,
        propfindBytes: 5120,
        responses: 10_001,
        copyMs: 3000,
      },
    ],
    missing: ["x"],
    commands: ["deno run main.ts"],
  });
  assert(text.includes("| wireserve | 50.0 | 4 | 1.20× | 2.00 | 1.50× |"), text);
  assert(text.includes("| Apache mod_dav | 60.0 | 5 | 1.00× | 3.00 | 1.00× |"), text);
  assertEquals(text.includes("Not measured: x."), true);
});
