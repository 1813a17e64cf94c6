/** `?q=` over the real server: JSON in the contract's shape for scripts and the page, HTML else. */

import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { curlRun, headField, request, withUploadServer } from "./upload_fixture.ts";

Deno.test("?q= answers the matches below the folder as JSON, names relative to it", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.mkdir(join(s.root, "docs/sub dir"), { recursive: true });
    await Deno.writeTextFile(join(s.root, "docs/sub dir/Report #1.pdf"), "pdf");
    await Deno.writeTextFile(join(s.root, "docs/report.txt"), "t");
    await Deno.writeTextFile(join(s.root, "docs/.report-hidden"), "h");
    const res = await request(s.port, "GET", "/files/docs/?q=REPORT", [
      ["Accept", "application/json"],
    ]);
    assertEquals(res.status, 200);
    const doc = JSON.parse(res.text);
    assertEquals(Object.keys(doc), ["path", "query", "entries", "truncated"]);
    assertEquals([doc.path, doc.query, doc.truncated], ["/files/docs/", "REPORT", false]);
    assertEquals(
      doc.entries.map((e: { name: string; url: string; type: string }) => [e.name, e.url, e.type]),
      [
        ["report.txt", "/files/docs/report.txt", "file"],
        ["sub dir/Report #1.pdf", "/files/docs/sub%20dir/Report%20%231.pdf", "file"],
      ],
    );
    // Each url downloads the file.
    const got = await curlRun([s.url(doc.entries[1].url)]);
    assertEquals([got.status, got.body], [200, "pdf"]);
    const viaFormat = await curlRun([s.url("/files/docs/?q=report&format=json")]);
    assertEquals(JSON.parse(viaFormat.body).entries.length, 2);
  });
});

Deno.test("?q= answers an escaped HTML page of links for a browser, with no script", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.writeTextFile(join(s.root, "<b>bold.txt"), "x");
    const page = await curlRun(["-H", "Accept: text/html", s.url("/files/?q=%3Cb")]);
    assertEquals(page.status, 200);
    assertEquals(headField(page.heads[0], "content-type"), "text/html; charset=utf-8");
    assert(page.body.includes('href="/files/%3Cb%3Ebold.txt"'), page.body);
    assert(page.body.includes("&lt;b&gt;bold.txt"), page.body);
    assert(!page.body.includes("<b>"), page.body);
    assert(!page.body.includes("<script"), page.body);
    assert(headField(page.heads[0], "content-security-policy")!.includes("default-src 'none'"));
  });
});

Deno.test("?q= shows bidi controls in names as code points, each name isolated", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.mkdir(join(s.root, "in\u202Ebox"));
    await Deno.writeTextFile(join(s.root, "in\u202Ebox/invoice\u202Efdp.exe"), "MZ");
    const page = await curlRun(["-H", "Accept: text/html", s.url("/files/in%E2%80%AEbox/?q=inv")]);
    assertEquals(page.status, 200);
    assert(!page.body.includes("\u202E"), "a raw U+202E in the page");
    assert(page.body.includes("<bdi>invoice&lt;U+202E&gt;fdp.exe</bdi>"), page.body);
    assert(page.body.includes("<bdi>/files/in&lt;U+202E&gt;box/</bdi>"), page.body);
  });
});

Deno.test("?q= past the text limit is 400; an empty ?q= shows the folder", async () => {
  await withUploadServer({}, async (s) => {
    const long = await request(s.port, "GET", `/files/?q=${"a".repeat(257)}`);
    assertEquals(long.status, 400);
    const at = await request(s.port, "GET", `/files/?q=${"a".repeat(256)}&format=json`);
    assertEquals(at.status, 200);
    const empty = await request(s.port, "GET", "/files/?q=&format=json");
    assertEquals(JSON.parse(empty.text).query, undefined);
  });
});
