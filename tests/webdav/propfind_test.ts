/**
 * PROPFIND through the real app, without sockets: depths, the three kinds of request, live
 * properties (the ETag GET sends), hrefs, hidden names, and the streamed body.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { createApp } from "../../src/app/routes.ts";
import { tempNameFor } from "../../src/app/temp_name.ts";
import { buildRequest } from "../support/request_builder.ts";
import type { LockInfo } from "../../src/webdav/lock_table.ts";
import {
  memberAnswerBytes,
  PROPFIND_BATCH,
  PROPFIND_BATCH_BYTES,
} from "../../src/webdav/propfind_members.ts";
import { ALLPROP, MAX_PROPFIND_NAMES } from "../../src/webdav/propfind_query.ts";
import { writeDeadProps } from "../../src/webdav/dead_props.ts";
import { propfindBody, readMultistatus, textIn, withDav } from "./webdav_fixture.ts";

const D = (local: string) => `{DAV:}${local}`;

Deno.test("PROPFIND Depth 0 gives a file's live properties, with the ETag GET sends", async () => {
  await withDav({}, async (app) => {
    await Deno.writeTextFile(`${app.root}/notes.txt`, "hello");
    const res = await app.call("PROPFIND", "/files/notes.txt", [["Depth", "0"]]);
    assertEquals(res.status, 207);
    assertEquals(res.header("content-type"), "application/xml; charset=utf-8");
    const props = readMultistatus(res.text).get("/files/notes.txt")!;
    const get = await app.call("GET", "/files/notes.txt");
    assertEquals(textIn(props.get(D("getetag"))!.element), get.header("etag"));
    assertEquals(textIn(props.get(D("getcontentlength"))!.element), "5");
    assertEquals(textIn(props.get(D("getcontenttype"))!.element), get.header("content-type"));
    assertEquals(textIn(props.get(D("getlastmodified"))!.element), get.header("last-modified"));
    assertEquals(textIn(props.get(D("displayname"))!.element), "notes.txt");
    const share = readMultistatus(
      (await app.call("PROPFIND", "/files/", [["Depth", "0"]])).text,
    ).get("/files/")!;
    assertEquals(textIn(share.get(D("displayname"))!.element), "files", "the share's own name");
    assert(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(textIn(props.get(D("creationdate"))!.element)));
    assertEquals(props.get(D("resourcetype"))!.element.children, []);
    assertEquals(props.get(D("supportedlock"))!.status, 200);
    assertEquals(props.get(D("lockdiscovery"))!.status, 200);
  });
});

Deno.test("PROPFIND Depth 1 lists a folder and its visible members, hrefs encoded", async () => {
  await withDav({}, async (app) => {
    await Deno.mkdir(`${app.root}/dir/sub folder`, { recursive: true });
    await Deno.writeTextFile(`${app.root}/dir/é €&.txt`, "x");
    await Deno.writeTextFile(`${app.root}/dir/.hidden`, "x");
    await Deno.writeTextFile(`${app.root}/dir/${tempNameFor("up.bin")}`, "partial");
    await Deno.mkdir(`${app.root}/dir/.wireserve-dav`);
    await Deno.symlink("/etc/hostname", `${app.root}/dir/out-link`);
    const res = await app.call("PROPFIND", "/files/dir", [["Depth", "1"]], "");
    assertEquals(res.status, 207);
    assertEquals(res.kind, "stream");
    const all = readMultistatus(res.text);
    assertEquals([...all.keys()].sort(), [
      "/files/dir/",
      "/files/dir/%C3%A9%20%E2%82%AC%26.txt",
      "/files/dir/sub%20folder/",
    ]);
    const sub = all.get("/files/dir/sub%20folder/")!;
    assertEquals(sub.get(D("resourcetype"))!.element.children.length, 1);
    assertEquals(sub.get(D("getcontentlength")), undefined, "folders have no length");
  });
});

Deno.test("PROPFIND: --dotfiles shows dotfiles but never the server's own names", async () => {
  await withDav({ dotfiles: true }, async (app) => {
    await Deno.writeTextFile(`${app.root}/.env`, "x");
    await Deno.writeTextFile(`${app.root}/${tempNameFor("a")}`, "x");
    await Deno.mkdir(`${app.root}/.wireserve-dav`);
    await Deno.writeTextFile(`${app.root}/.wireserve-dav/self`, '{"props":[]}');
    const all = readMultistatus((await app.call("PROPFIND", "/files/", [["Depth", "1"]])).text);
    assertEquals([...all.keys()].sort(), ["/files/", "/files/.env"]);
    assertEquals((await app.call("GET", "/files/.wireserve-dav/self")).status, 404);
    assertEquals(
      (await app.call("PROPFIND", "/files/.wireserve-dav/", [["Depth", "0"]])).status,
      404,
    );
  });
});

Deno.test("PROPFIND Depth 1 leaves out names no URL can reach (newline, backslash)", async () => {
  await withDav({}, async (app) => {
    await Deno.writeTextFile(`${app.root}/new\nline.txt`, "x");
    await Deno.writeTextFile(`${app.root}/back\\slash.txt`, "x");
    await Deno.writeTextFile(`${app.root}/plain.txt`, "x");
    const all = readMultistatus((await app.call("PROPFIND", "/files/", [["Depth", "1"]])).text);
    assertEquals([...all.keys()].sort(), ["/files/", "/files/plain.txt"]);
    assertEquals((await app.call("GET", "/files/new%0Aline.txt")).status, 400);
  });
});

Deno.test("PROPFIND Depth infinity (or none) is 403 propfind-finite-depth; a bad Depth 400", async () => {
  await withDav({}, async (app) => {
    for (const headers of [[["Depth", "infinity"]], []] as Array<Array<[string, string]>>) {
      const res = await app.call("PROPFIND", "/files/", headers);
      assertEquals(res.status, 403);
      assert(res.text.includes("<D:propfind-finite-depth/>"), res.text);
    }
    assertEquals((await app.call("PROPFIND", "/files/", [["Depth", "2"]])).status, 400);
  });
});

Deno.test("PROPFIND with a Depth followed by a no-break space (0xA0) is 400, not that Depth", async () => {
  // OWS is SP and HTAB only (RFC 9110 §5.6.3): `1\xA0` is no Depth (String.trim made it 1).
  await withDav({}, async (app) => {
    await Deno.mkdir(`${app.root}/d`);
    for (const depth of ["1\xA0", "\xA01", "0\xA0", "infinity\xA0"]) {
      const res = await app.call("PROPFIND", "/files/d/", [["Depth", depth]]);
      assertEquals(res.status, 400, JSON.stringify(depth));
    }
    assertEquals((await app.call("PROPFIND", "/files/d/", [["Depth", "\t1 "]])).status, 207);
  });
});

Deno.test("PROPFIND of a file with Depth infinity or none describes the file (it has no members)", async () => {
  await withDav({}, async (app) => {
    await Deno.writeTextFile(`${app.root}/f.txt`, "F");
    for (const headers of [[["Depth", "infinity"]], []] as Array<Array<[string, string]>>) {
      const res = await app.call("PROPFIND", "/files/f.txt", headers);
      assertEquals(res.status, 207);
      assertEquals([...readMultistatus(res.text).keys()], ["/files/f.txt"]);
    }
  });
});

Deno.test("PROPFIND prop: unknown properties land in a 404 propstat, known ones in 200", async () => {
  await withDav({}, async (app) => {
    await Deno.mkdir(`${app.root}/d`);
    const body = propfindBody("getetag", "resourcetype", "{urn:x}missing", "{}bare");
    const res = await app.call("PROPFIND", "/files/d/", [["Depth", "0"]], body);
    const props = readMultistatus(res.text).get("/files/d/")!;
    assertEquals(props.get(D("resourcetype"))!.status, 200);
    assertEquals(props.get(D("getetag"))!.status, 404, "a folder has no ETag");
    assertEquals(props.get("{urn:x}missing")!.status, 404);
    assertEquals(props.get("{}bare")!.status, 404, "the empty namespace");
  });
});

Deno.test("PROPFIND propname lists names without values; bad bodies get 400", async () => {
  await withDav({}, async (app) => {
    await Deno.writeTextFile(`${app.root}/f`, "abc");
    const names = await app.call(
      "PROPFIND",
      "/files/f",
      [["Depth", "0"]],
      '<D:propfind xmlns:D="DAV:"><D:propname/></D:propfind>',
    );
    const props = readMultistatus(names.text).get("/files/f")!;
    assertEquals(props.get(D("getcontentlength"))!.element.children, []);
    const bad = ["<D:propfind xmlns:D='DAV:'><D:prop>", "<x/>", "<!DOCTYPE x><x/>"];
    for (const body of bad) {
      assertEquals((await app.call("PROPFIND", "/files/f", [["Depth", "0"]], body)).status, 400);
    }
    assertEquals((await app.call("PROPFIND", "/files/missing", [["Depth", "0"]])).status, 404);
    assertEquals((await app.call("PROPFIND", "/files/f/", [["Depth", "0"]])).status, 404);
  });
});

Deno.test("PROPFIND Depth 1 on 10,000 entries streams in bounded pieces", async () => {
  const root = await Deno.makeTempDir({ prefix: "wireserve-dav-big-" });
  try {
    const COUNT = 10_000;
    await Promise.all(
      Array.from({ length: COUNT }, (_, i) => Deno.writeTextFile(`${root}/file-${i}.txt`, "x")),
    );
    const app = createApp(appConfig({ directory: root }));
    const res = await app(
      buildRequest({ method: "PROPFIND", target: "/files/", headers: [["Depth", "1"]] }),
    );
    assertEquals(res.status, 207);
    const body = res.body as { kind: string; stream: AsyncIterable<Uint8Array> };
    assertEquals(body.kind, "stream");
    let pieces = 0;
    let largest = 0;
    let total = 0;
    let responses = 0;
    const decoder = new TextDecoder();
    for await (const piece of body.stream) {
      pieces++;
      largest = Math.max(largest, piece.length);
      total += piece.length;
      responses += decoder.decode(piece).split("<D:response>").length - 1;
    }
    assertEquals(responses, COUNT + 1);
    // One batch of 64 answers at a time, never the whole document (several MB) at once.
    assert(pieces > COUNT / 64, `${pieces} pieces`);
    assert(largest < 128 * 1024 && total > 10 * largest, `largest ${largest} of ${total}`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("PROPFIND of a folder without its final / answers Content-Location with it (§5.2)", async () => {
  await withDav({}, async (app) => {
    await Deno.mkdir(`${app.root}/lc`);
    await Deno.writeTextFile(`${app.root}/f`, "x");
    for (const depth of ["0", "1"]) {
      const bare = await app.call("PROPFIND", "/files/lc", [["Depth", depth]]);
      assertEquals([bare.status, bare.header("content-location")], [207, "/files/lc/"]);
    }
    const share = await app.call("PROPFIND", "/files", [["Depth", "0"]]);
    assertEquals(share.header("content-location"), "/files/");
    const slash = await app.call("PROPFIND", "/files/lc/", [["Depth", "0"]]);
    assertEquals(slash.header("content-location"), undefined);
    const file = await app.call("PROPFIND", "/files/f", [["Depth", "0"]]);
    assertEquals(file.header("content-location"), undefined);
  });
});

Deno.test("PROPFIND naming more than MAX_PROPFIND_NAMES distinct properties is 400; repeats count once", async () => {
  await withDav({}, async (app) => {
    await Deno.writeTextFile(`${app.root}/f`, "x");
    const body = (count: number, times = 1) => {
      let names = "";
      for (let t = 0; t < times; t++) {
        for (let i = 0; i < count; i++) names += `<Q:x${i}/>`;
      }
      return `<D:propfind xmlns:D="DAV:" xmlns:Q="urn:q"><D:prop>${names}</D:prop></D:propfind>`;
    };
    const atLimit = await app.call(
      "PROPFIND",
      "/files/",
      [["Depth", "1"]],
      body(MAX_PROPFIND_NAMES, 3),
    );
    assertEquals(atLimit.status, 207);
    // Each name once per resource, however often it was named.
    assertEquals(atLimit.text.split("<x7 ").length - 1, 2);
    const past = await app.call(
      "PROPFIND",
      "/files/",
      [["Depth", "1"]],
      body(MAX_PROPFIND_NAMES + 1),
    );
    assertEquals(past.status, 400);
    assert(past.text.includes(`${MAX_PROPFIND_NAMES} properties`), past.text);
    const include = `<D:propfind xmlns:D="DAV:" xmlns:Q="urn:q"><D:allprop/><D:include>${
      "<Q:y/>".repeat(2) + Array.from({ length: MAX_PROPFIND_NAMES + 1 }, (_, i) =>
        `<Q:i${i}/>`).join("")
    }</D:include></D:propfind>`;
    assertEquals((await app.call("PROPFIND", "/files/f", [["Depth", "0"]], include)).status, 400);
  });
});

Deno.test("memberAnswerBytes counts the folder's locks listed in every member and the names asked", () => {
  const lock = (root: string, depth: "0" | "infinity", ownerBytes: number): LockInfo => ({
    token: "urn:uuid:x",
    root,
    depth,
    scope: "shared",
    owner: "o".repeat(ownerBytes),
    timeoutSeconds: 60,
    expiresAtMs: 0,
  });
  const plain = memberAnswerBytes([], "/d", ALLPROP);
  assert(plain * PROPFIND_BATCH <= PROPFIND_BATCH_BYTES, "64 plain answers fill a batch");
  // Locks rooted at one member, or not covering its members, are listed once: no change.
  const once = [lock("/d/f", "infinity", 4096), lock("/d", "0", 4096)];
  assertEquals(memberAnswerBytes(once, "/d", ALLPROP), plain);
  const heavy = Array.from({ length: 16 }, () => lock("/", "infinity", 4096));
  assert(memberAnswerBytes(heavy, "/d", ALLPROP) >= plain + 16 * (4096 + 400));
  // Each name asked is answered for every member.
  const names = Array.from(
    { length: 1000 },
    (_, i) => ({ ns: "urn:n", local: `${i}`.padEnd(900) }),
  );
  const asked = memberAnswerBytes([], "/d", { kind: "prop", names });
  assert(asked >= 1000 * 1800, `${asked}`);
  assertEquals(memberAnswerBytes([], "/d", { kind: "allprop", include: names }), asked);
});

Deno.test("PROPFIND Depth 1 keeps a batch near PROPFIND_BATCH_BYTES when members carry large dead properties", async () => {
  const root = await Deno.makeTempDir({ prefix: "wireserve-dav-heavy-" });
  try {
    const MEMBERS = 8;
    const VALUE_BYTES = 200 * 1024;
    for (let i = 0; i < MEMBERS; i++) {
      const fsPath = `${root}/f${i}.txt`;
      await Deno.writeTextFile(fsPath, "x");
      await writeDeadProps(fsPath, false, [{
        ns: "urn:x",
        name: "big",
        xml: "v".repeat(VALUE_BYTES),
      }]);
    }
    await Deno.mkdir(`${root}/dir`);
    await writeDeadProps(`${root}/dir`, true, [{
      ns: "urn:x",
      name: "big",
      xml: "v".repeat(VALUE_BYTES),
    }]);
    const app = createApp(appConfig({ directory: root }));
    const res = await app(
      buildRequest({ method: "PROPFIND", target: "/files/", headers: [["Depth", "1"]] }),
    );
    assertEquals(res.status, 207);
    const body = res.body as { kind: string; stream: AsyncIterable<Uint8Array> };
    const decoder = new TextDecoder();
    let responses = 0;
    let largest = 0;
    for await (const piece of body.stream) {
      largest = Math.max(largest, piece.length);
      responses += decoder.decode(piece).split("<D:response>").length - 1;
    }
    assertEquals(responses, MEMBERS + 2);
    // Two such members would pass the bound together: each goes out on its own, never the 1.8 MB
    // of all nine at once (a batch of 64 with 1 MiB records held 64 MiB per client).
    assert(largest < 2 * VALUE_BYTES, `largest piece ${largest}`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
