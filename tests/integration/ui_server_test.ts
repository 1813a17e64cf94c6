/**
 * The server side of the web UI (issue 16) over the real server: one Vary line on a listing's
 * HEAD, HTML error pages for browsers, the page's sign-in without a browser prompt (raw TCP and
 * curl), read-only refusals, LAN URLs and the QR endpoint.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";
import { curlRun, headField, request, withUploadServer } from "./upload_fixture.ts";

const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/** The head of the answer to a request sent as is on a connection that then closes. */
async function rawHead(port: number, requestText: string): Promise<string> {
  const c = await RawClient.connect(port);
  try {
    await c.send(requestText);
    const all = await c.readAll();
    return all.slice(0, all.indexOf("\r\n\r\n"));
  } finally {
    c.close();
  }
}

Deno.test("a HEAD of a listing sends one Vary line naming Accept and Accept-Encoding", async () => {
  await withUploadServer({}, async (s) => {
    const head = await rawHead(
      s.port,
      "HEAD /files/ HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n",
    );
    const vary = head.split("\r\n").filter((l) => l.toLowerCase().startsWith("vary:"));
    assertEquals(vary, ["Vary: Accept, Accept-Encoding"]);
  });
});

Deno.test("a browser gets an HTML page for a missing path, curl the plain text", async () => {
  await withUploadServer({}, async (s) => {
    for (const path of ["/files/nope.txt", "/nope"]) {
      const page = await request(s.port, "GET", path, [["Accept", BROWSER_ACCEPT]]);
      assertEquals(page.status, 404, path);
      assertEquals(page.header("content-type"), "text/html; charset=utf-8");
      assert(page.text.startsWith("<!doctype html>"), page.text);
      assert(page.text.includes("<title>404 Not Found</title>"), page.text);
      assert(!page.text.includes("<script"), page.text);
      assert(page.header("content-security-policy")!.includes("default-src 'none'"));
      assert(page.header("vary")!.includes("Accept"));
      const plain = await curlRun([s.url(path)]);
      assertEquals([plain.status, plain.body], [404, "Not found\n"]);
      assertEquals(headField(plain.heads[0], "content-type"), "text/plain; charset=utf-8");
    }
  });
});

Deno.test("a 403 of a read-only server is an HTML page for a browser too", async () => {
  await withUploadServer({ readOnly: true }, async (s) => {
    const res = await request(s.port, "DELETE", "/files/x", [["Accept", BROWSER_ACCEPT]]);
    assertEquals(res.status, 403);
    assert(res.text.includes("<h1>403 Forbidden</h1>"), res.text);
  });
});

Deno.test("--read-only answers DELETE and MKCOL with 403, not 405", async () => {
  await withUploadServer({ readOnly: true }, async (s) => {
    await Deno.writeTextFile(`${s.root}/keep.txt`, "k");
    assertEquals((await request(s.port, "DELETE", "/files/keep.txt")).status, 403);
    assertEquals((await request(s.port, "MKCOL", "/files/new/")).status, 403);
    assertEquals((await request(s.port, "PUT", "/files/new.txt", [], "x")).status, 403);
    assertEquals(await Deno.readTextFile(`${s.root}/keep.txt`), "k");
    const info = JSON.parse((await request(s.port, "GET", "/api/info")).text);
    assertEquals([info.readOnly, info.maxUploadBytes], [true, null]);
  });
});

Deno.test("with --auth the page's upload gets a WireserveBasic 401, then works signed in", async () => {
  await withUploadServer({ auth: "al:pw" }, async (s) => {
    const ui = await request(s.port, "PUT", "/files/a.txt", [["X-Wireserve-UI", "1"]], "A");
    assertEquals(ui.status, 401);
    assertEquals(
      ui.header("www-authenticate"),
      'WireserveBasic realm="wireserve", charset="UTF-8"',
    );
    assert(ui.header("vary")!.includes("X-Wireserve-UI"));
    // curl (no header) still gets the Basic challenge it knows how to answer.
    const plain = await curlRun(["-X", "PUT", "--data-binary", "A", s.url("/files/a.txt")]);
    assertEquals(plain.status, 401);
    assertEquals(headField(plain.heads[0], "www-authenticate")?.startsWith("Basic "), true);
    const signed = await curlRun([
      "-X",
      "PUT",
      "-H",
      "X-Wireserve-UI: 1",
      "-u",
      "al:pw",
      "--data-binary",
      "A",
      s.url("/files/a.txt"),
    ]);
    assertEquals(signed.status, 201);
    assertEquals(await Deno.readTextFile(`${s.root}/a.txt`), "A");
  });
});

Deno.test("GET /api/qr answers an SVG over TCP, and /api/info lists no LAN URL on loopback", async () => {
  await withUploadServer({}, async (s) => {
    const qr = await curlRun([s.url("/api/qr?text=http%3A%2F%2F192.168.1.20%3A8000%2F")]);
    assertEquals(qr.status, 200);
    assertEquals(headField(qr.heads[0], "content-type"), "image/svg+xml");
    assert(qr.body.startsWith("<svg"), qr.body.slice(0, 40));
    const info = JSON.parse((await request(s.port, "GET", "/api/info")).text);
    assertEquals(info.lanUrls, []);
  });
});
