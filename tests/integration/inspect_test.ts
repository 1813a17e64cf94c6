/**
 * /inspect over raw TCP: what the client wrote comes back byte for byte — mixed case,
 * duplicates, odd spacing, obs-text bytes, chunk extensions, trailers — with the connection
 * facts (pipelining, 100-continue) as they happened.
 */

import { type AppServer, startApp } from "../support/app_server.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { latin1, RawClient } from "../support/server.ts";

async function withServer(
  fn: (srv: AppServer) => Promise<void>,
  overrides: Parameters<typeof appConfig>[0] = {},
): Promise<void> {
  const srv = await startApp(appConfig(overrides));
  try {
    await fn(srv);
  } finally {
    await srv.close();
  }
  assertEquals(srv.errors, []);
}

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

async function inspectJson(port: number, request: string | Uint8Array): Promise<Json> {
  const c = await RawClient.connect(port);
  try {
    await c.send(request);
    const res = await c.readResponse();
    assertEquals(res?.status, 200, res?.text);
    return JSON.parse(res!.text);
  } finally {
    c.close();
  }
}

Deno.test("inspect returns the head byte for byte with case, duplicates and spacing", async () => {
  await withServer(async (srv) => {
    const head = "GET /inspect?format=json&x=%41 HTTP/1.1\r\n" +
      "HOST: t\r\n" +
      "x-MiXeD-Case:   padded value \t\r\n" +
      "Dup: 1\r\n" +
      "dup: 2\r\n" +
      "Dup:3\r\n\r\n";
    const j = await inspectJson(srv.port, head);
    assertEquals(Uint8Array.fromBase64(j.head.base64), latin1(head));
    assertEquals(j.head.bytes, head.length);
    assertEquals(j.request_line, "GET /inspect?format=json&x=%41 HTTP/1.1");
    assertEquals(j.header_lines, [
      "HOST: t",
      "x-MiXeD-Case:   padded value \\t",
      "Dup: 1",
      "dup: 2",
      "Dup:3",
    ]);
    assertEquals(j.headers.slice(2), [["Dup", "1"], ["dup", "2"], ["Dup", "3"]]);
  });
});

Deno.test("inspect shows obs-text bytes faithfully in text and exactly in base64", async () => {
  await withServer(async (srv) => {
    const head = latin1("GET /inspect HTTP/1.1\r\nHost: t\r\nX-Bytes: caf\xe9 \xff\x80\r\n\r\n");
    const c = await RawClient.connect(srv.port);
    try {
      await c.send(head);
      const text = (await c.readResponse())!.text;
      assert(text.includes("X-Bytes: caf\\xE9 \\xFF\\x80\\r\\n\n"), text);
      assert(text.includes("\\xHH"), "the notation is explained");
    } finally {
      c.close();
    }
    const withJson = latin1(
      "GET /inspect HTTP/1.1\r\nHost: t\r\nAccept: application/json\r\nX-Bytes: caf\xe9\r\n\r\n",
    );
    const j = await inspectJson(srv.port, withJson);
    assertEquals(Uint8Array.fromBase64(j.head.base64), withJson);
    assertEquals(j.headers[2], ["X-Bytes", "caf\\xE9"]);
  });
});

Deno.test("inspect escapes characters that look like a space or like nothing; /headers keeps them", async () => {
  await withServer(async (srv) => {
    // UTF-8 of "a<NBSP>b<ZWSP>c" and, in the body, of a Hangul filler between two letters.
    const value = "a\xc2\xa0b\xe2\x80\x8bc";
    const body = "x\xe3\x85\xa4y";
    const head = `POST /inspect HTTP/1.1\r\nHost: t\r\nX-Space: ${value}\r\n` +
      `Content-Length: ${body.length}\r\n\r\n`;
    const c = await RawClient.connect(srv.port);
    try {
      await c.send(latin1(head + body));
      const text = (await c.readResponse())!.text;
      assert(text.includes("X-Space: a\\xC2\\xA0b\\xE2\\x80\\x8Bc\\r\\n\n"), text);
      assert(text.includes("-- body bytes --\nx\\xE3\\x85\\xA4y\n"), text);
    } finally {
      c.close();
    }
    const j = await inspectJson(
      srv.port,
      latin1(`GET /inspect?format=json HTTP/1.1\r\nHost: t\r\nX-Space: ${value}\r\n\r\n`),
    );
    assertEquals(j.header_lines[1], "X-Space: a\\xC2\\xA0b\\xE2\\x80\\x8Bc");
    // The go-httpbin-compatible echo shows the characters themselves, as go-httpbin does.
    const echoed = await inspectJson(
      srv.port,
      latin1(`GET /headers HTTP/1.1\r\nHost: t\r\nX-Space: ${value}\r\n\r\n`),
    );
    assertEquals(echoed.headers["X-Space"], ["a\u00a0b\u200bc"]);
  });
});

