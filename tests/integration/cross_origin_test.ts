/**
 * Cross-site request forgery over the real server: what a page on another site can make a
 * browser send (a no-cors `fetch` POST, a form POST) is refused on the write routes, while the
 * UI's own requests, non-browser clients, the echo routes and `--cors` pass.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { CROSS_ORIGIN_REFUSAL } from "../../src/app/cross_origin.ts";
import { filesBelow, head, request, send, withUploadServer } from "./upload_fixture.ts";

/** What Chromium sends with `fetch(url, {mode: "no-cors", method: "POST", body})` from evil. */
const CROSS_SITE: Array<[string, string]> = [
  ["Origin", "https://evil.example"],
  ["Sec-Fetch-Site", "cross-site"],
  ["Sec-Fetch-Mode", "no-cors"],
  ["Content-Type", "text/plain;charset=UTF-8"],
];

Deno.test("a cross-site POST or PUT to /files/ is refused with 403 and nothing is written", async () => {
  await withUploadServer(
    { allowMkdir: true, allowDelete: true, statCacheMs: 0 },
    async (s) => {
      await Deno.writeTextFile(`${s.root}/notes.txt`, "original");
      for (const method of ["POST", "PUT"]) {
        const res = await request(s.port, method, "/files/notes.txt", CROSS_SITE, "replaced");
        assertEquals([res.status, res.text], [403, `${CROSS_ORIGIN_REFUSAL}\n`], method);
        assertEquals(res.header("connection"), "close", method);
      }
      for (const method of ["DELETE", "MKCOL"]) {
        const target = method === "MKCOL" ? "/files/new/" : "/files/notes.txt";
        assertEquals((await request(s.port, method, target, CROSS_SITE)).status, 403, method);
      }
      // An old browser without Sec-Fetch-Site: its Origin names another host.
      const old = await request(
        s.port,
        "PUT",
        "/files/old.txt",
        [["Origin", "http://evil:80"]],
        "x",
      );
      assertEquals(old.status, 403);
      assertEquals(await Deno.readTextFile(`${s.root}/notes.txt`), "original");
      assertEquals(await filesBelow(s.root), ["notes.txt"]);
    },
  );
});

Deno.test("a PUT with a second Origin or Sec-Fetch-Site line is refused, whatever the first says", async () => {
  await withUploadServer({ statCacheMs: 0 }, async (s) => {
    const own = "http://t"; // the fixture sends `Host: t`
    for (
      const twice of [
        [["Origin", own], ["Origin", "http://evil.example"]],
        [["Sec-Fetch-Site", "same-origin"], ["Sec-Fetch-Site", "cross-site"]],
      ] as Array<Array<[string, string]>>
    ) {
      const res = await request(s.port, "PUT", "/files/two.txt", twice, "x");
      assertEquals(res.status, 403, twice[0][0]);
    }
    assertEquals(await filesBelow(s.root), []);
    // One line of the UI's own Origin still passes.
    assertEquals(
      (await request(s.port, "PUT", "/files/one.txt", [["Origin", own]], "x")).status,
      201,
    );
  });
});

Deno.test("a cross-site HTML form POST (multipart) is refused before its body is read", async () => {
  await withUploadServer({}, async (s) => {
    const body = '--b\r\nContent-Disposition: form-data; name="file"; filename="x.html"\r\n' +
      "\r\n<script>alert(1)</script>\r\n--b--\r\n";
    const { res, client } = await send(
      s.port,
      head("POST", "/files/", [
        ["Origin", "http://evil.example"],
        ["Sec-Fetch-Site", "cross-site"],
        ["Sec-Fetch-Mode", "navigate"],
        ["Content-Type", "multipart/form-data; boundary=b"],
        ["Content-Length", String(body.length)],
        ["Expect", "100-continue"],
      ]),
    );
    client.close();
    assertEquals(res?.status, 403); // no 100 Continue first: the body was never asked for
    assertEquals(await filesBelow(s.root), []);
  });
});

Deno.test("resumable uploads and the zip form refuse cross-site requests too", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.writeTextFile(`${s.root}/a.txt`, "a");
    const tus = await request(s.port, "POST", "/files/up.bin", [
      ...CROSS_SITE,
      ["Tus-Resumable", "1.0.0"],
      ["Upload-Length", "3"],
    ]);
    assertEquals(tus.status, 403);
    const zip = await request(s.port, "POST", "/files/?zip", [
      ["Origin", "null"],
      ["Content-Type", "application/x-www-form-urlencoded"],
    ], "name=a.txt");
    assertEquals(zip.status, 403);
    assertEquals(await filesBelow(s.root), ["a.txt"]);
  });
});

Deno.test("the UI's own writes, matching Origins and non-browser clients are allowed", async () => {
  await withUploadServer({}, async (s) => {
    const sameOrigin = await request(s.port, "PUT", "/files/ui.txt", [
      ["Origin", "http://t"],
      ["Sec-Fetch-Site", "same-origin"],
    ], "ui");
    assertEquals(sameOrigin.status, 201);
    // The raw requests say `Host: t`: an old browser's Origin naming it is this server's page.
    assertEquals(
      (await request(s.port, "PUT", "/files/old.txt", [["Origin", "http://t"]], "o")).status,
      201,
    );
    assertEquals((await request(s.port, "PUT", "/files/curl.txt", [], "c")).status, 201);
    const typed = await request(
      s.port,
      "PUT",
      "/files/typed.txt",
      [["Sec-Fetch-Site", "none"]],
      "t",
    );
    assertEquals(typed.status, 201);
    assertEquals(await filesBelow(s.root), ["curl.txt", "old.txt", "typed.txt", "ui.txt"]);
  });
});

Deno.test("reads and the echo routes stay open to other sites", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.writeTextFile(`${s.root}/a.txt`, "a");
    assertEquals((await request(s.port, "GET", "/files/a.txt", CROSS_SITE)).text, "a");
    const echo = await request(s.port, "POST", "/anything", CROSS_SITE, "hello");
    assertEquals(echo.status, 200);
    assert(echo.text.includes("hello"));
    assertEquals((await request(s.port, "POST", "/inspect", CROSS_SITE, "x")).status, 200);
  });
});

Deno.test("--cors lets other sites write, as the user asked", async () => {
  await withUploadServer({ cors: true }, async (s) => {
    const res = await request(s.port, "PUT", "/files/shared.txt", CROSS_SITE, "from a page");
    assertEquals([res.status, res.header("access-control-allow-origin")], [
      201,
      "https://evil.example",
    ]);
    assertEquals(await Deno.readTextFile(`${s.root}/shared.txt`), "from a page");
  });
});

Deno.test("--cors never sends Access-Control-Allow-Credentials, even when /response-headers is asked", async () => {
  await withUploadServer({ cors: true }, async (s) => {
    const res = await request(
      s.port,
      "GET",
      "/response-headers?Access-Control-Allow-Credentials=true&X-Kept=1",
      [["Origin", "https://evil.example"]],
    );
    assertEquals(res.status, 200);
    assertEquals(res.header("access-control-allow-credentials"), undefined);
    assertEquals(res.header("access-control-allow-origin"), "https://evil.example");
    assertEquals(res.header("x-kept"), "1");
  });
});
