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

const NAVIGATE: Array<[string, string]> = [
  ["Accept", BROWSER_ACCEPT],
  ["Sec-Fetch-Mode", "navigate"],
];
const URLENCODED: [string, string] = ["Content-Type", "application/x-www-form-urlencoded"];

Deno.test("the listing page offers upload and new-folder forms only when the server takes them", async () => {
  await withUploadServer({ allowMkdir: true }, async (s) => {
    const page = await request(s.port, "GET", "/files/", [["Accept", BROWSER_ACCEPT]]);
    assert(
      page.text.includes(
        '<form method="post" enctype="multipart/form-data" action="/files/">' +
          '<label>Upload files <input type="file" name="file" multiple required>',
      ),
      page.text,
    );
    assert(page.text.includes('<input name="mkdir" required maxlength="255">'), page.text);
    assert(!page.text.includes("<script"), page.text);
  });
  await withUploadServer({}, async (s) => {
    const page = await request(s.port, "GET", "/files/", [["Accept", BROWSER_ACCEPT]]);
    assert(page.text.includes('name="file"'), page.text);
    assert(!page.text.includes('name="mkdir"'), "no folder form without --allow-mkdir");
  });
  await withUploadServer({ readOnly: true }, async (s) => {
    const page = await request(s.port, "GET", "/files/", [["Accept", BROWSER_ACCEPT]]);
    assert(!page.text.includes('method="post"'), page.text);
    assert(page.text.includes('name="q"'), "the search form stays");
  });
});

Deno.test("the upload form posted by a browser (curl -F as one) lands back on the folder: 303", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.mkdir(`${s.root}/in`);
    await Deno.writeTextFile(`${s.root}/../pick.txt`, "picked");
    const res = await curlRun([
      "-F",
      `file=@${s.root}/../pick.txt`,
      "-H",
      `Accept: ${BROWSER_ACCEPT}`,
      "-H",
      "Sec-Fetch-Mode: navigate",
      s.url("/files/in/"),
    ]);
    assertEquals([res.status, headField(res.heads[0], "location")], [303, "/files/in/"]);
    assertEquals(await Deno.readTextFile(`${s.root}/in/pick.txt`), "picked");
  });
});

Deno.test("the new-folder form makes the folder and answers 303 to the listing", async () => {
  await withUploadServer({ allowMkdir: true }, async (s) => {
    const res = await request(
      s.port,
      "POST",
      "/files/",
      [...NAVIGATE, URLENCODED],
      "mkdir=My+Photos",
    );
    assertEquals([res.status, res.header("location")], [303, "/files/"]);
    assert((await Deno.stat(`${s.root}/My Photos`)).isDirectory);
    const script = await request(s.port, "POST", "/files/", [URLENCODED], "mkdir=b%C3%A9");
    assertEquals([script.status, script.header("location")], [201, "/files/b%C3%A9/"]);
    const again = await request(s.port, "POST", "/files/", [URLENCODED], "mkdir=My+Photos");
    assertEquals(again.status, 405);
  });
});

Deno.test("the new-folder form refuses ../evil, a missing name, a big body and a server without --allow-mkdir", async () => {
  await withUploadServer({ allowMkdir: true }, async (s) => {
    for (const body of ["mkdir=..%2Fevil", "mkdir=..", "mkdir=a%2Fb", "other=x", "mkdir="]) {
      const res = await request(s.port, "POST", "/files/", [URLENCODED], body);
      assertEquals(res.status, 400, body);
    }
    const big = await request(s.port, "POST", "/files/", [URLENCODED], `mkdir=${"a".repeat(1100)}`);
    assertEquals(big.status, 413);
    assertEquals(await Array.fromAsync(Deno.readDir(s.root)), []);
    assertEquals(await Array.fromAsync(Deno.readDir(s.outside)).then((e) => e.length), 1);
  });
  await withUploadServer({}, async (s) => {
    const res = await request(s.port, "POST", "/files/", [URLENCODED], "mkdir=x");
    assertEquals(res.status, 403);
    assertEquals(await Array.fromAsync(Deno.readDir(s.root)), []);
  });
});