Deno.test("inspect shows chunk-size lines with extensions, the trailers and the body", async () => {
  await withServer(async (srv) => {
    const req =
      "POST /inspect?format=json HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
      "5;foo=bar\r\nhello\r\n" +
      '6;a;b="q x"\r\n world\r\n' +
      "0;last\r\nX-Trailer: yes\r\nx-two:  2\r\n\r\n";
    const j = await inspectJson(srv.port, req);
    assertEquals(j.body.framing, "chunked");
    assertEquals(j.body.chunks, [
      { size: 5, line: "5;foo=bar" },
      { size: 6, line: '6;a;b="q x"' },
      { size: 0, line: "0;last" },
    ]);
    assertEquals(j.body.trailers, [["X-Trailer", "yes"], ["x-two", "2"]]);
    assertEquals([j.body.text, j.body.received_bytes, j.body.truncated], [
      "hello world",
      11,
      false,
    ]);
  });
});

Deno.test("inspect shows the trailer section byte for byte in text and JSON", async () => {
  await withServer(async (srv) => {
    const trailerSection = "x-t:tv  \r\nX-B:\t a \r\n\r\n";
    const req = (target: string) =>
      `POST ${target} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n` +
      "3\r\nabc\r\n0\r\n" + trailerSection;
    const j = await inspectJson(srv.port, req("/inspect?format=json"));
    assertEquals(j.body.trailer_section, {
      bytes: trailerSection.length,
      text: "x-t:tv  \\r\\nX-B:\\t a \\r\\n\\r\\n",
      base64: latin1(trailerSection).toBase64(),
    });
    assertEquals(j.body.trailers, [["x-t", "tv"], ["X-B", "a"]], "the parsed fields stay");
    const c = await RawClient.connect(srv.port);
    try {
      await c.send(req("/inspect"));
      const text = (await c.readResponse())!.text;
      assert(
        text.includes(
          `trailer section (2 fields, ${trailerSection.length} bytes):\n` +
            "  x-t:tv  \\r\\n\n  X-B:\\t a \\r\\n\n  \\r\\n\n",
        ),
        text,
      );
    } finally {
      c.close();
    }
    // Without trailers the section is the body's final CRLF alone.
    const bare = await inspectJson(
      srv.port,
      "POST /inspect?format=json HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
        "0\r\n\r\n",
    );
    assertEquals(bare.body.trailer_section.text, "\\r\\n");
    const plain = await inspectJson(
      srv.port,
      "GET /inspect?format=json HTTP/1.1\r\nHost: t\r\n\r\n",
    );
    assertEquals(plain.body.trailer_section, null);
  });
});

Deno.test("inspect shows the empty lines sent before the request line apart from the head", async () => {
  await withServer(async (srv) => {
    const head = "GET /inspect?format=json HTTP/1.1\r\nHost: t\r\n\r\n";
    const j = await inspectJson(srv.port, "\r\n\r\n" + head);
    assertEquals([j.leading_empty_lines, j.head.bytes], [2, head.length]);
    assertEquals((await inspectJson(srv.port, head)).leading_empty_lines, 0);
    const c = await RawClient.connect(srv.port);
    try {
      await c.send("\r\nGET /inspect HTTP/1.1\r\nHost: t\r\n\r\n");
      const text = (await c.readResponse())!.text;
      assert(
        text.includes(
          "== Empty lines before the request line (1, ignored) ==\n\\r\\n\n== Head (",
        ),
        text,
      );
    } finally {
      c.close();
    }
  });
});

