/**
 * A download the client cuts short is logged with the body bytes that went out before the cut,
 * not `-`: over real TCP, the client reads part of a large file and closes.
 */

import { assert } from "../support/assert.ts";
import { startServer } from "../support/server.ts";
import { collectingSink } from "../support/app_server.ts";
import { createApp } from "../../src/app/routes.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { accessLogger } from "../../src/log/access_log.ts";

/** Far more than loopback socket buffers hold, so the server is mid-body when the client goes. */
const FILE_BYTES = 32 * 1024 * 1024;
const READ_BYTES = 1024 * 1024;
const SETTLE_MS = 5000;
const POLL_MS = 20;

/** Sends `GET path`, reads about `readBytes` of the answer and closes with the rest unread. */
async function readPartly(port: number, path: string, headers: string): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nHost: t\r\n${headers}\r\n`));
    const buf = new Uint8Array(64 * 1024);
    let got = 0;
    while (got < READ_BYTES) {
      const n = await conn.read(buf);
      if (n === null) throw new Error("the server closed first");
      got += n;
    }
  } finally {
    conn.close();
  }
}

/** The size field of the common-format line for `path` (waits for the line). */
async function loggedSize(lines: string[], flush: () => Promise<void>, path: string) {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    await flush();
    const line = lines.find((l) => l.includes(`"GET ${path} HTTP/1.1"`));
    if (line !== undefined) {
      const m = line.match(/" (\d{3}|-) (\d+|-) /);
      assert(m !== null, line);
      assert(line.endsWith(" ended=client-gone"), line);
      return m[2];
    }
    if (Date.now() > deadline) throw new Error(`no log line for ${path}: ${lines.join("\n")}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

Deno.test("a download cut short by the client logs the body bytes that went out", async () => {
  const root = await Deno.makeTempDir({ prefix: "wireserve-logbytes-" });
  const data = new Uint8Array(FILE_BYTES);
  for (let i = 0; i < data.length; i += 65536) {
    crypto.getRandomValues(data.subarray(i, i + 65536));
  }
  await Deno.writeFile(`${root}/big.bin`, data);
  // Text that gzip keeps large, so the compressed stream too is cut mid-body.
  await Deno.writeTextFile(`${root}/big.txt`, data.subarray(0, FILE_BYTES / 2).toBase64());
  const { sink, lines } = collectingSink();
  const srv = startServer(createApp(appConfig({ directory: root, statCacheMs: 0 })), {}, {
    onResponse: accessLogger("common", sink),
  });
  try {
    // A file body (the engine's file sender) and a compressed stream (chunked).
    for (
      const [path, headers] of [["/files/big.bin", ""], [
        "/files/big.txt",
        "Accept-Encoding: gzip\r\n",
      ]]
    ) {
      await readPartly(srv.port, path, headers);
      const size = await loggedSize(lines, () => sink.flush(), path);
      assert(size !== "-", `a cut download logs its bytes, not "-" (${path})`);
      const n = Number(size);
      assert(n >= READ_BYTES / 2 && n <= FILE_BYTES, `${path}: ${n} bytes`);
    }
  } finally {
    await srv.close();
    await Deno.remove(root, { recursive: true });
  }
});
