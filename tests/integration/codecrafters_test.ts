/**
 * The CodeCrafters "Build your own HTTP server" stages this issue owns, pinned over raw TCP
 * against the real app: bind, 200, 404, echo, user-agent, concurrent connections,
 * content-encoding, multiple schemes, gzip, persistent connections, concurrent persistent
 * connections, connection closure — and the file stages: GET /files/<name> and POST /files/<name>.
 */

import { gunzipSync } from "node:zlib";
import { type AppServer, startApp } from "../support/app_server.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";

const GET = (path: string, extra = "") =>
  `GET ${path} HTTP/1.1\r\nHost: localhost:4221\r\n${extra}\r\n`;

async function withServer(fn: (srv: AppServer) => Promise<void>): Promise<void> {
  const srv = await startApp(appConfig());
  try {
    await fn(srv);
  } finally {
    await srv.close();
  }
  assertEquals(srv.errors, []);
}

async function exchange(port: number, request: string) {
  const c = await RawClient.connect(port);
  try {
    await c.send(request);
    const res = await c.readResponse();
    assert(res !== null, "a response");
    return res;
  } finally {
    c.close();
  }
}

Deno.test("stage bind: the server accepts a TCP connection", async () => {
  await withServer(async (srv) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
    conn.close();
  });
});

Deno.test("stage 200: GET / answers HTTP/1.1 200 OK", async () => {
  await withServer(async (srv) => {
    const res = await exchange(srv.port, GET("/"));
    assertEquals(res.statusLine, "HTTP/1.1 200 OK");
  });
});

Deno.test("stage 404: an unknown path answers HTTP/1.1 404 Not Found", async () => {
  await withServer(async (srv) => {
    const res = await exchange(srv.port, GET("/abcdefg"));
    assertEquals(res.statusLine, "HTTP/1.1 404 Not Found");
  });
});

Deno.test("stage echo: /echo/<text> answers the text as text/plain with its length", async () => {
  await withServer(async (srv) => {
    const res = await exchange(srv.port, GET("/echo/pineapple"));
    assertEquals(res.statusLine, "HTTP/1.1 200 OK");
    assertEquals(res.header("content-type"), "text/plain");
    assertEquals(res.header("content-length"), "9");
    assertEquals(res.header("content-encoding"), undefined);
    assertEquals(res.text, "pineapple");
  });
});

Deno.test("stage user-agent: /user-agent answers the User-Agent value", async () => {
  await withServer(async (srv) => {
    const res = await exchange(srv.port, GET("/user-agent", "User-Agent: grape/mango-1.2.3\r\n"));
    assertEquals([res.status, res.header("content-type")], [200, "text/plain"]);
    assertEquals([res.header("content-length"), res.text], ["17", "grape/mango-1.2.3"]);
  });
});

Deno.test("stage concurrent connections: five clients connected at once are all answered", async () => {
  await withServer(async (srv) => {
    const clients = await Promise.all(Array.from({ length: 5 }, () => RawClient.connect(srv.port)));
    try {
      // Send in reverse order of connecting: no client may wait for another.
      for (const [i, c] of [...clients.entries()].reverse()) await c.send(GET(`/echo/c${i}`));
      const texts = await Promise.all(clients.map(async (c) => (await c.readResponse())?.text));
      assertEquals(texts, ["c0", "c1", "c2", "c3", "c4"]);
    } finally {
      for (const c of clients) c.close();
    }
  });
});

Deno.test("stage content-encoding: gzip accepted gives Content-Encoding: gzip", async () => {
  await withServer(async (srv) => {
    const res = await exchange(srv.port, GET("/echo/abc", "Accept-Encoding: gzip\r\n"));
    assertEquals([res.status, res.header("content-type")], [200, "text/plain"]);
    assertEquals(res.header("content-encoding"), "gzip");
    assertEquals(res.header("vary"), "Accept-Encoding");
  });
});

Deno.test("stage content-encoding: an invalid encoding gives no Content-Encoding", async () => {
  await withServer(async (srv) => {
    const res = await exchange(srv.port, GET("/echo/abc", "Accept-Encoding: invalid-encoding\r\n"));
    assertEquals(res.header("content-encoding"), undefined);
    assert(!res.headers.some(([n]) => n.toLowerCase() === "content-encoding"));
    assertEquals(res.text, "abc");
  });
});