Deno.test("inspect marks the second of two pipelined requests and counts requests", async () => {
  await withServer(async (srv) => {
    const c = await RawClient.connect(srv.port);
    try {
      const one = "GET /inspect?format=json HTTP/1.1\r\nHost: t\r\n\r\n";
      await c.send(one + one);
      const a = JSON.parse((await c.readResponse())!.text);
      const b = JSON.parse((await c.readResponse())!.text);
      assertEquals(
        [a.connection.request_index, a.connection.pipelined],
        [1, false],
      );
      assertEquals([b.connection.request_index, b.connection.pipelined], [2, true]);
      assertEquals(a.connection.id, b.connection.id);
      await c.send(one);
      const third = JSON.parse((await c.readResponse())!.text);
      assertEquals([third.connection.request_index, third.connection.pipelined], [3, false]);
    } finally {
      c.close();
    }
  });
});

Deno.test("inspect reads the body after 100 Continue and reports it was sent", async () => {
  await withServer(async (srv) => {
    const c = await RawClient.connect(srv.port);
    try {
      await c.send(
        "PUT /inspect?format=json HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n" +
          "Content-Length: 5\r\n\r\n",
      );
      const interim = await c.readResponse();
      assertEquals(interim?.statusLine, "HTTP/1.1 100 Continue");
      await c.send("hello");
      const j = JSON.parse((await c.readResponse())!.text);
      assertEquals([j.connection.expect_continue, j.connection.continue_sent], [true, true]);
      assertEquals(j.body.text, "hello");
    } finally {
      c.close();
    }
  });
});

Deno.test("inspect truncates a body past maxCaptureBytes and still counts all of it", async () => {
  await withServer(async (srv) => {
    const body = "0123456789".repeat(10);
    const j = await inspectJson(
      srv.port,
      `POST /inspect?format=json HTTP/1.1\r\nHost: t\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    assertEquals(
      [j.body.received_bytes, j.body.captured_bytes, j.body.truncated, j.body.text],
      [100, 16, true, "0123456789012345"],
    );
  }, { maxCaptureBytes: 16 });
});

Deno.test("inspect answers 413 and closes for a body over maxUploadBytes", async () => {
  await withServer(async (srv) => {
    const c = await RawClient.connect(srv.port);
    try {
      await c.send("POST /inspect HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n");
      const res = await c.readResponse();
      assertEquals(res?.status, 413);
      assert(await c.closedByServer());
    } finally {
      c.close();
    }
  }, { maxUploadBytes: 999 });
});

Deno.test("inspect answers in text by default, for any method and any path below it", async () => {
  await withServer(async (srv) => {
    const c = await RawClient.connect(srv.port);
    try {
      await c.send("DELETE /inspect/deep/path HTTP/1.1\r\nHost: t\r\nAccept: */*\r\n\r\n");
      const res = await c.readResponse();
      assertEquals(res?.header("content-type"), "text/plain; charset=utf-8");
      assert(res!.text.includes("DELETE /inspect/deep/path HTTP/1.1\\r\\n\n"), res!.text);
    } finally {
      c.close();
    }
  });
});

Deno.test("inspect counts every chunk even past the records it keeps", async () => {
  const srv = await startApp(appConfig(), { maxChunkRecords: 2 });
  const c = await RawClient.connect(srv.port);
  try {
    await c.send(
      "POST /inspect HTTP/1.1\r\nHost: t\r\nAccept: application/json\r\n" +
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
        "1\r\na\r\n1\r\nb\r\n1\r\nc\r\n1\r\nd\r\n1\r\ne\r\n0\r\n\r\n",
    );
    const res = await c.readResponse();
    const report = JSON.parse(res!.text);
    assertEquals(report.body.chunk_count, 6);
    assertEquals(report.body.chunks.length, 2);
    assertEquals(report.body.text, "abcde");
  } finally {
    c.close();
    await srv.close();
  }
});
