/**
 * `--hide` through WebDAV: a private path is never listed by PROPFIND, and neither COPY nor MOVE
 * can carry it to a name the patterns do not cover (which would publish it) or write one.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { type DavApp, lockBody, withDav } from "./webdav_fixture.ts";

const ALL = { allowDelete: true, allowMkdir: true };
const to = (path: string): [string, string] => ["Destination", `http://dav.test${path}`];

/** The hrefs of a 207 body, in order. */
function hrefs(text: string): string[] {
  return [...text.matchAll(/<D:href>([^<]*)<\/D:href>/g)].map((m) => m[1]);
}

/** docs/{private/s.txt, a.key, pub/p.txt, readme} */
async function tree(root: string): Promise<void> {
  await Deno.mkdir(`${root}/docs/private`, { recursive: true });
  await Deno.mkdir(`${root}/docs/pub`);
  await Deno.writeTextFile(`${root}/docs/private/s.txt`, "secret");
  await Deno.writeTextFile(`${root}/docs/a.key`, "key");
  await Deno.writeTextFile(`${root}/docs/pub/p.txt`, "public");
  await Deno.writeTextFile(`${root}/docs/readme`, "readme");
}

/** Locks the folder at `path` (depth infinity) and gives its lock token. */
async function lockFolder(app: DavApp, path: string): Promise<string> {
  const locked = await app.call("LOCK", path, [], lockBody());
  assertEquals(locked.status, 200);
  return locked.header("lock-token")!;
}

Deno.test("PROPFIND Depth 1 lists no member --hide covers, anchored or by name", async () => {
  await withDav({ hide: ["docs/private", "*.key"] }, async (app) => {
    await tree(app.root);
    const res = await app.call("PROPFIND", "/files/docs/", [["Depth", "1"]]);
    assertEquals(res.status, 207);
    assertEquals(hrefs(res.text), ["/files/docs/", "/files/docs/pub/", "/files/docs/readme"]);
    assertEquals((await app.call("PROPFIND", "/files/docs/a.key", [["Depth", "0"]])).status, 404);
  });
});

Deno.test("PROPFIND hides members by their real path too: a link to a folder with private members", async () => {
  await withDav({ hide: ["docs/private"] }, async (app) => {
    await tree(app.root);
    await Deno.symlink(`${app.root}/docs`, `${app.root}/alias`);
    const res = await app.call("PROPFIND", "/files/alias/", [["Depth", "1"]]);
    assertEquals(res.status, 207);
    assert(!res.text.includes("private"), res.text);
    assert(res.text.includes("/files/alias/pub/"), res.text);
  });
});

Deno.test("COPY of a folder leaves out what --hide covers: nothing private shows at the copy", async () => {
  await withDav({ ...ALL, hide: ["docs/private", "docs/*.key", "copy/readme"] }, async (app) => {
    await tree(app.root);
    assertEquals((await app.call("COPY", "/files/docs/", [to("/files/copy/")])).status, 201);
    // private/ and a.key are hidden at the source; readme would be hidden at the destination.
    assertEquals([...Deno.readDirSync(`${app.root}/copy`)].map((e) => e.name).sort(), ["pub"]);
    assertEquals((await app.call("GET", "/files/copy/pub/p.txt")).text, "public");
    assertEquals((await app.call("GET", "/files/copy/private/s.txt")).status, 404);
    // The source keeps everything.
    assertEquals(await Deno.readTextFile(`${app.root}/docs/private/s.txt`), "secret");
  });
});

Deno.test("MOVE of a folder is refused (403) when it would publish a private path", async () => {
  await withDav({ ...ALL, hide: ["docs/private"] }, async (app) => {
    await tree(app.root);
    const res = await app.call("MOVE", "/files/docs/", [to("/files/old/")]);
    assertEquals(res.status, 403);
    assert(!/s\.txt|docs\//.test(res.text), "the refusal names no path");
    assertEquals(await Deno.readTextFile(`${app.root}/docs/private/s.txt`), "secret");
    assertEquals((await app.call("GET", "/files/old/private/s.txt")).status, 404);
  });
});

Deno.test("MOVE of a folder into a name where a visible member would turn private is refused too", async () => {
  await withDav({ ...ALL, hide: ["old/readme"] }, async (app) => {
    await tree(app.root);
    assertEquals((await app.call("MOVE", "/files/docs/", [to("/files/old/")])).status, 403);
    assertEquals(await Deno.readTextFile(`${app.root}/docs/readme`), "readme");
  });
});

Deno.test("MOVE of a folder whose private paths stay private goes ahead, taking them along", async () => {
  await withDav({ ...ALL, hide: ["*.key"] }, async (app) => {
    await tree(app.root);
    assertEquals((await app.call("MOVE", "/files/docs/", [to("/files/old/")])).status, 201);
    assertEquals(await Deno.readTextFile(`${app.root}/old/a.key`), "key");
    assertEquals((await app.call("GET", "/files/old/a.key")).status, 404);
  });
});

Deno.test("DELETE of a locked folder that holds private paths is 423 first (§9.6), 403 with the token", async () => {
  await withDav({ ...ALL, hide: ["*.key"] }, async (app) => {
    await tree(app.root);
    await Deno.mkdir(`${app.root}/plain`);
    const token = await lockFolder(app, "/files/docs/");
    await lockFolder(app, "/files/plain/");
    // without the token, a folder with private paths answers as one without: 423, nothing leaks
    const refused = await app.call("DELETE", "/files/docs/");
    assertEquals(refused.status, 423);
    assert(refused.text.includes("<D:lock-token-submitted><D:href>/files/docs/</D:href>"));
    assertEquals((await app.call("DELETE", "/files/plain/")).status, 423);
    // with it, the private paths still keep the folder
    assertEquals((await app.call("DELETE", "/files/docs/", [["If", `(${token})`]])).status, 403);
    assertEquals(await Deno.readTextFile(`${app.root}/docs/a.key`), "key");
    assertEquals(await Deno.readTextFile(`${app.root}/docs/readme`), "readme");
  });
});

Deno.test("COPY over a locked folder that holds private paths is 423 first, 403 with the token", async () => {
  await withDav({ ...ALL, hide: ["*.key"] }, async (app) => {
    await tree(app.root);
    await Deno.mkdir(`${app.root}/plain`);
    const token = await lockFolder(app, "/files/docs/");
    // without the token: 423, as for a locked destination with nothing private in it
    const refused = await app.call("COPY", "/files/plain/", [to("/files/docs/")]);
    assertEquals(refused.status, 423);
    // with it, the private paths still keep the folder from being replaced
    const tagged: [string, string] = ["If", `</files/docs/> (${token})`];
    const kept = await app.call("COPY", "/files/plain/", [to("/files/docs/"), tagged]);
    assertEquals(kept.status, 403);
    assertEquals(await Deno.readTextFile(`${app.root}/docs/a.key`), "key");
  });
});