Deno.test("stage multiple schemes: gzip among unknown codings is chosen", async () => {
  await withServer(async (srv) => {
    const a = await exchange(
      srv.port,
      GET("/echo/abc", "Accept-Encoding: invalid-encoding-1, gzip, invalid-encoding-2\r\n"),
    );
    assertEquals(a.header("content-encoding"), "gzip");
    const b = await exchange(
      srv.port,
      GET("/echo/abc", "Accept-Encoding: invalid-encoding-1, invalid-encoding-2\r\n"),
    );
    assertEquals(b.header("content-encoding"), undefined);
  });
});

Deno.test("stage gzip: the body is gzip of the text and Content-Length its size", async () => {
  await withServer(async (srv) => {
    const res = await exchange(srv.port, GET("/echo/strawberry", "Accept-Encoding: gzip\r\n"));
    assertEquals(Number(res.header("content-length")), res.body.length);
    assertEquals([res.body[0], res.body[1]], [0x1f, 0x8b]);
    assertEquals(new TextDecoder().decode(gunzipSync(res.body)), "strawberry");
  });
});

Deno.test("stage persistent connections: several requests on one connection", async () => {
  await withServer(async (srv) => {
    const c = await RawClient.connect(srv.port);
    try {
      await c.send(GET("/echo/banana"));
      assertEquals((await c.readResponse())?.text, "banana");
      await c.send(GET("/user-agent", "User-Agent: blueberry/apple\r\n"));
      assertEquals((await c.readResponse())?.text, "blueberry/apple");
      await c.send(GET("/"));
      assertEquals((await c.readResponse())?.status, 200);
      assertEquals(await c.closedByServer(100), false, "still open");
    } finally {
      c.close();
    }
  });
});

Deno.test("stage concurrent persistent connections: each keeps its own sequence", async () => {
  await withServer(async (srv) => {
    const clients = await Promise.all(Array.from({ length: 3 }, () => RawClient.connect(srv.port)));
    try {
      for (let round = 0; round < 3; round++) {
        for (const [i, c] of clients.entries()) await c.send(GET(`/echo/${i}-${round}`));
        const texts = await Promise.all(clients.map(async (c) => (await c.readResponse())?.text));
        assertEquals(texts, clients.map((_, i) => `${i}-${round}`));
      }
    } finally {
      for (const c of clients) c.close();
    }
  });
});

Deno.test("stage connection closure: Connection: close is echoed and the server closes", async () => {
  await withServer(async (srv) => {
    const c = await RawClient.connect(srv.port);
    try {
      await c.send(GET("/echo/orange"));
      assertEquals((await c.readResponse())?.header("connection"), undefined);
      await c.send(GET("/echo/pear", "Connection: close\r\n"));
      const res = await c.readResponse();
      assertEquals([res?.text, res?.header("connection")], ["pear", "close"]);
      assert(await c.closedByServer(), "the server closed the connection");
    } finally {
      c.close();
    }
  });
});

/** A server sharing a fresh temp folder, as the tester runs `--directory <dir>`. */
async function withFilesServer(fn: (srv: AppServer, dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-cc-" });
  const srv = await startApp(appConfig({ directory: dir }));
  try {
    await fn(srv, dir);
  } finally {
    await srv.close();
    await Deno.remove(dir, { recursive: true });
  }
  assertEquals(srv.errors, []);
}

Deno.test("stage get file: /files/<name> answers the bytes as application/octet-stream", async () => {
  await withFilesServer(async (srv, dir) => {
    await Deno.writeTextFile(`${dir}/humpty_dumpty_237`, "hello dumpty yikes");
    const res = await exchange(srv.port, GET("/files/humpty_dumpty_237"));
    assertEquals(res.statusLine, "HTTP/1.1 200 OK");
    assertEquals(res.header("content-type"), "application/octet-stream");
    assertEquals(res.header("content-length"), "18");
    assertEquals(res.text, "hello dumpty yikes");
  });
});

Deno.test("stage get file: a missing /files/<name> answers 404", async () => {
  await withFilesServer(async (srv) => {
    const res = await exchange(srv.port, GET("/files/non_existant_file_123"));
    assertEquals(res.statusLine, "HTTP/1.1 404 Not Found");
  });
});

Deno.test("stage post file: POST /files/<name> answers 201 and the file equals the body", async () => {
  await withFilesServer(async (srv, dir) => {
    const body = "apple banana mango 12345";
    const res = await exchange(
      srv.port,
      `POST /files/mango_apple_42 HTTP/1.1\r\nHost: localhost:4221\r\n` +
        `Content-Length: ${body.length}\r\nContent-Type: application/octet-stream\r\n\r\n${body}`,
    );
    assertEquals(res.statusLine, "HTTP/1.1 201 Created");
    assertEquals(await Deno.readTextFile(`${dir}/mango_apple_42`), body);
  });
});
