/**
 * The echo and httpbin routes through the real server: framing of generated and streamed
 * bodies, caps answered at once, HEAD, and real clients (curl, fetch) decoding our gzip and
 * brotli.
 */

import { type AppServer, startApp } from "../support/app_server.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";

const GET = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;

async function withServer(fn: (srv: AppServer) => Promise<void>): Promise<void> {
  const srv = await startApp(appConfig({ maxDelaySeconds: 2, maxGeneratedBytes: 1024 * 1024 }));
  try {
    await fn(srv);
  } finally {
    await srv.close();
  }
  assertEquals(srv.errors, []);
}

async function exchange(port: number, request: string, timeoutMs = 3000) {
  const c = await RawClient.connect(port);
  try {
    await c.send(request);
    const res = await c.readResponse(timeoutMs);
    assert(res !== null, "a response");
    return res;
  } finally {
    c.close();
  }
}

Deno.test("caps are answered with 400 at once: /delay/1000 and /bytes/10000000000", async () => {
  await withServer(async (srv) => {
    const start = performance.now();
    const delay = await exchange(srv.port, GET("/delay/1000"));
    const bytes = await exchange(srv.port, GET("/bytes/10000000000"));
    // Waiting even the most allowed (maxDelaySeconds: 2) first would take 2000 ms; the bound
    // leaves a loaded CI machine room for two exchanges.
    assert(performance.now() - start < 1500, "answered quickly");
    assertEquals([delay.status, bytes.status], [400, 400]);
    assert(/maxDelaySeconds/.test(delay.text) && /maxGeneratedBytes/.test(bytes.text));
  });
});

Deno.test("/bytes streams a large body with Content-Length and /stream-bytes is chunked", async () => {
  await withServer(async (srv) => {
    const big = await exchange(srv.port, GET("/bytes/300000?seed=1"));
    assertEquals([big.header("content-length"), big.body.length], ["300000", 300000]);
    assertEquals(big.header("transfer-encoding"), undefined);
    const streamed = await exchange(srv.port, GET("/stream-bytes/50000?chunk_size=7000"));
    assertEquals([streamed.header("transfer-encoding"), streamed.body.length], ["chunked", 50000]);
  });
});

Deno.test("/drip sends its first byte before the last one is due", async () => {
  await withServer(async (srv) => {
    const c = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
    try {
      const start = performance.now();
      await c.write(
        new TextEncoder().encode(GET("/drip?numbytes=3&duration=0.6", "Connection: close\r\n")),
      );
      const buf = new Uint8Array(4096);
      let text = "";
      let firstStar = -1;
      for (;;) {
        const n = await c.read(buf);
        if (n === null) break;
        text += new TextDecoder().decode(buf.subarray(0, n));
        if (firstStar < 0 && text.includes("\r\n\r\n*")) firstStar = performance.now() - start;
      }
      assert(text.endsWith("\r\n\r\n***"), text);
      assert(firstStar > 0 && firstStar < 450, `first byte after ${firstStar} ms`);
    } finally {
      c.close();
    }
  });
});

Deno.test("HEAD /echo with gzip announces the compressed length and sends no body", async () => {
  await withServer(async (srv) => {
    const get = await exchange(srv.port, GET("/echo/hello", "Accept-Encoding: gzip\r\n"));
    const c = await RawClient.connect(srv.port);
    try {
      // RawClient cannot know a response answers HEAD, so read the raw bytes of both answers.
      await c.send(
        "HEAD /echo/hello HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n" +
          GET("/echo/next", "Connection: close\r\n"),
      );
      const raw = await c.readAll();
      const [headHead, rest] = [
        raw.slice(0, raw.indexOf("\r\n\r\n")),
        raw.slice(raw.indexOf("\r\n\r\n") + 4),
      ];
      assert(headHead.includes(`Content-Length: ${get.header("content-length")}`), headHead);
      assert(headHead.includes("Content-Encoding: gzip"), headHead);
      assert(rest.startsWith("HTTP/1.1 200 OK\r\n"), "no body bytes after the HEAD answer");
      assert(rest.endsWith("\r\n\r\nnext"), rest);
    } finally {
      c.close();
    }
  });
});

Deno.test("/user-agent without User-Agent answers 200 with an empty body", async () => {
  await withServer(async (srv) => {
    const res = await exchange(srv.port, GET("/user-agent"));
    assertEquals([res.status, res.header("content-length"), res.text], [200, "0", ""]);
  });
});

Deno.test("/sse streams its events chunked over TCP", async () => {
  await withServer(async (srv) => {
    const res = await exchange(srv.port, GET("/sse?count=2&duration=0.1"));
    assertEquals(res.header("transfer-encoding"), "chunked");
    assertEquals(res.text.match(/event: ping/g)?.length, 2);
  });
});

Deno.test("curl decodes /echo gzip and /brotli, and reads /anything JSON", async () => {
  await withServer(async (srv) => {
    const curl = async (...args: string[]) => {
      const out = await new Deno.Command("curl", {
        args: ["-s", "--max-time", "5", ...args],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
      return new TextDecoder().decode(out.stdout);
    };
    const base = `http://127.0.0.1:${srv.port}`;
    assertEquals(await curl("--compressed", `${base}/echo/caf%C3%A9%20au%20lait`), "café au lait");
    const headers = await curl("--compressed", "-D", "-", "-o", "/dev/null", `${base}/echo/x`);
    assert(/^content-encoding: gzip\r$/im.test(headers), headers);
    assertEquals(JSON.parse(await curl("--compressed", `${base}/brotli`)).brotli, true);
    const any = JSON.parse(
      await curl("-H", "X-Dup: 1", "-H", "x-dup: 2", "-d", "a=1", `${base}/anything?q=z`),
    );
    assertEquals([any.method, any.form, any.args], ["POST", { a: ["1"] }, { q: ["z"] }]);
    assertEquals(any.headers["X-Dup"], ["1", "2"]);
  });
});

Deno.test("fetch decodes the gzip of /gzip transparently", async () => {
  await withServer(async (srv) => {
    const res = await fetch(`http://127.0.0.1:${srv.port}/gzip`);
    const json = await res.json();
    assertEquals([res.status, json.gzipped], [200, true]);
  });
});
