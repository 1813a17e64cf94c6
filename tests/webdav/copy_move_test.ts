/**
 * COPY and MOVE: the statuses of RFC 4918 §9.8.5 and §9.9.4, the flags, and what ends up on disk.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { tempNameFor } from "../../src/app/temp_name.ts";
import { withDav } from "./webdav_fixture.ts";

const ALL = { allowDelete: true, allowMkdir: true };
const to = (path: string): [string, string] => ["Destination", `http://dav.test${path}`];

Deno.test("COPY: 201 new, 204 replaced, 412 with Overwrite: F, 409 without the folder", async () => {
  await withDav(ALL, async (app) => {
    await Deno.writeTextFile(`${app.root}/a`, "A");
    await Deno.writeTextFile(`${app.root}/b`, "B");
    const made = await app.call("COPY", "/files/a", [to("/files/c")]);
    assertEquals([made.status, made.header("location")], [201, "/files/c"]);
    assertEquals(await Deno.readTextFile(`${app.root}/c`), "A");
    assertEquals(
      (await app.call("COPY", "/files/a", [to("/files/b"), ["Overwrite", "F"]])).status,
      412,
    );
    assertEquals(await Deno.readTextFile(`${app.root}/b`), "B");
    assertEquals((await app.call("COPY", "/files/a", [to("/files/b")])).status, 204);
    assertEquals(await Deno.readTextFile(`${app.root}/b`), "A");
    assertEquals((await app.call("COPY", "/files/a", [to("/files/no/such")])).status, 409);
    assertEquals((await app.call("COPY", "/files/missing", [to("/files/x")])).status, 404);
  });
});

Deno.test("COPY and MOVE read a Destination written in raw UTF-8 as UTF-8, not latin1", async () => {
  await withDav(ALL, async (app) => {
    await Deno.writeTextFile(`${app.root}/a`, "A");
    // The bytes of "/files/é.txt" as the HTTP layer hands them over (one char per byte).
    const raw = "/files/\u00c3\u00a9.txt";
    assertEquals((await app.call("COPY", "/files/a", [to(raw)])).status, 201);
    assertEquals(
      (await app.call("MOVE", "/files/a", [["Destination", "/files/\u00c3\u00a0"]])).status,
      201,
    );
    assertEquals([...Deno.readDirSync(app.root)].map((e) => e.name).sort(), ["à", "é.txt"]);
    // Bytes that are not UTF-8 are refused, not guessed at.
    assertEquals((await app.call("COPY", "/files/à", [to("/files/\u00e9")])).status, 400);
  });
});

Deno.test("COPY of a folder copies the tree, without temp files; Depth 0 only the folder", async () => {
  await withDav(ALL, async (app) => {
    await Deno.mkdir(`${app.root}/t/sub`, { recursive: true });
    await Deno.writeTextFile(`${app.root}/t/sub/deep.txt`, "deep");
    await Deno.writeTextFile(`${app.root}/t/${tempNameFor("up")}`, "partial upload");
    assertEquals((await app.call("COPY", "/files/t/", [to("/files/u/")])).status, 201);
    assertEquals(await Deno.readTextFile(`${app.root}/u/sub/deep.txt`), "deep");
    assertEquals([...Deno.readDirSync(`${app.root}/u`)].map((e) => e.name), ["sub"]);
    assertEquals(
      (await app.call("COPY", "/files/t/", [to("/files/v/"), ["Depth", "0"]])).status,
      201,
    );
    assertEquals([...Deno.readDirSync(`${app.root}/v`)], []);
    assertEquals(
      (await app.call("COPY", "/files/t/", [to("/files/w/"), ["Depth", "1"]])).status,
      400,
    );
  });
});

Deno.test("COPY with a Depth or Overwrite followed by a no-break space (0xA0) is 400", async () => {
  // OWS is SP and HTAB only (RFC 9110 §5.6.3): `0\xA0` and `T\xA0` are no values of these fields.
  await withDav(ALL, async (app) => {
    await Deno.mkdir(`${app.root}/t/sub`, { recursive: true });
    await Deno.writeTextFile(`${app.root}/b`, "B");
    await Deno.writeTextFile(`${app.root}/a`, "A");
    const shallow = await app.call("COPY", "/files/t/", [to("/files/v/"), ["Depth", "0\xA0"]]);
    assertEquals(shallow.status, 400);
    const over = await app.call("COPY", "/files/a", [to("/files/b"), ["Overwrite", "T\xA0"]]);
    assertEquals(over.status, 400);
    assertEquals(await Deno.readTextFile(`${app.root}/b`), "B");
    const moved = await app.call("MOVE", "/files/a", [to("/files/c"), ["Depth", "infinity\xA0"]]);
    assertEquals(moved.status, 400);
    assertEquals([...Deno.readDirSync(app.root)].map((e) => e.name).sort(), ["a", "b", "t"]);
    const ows = await app.call("COPY", "/files/a", [to("/files/b"), ["Overwrite", "\tT "]]);
    assertEquals(ows.status, 204);
  });
});

Deno.test("MOVE renames files and folders: 201, 204 over an existing one, the source gone", async () => {
  await withDav(ALL, async (app) => {
    await Deno.mkdir(`${app.root}/d`);
    await Deno.writeTextFile(`${app.root}/d/f`, "F");
    await Deno.writeTextFile(`${app.root}/old`, "old");
    const before = await app.call("GET", "/files/d/f"); // cached by the read side
    assertEquals(before.status, 200);
    assertEquals((await app.call("MOVE", "/files/d/", [to("/files/e/")])).status, 201);
    assertEquals((await app.call("GET", "/files/d/f")).status, 404, "the cache was told");
    assertEquals((await app.call("GET", "/files/e/f")).text, "F");
    assertEquals((await app.call("MOVE", "/files/e/f", [to("/files/old")])).status, 204);
    assertEquals(await Deno.readTextFile(`${app.root}/old`), "F");
    assertEquals(
      (await app.call("MOVE", "/files/old", [to("/files/e/"), ["Overwrite", "F"]])).status,
      412,
    );
    assertEquals((await app.call("MOVE", "/files/e/", [to("/files/e/inside/")])).status, 403);
    assertEquals((await app.call("MOVE", "/files/old", [to("/files/old")])).status, 403);
    // A folder moves whole (§9.9.2); a file has no members, so Depth 0 is as good as infinity.
    assertEquals(
      (await app.call("MOVE", "/files/e/", [to("/files/e2/"), ["Depth", "0"]])).status,
      400,
    );
    assertEquals(
      (await app.call("MOVE", "/files/old", [to("/files/new"), ["Depth", "0"]])).status,
      201,
    );
    assertEquals(await Deno.readTextFile(`${app.root}/new`), "F");
  });
});

Deno.test("Destination is compared with the target's authority, not Host, in absolute form", async () => {
  // RFC 9112 §3.2.2: an absolute-form target names the host; the Host field is then ignored.
  await withDav(ALL, async (app) => {
    await Deno.writeTextFile(`${app.root}/a`, "A");
    const copy = (destination: string) =>
      app.call("COPY", "http://origin.test:81/files/a", [["Destination", destination]]);
    assertEquals((await copy("http://origin.test:81/files/b")).status, 201);
    assertEquals(await Deno.readTextFile(`${app.root}/b`), "A");
    assertEquals((await copy("http://dav.test/files/c")).status, 502);
  });
});

Deno.test("Destination: another host or outside /files/ is 502, missing or malformed 400", async () => {
  await withDav(ALL, async (app) => {
    await Deno.writeTextFile(`${app.root}/a`, "A");
    assertEquals(
      (await app.call("COPY", "/files/a", [["Destination", "http://elsewhere/files/b"]])).status,
      502,
    );
    assertEquals((await app.call("COPY", "/files/a", [["Destination", "/echo/b"]])).status, 502);
    assertEquals((await app.call("COPY", "/files/a", [])).status, 400);
    assertEquals((await app.call("COPY", "/files/a", [["Destination", "b"]])).status, 400);
    assertEquals((await app.call("COPY", "/files/a", [to("/files/../../etc/x")])).status, 404);
    assertEquals((await app.call("COPY", "/files/a", [to("/files/CON")])).status, 400);
    const temp = tempNameFor("x");
    assertEquals((await app.call("COPY", "/files/a", [to(`/files/${temp}`)])).status, 400);
    assertEquals((await app.call("COPY", `/files/${temp}`, [to("/files/z")])).status, 404);
  });
});

Deno.test("flags: --no-overwrite makes Overwrite: T onto a file 412; MOVE needs --allow-delete", async () => {
  await withDav({ ...ALL, noOverwrite: true }, async (app) => {
    await Deno.writeTextFile(`${app.root}/a`, "A");
    await Deno.writeTextFile(`${app.root}/b`, "B");
    assertEquals((await app.call("COPY", "/files/a", [to("/files/b")])).status, 412);
    assertEquals(await Deno.readTextFile(`${app.root}/b`), "B");
    assertEquals((await app.call("COPY", "/files/a", [to("/files/c")])).status, 201);
  });
  await withDav({ allowMkdir: true }, async (app) => {
    await Deno.writeTextFile(`${app.root}/a`, "A");
    const res = await app.call("MOVE", "/files/a", [to("/files/b")]);
    assertEquals(res.status, 405);
    assert(!res.header("allow")!.includes("MOVE"));
    assertEquals(await Deno.readTextFile(`${app.root}/a`), "A");
  });
  await withDav({}, async (app) => {
    await Deno.mkdir(`${app.root}/d`);
    assertEquals((await app.call("COPY", "/files/d/", [to("/files/e/")])).status, 403, "mkdir");
  });
  await withDav({ ...ALL, readOnly: true }, async (app) => {
    await Deno.writeTextFile(`${app.root}/a`, "A");
    for (const m of ["COPY", "MOVE"]) {
      assertEquals((await app.call(m, "/files/a", [to("/files/b")])).status, 403, m);
    }
  });
});

Deno.test("MOVE and COPY of a source another request moved meanwhile answer 404, not 500 (fuzz: seed 1)", async () => {
  await withDav(ALL, async (app) => {
    await Deno.writeTextFile(`${app.root}/src.txt`, "S");
    // Both pass their checks before either renames: the second rename finds no source.
    const moves = await Promise.all([
      app.call("MOVE", "/files/src.txt", [to("/files/one.txt")]),
      app.call("MOVE", "/files/src.txt", [to("/files/two.txt")]),
    ]);
    assertEquals(moves.map((r) => r.status).sort(), [201, 404]);
    await Deno.writeTextFile(`${app.root}/src.txt`, "S");
    const raced = await Promise.all([
      app.call("MOVE", "/files/src.txt", [to("/files/three.txt")]),
      app.call("COPY", "/files/src.txt", [to("/files/four.txt")]),
    ]);
    for (const r of raced) assert(r.status !== 500, `${r.status}: ${r.text}`);
  });
});

Deno.test("COPY of a folder to a new name another COPY is creating answers 409, not 500 (fuzz: seed 4)", async () => {
  await withDav(ALL, async (app) => {
    await Deno.mkdir(`${app.root}/tree`);
    await Deno.writeTextFile(`${app.root}/tree/f`, "F");
    const copies = await Promise.all([
      app.call("COPY", "/files/tree/", [to("/files/copy/")]),
      app.call("COPY", "/files/tree/", [to("/files/copy/")]),
    ]);
    // Truly at once, the second meets the first's folder (409). A loaded machine may run them one
    // after the other instead: then the second replaces the copy (204), or does so while the first
    // is still copying into it (the first then reports the member it lost, 207). Never a 500.
    const statuses = copies.map((r) => r.status).sort();
    assert(
      [[201, 409], [201, 204], [204, 207]].some((ok) => ok.join() === statuses.join()),
      `${statuses}: ${copies.map((r) => r.text).join(" | ")}`,
    );
    assertEquals(await Deno.readTextFile(`${app.root}/copy/f`), "F");
  });
});

Deno.test("two MOVEs of folders to one new name: the loser answers 409, not 500 (fuzz: seed 2000)", async () => {
  await withDav(ALL, async (app) => {
    for (const name of ["a", "b"]) {
      await Deno.mkdir(`${app.root}/${name}`);
      await Deno.writeTextFile(`${app.root}/${name}/f`, name);
    }
    // Both find no destination; the second rename meets the first's folder (ENOTEMPTY).
    const moves = await Promise.all([
      app.call("MOVE", "/files/a/", [to("/files/d/")]),
      app.call("MOVE", "/files/b/", [to("/files/d/")]),
    ]);
    // One after the other (a loaded machine), the second replaces the first's folder: 204.
    const statuses = moves.map((r) => r.status).sort();
    assert(
      [[201, 409], [201, 204]].some((ok) => ok.join() === statuses.join()),
      `${statuses}: ${moves.map((r) => r.text).join(" | ")}`,
    );
  });
});

Deno.test("COPY and MOVE onto a folder that holds the source are 403 and delete nothing", async () => {
  await withDav(ALL, async (app) => {
    await Deno.mkdir(`${app.root}/anc/sub`, { recursive: true });
    await Deno.writeTextFile(`${app.root}/anc/sub/f.txt`, "F");
    await Deno.writeTextFile(`${app.root}/anc/keep.txt`, "K");
    for (
      const [method, from, dest] of [
        ["MOVE", "/files/anc/sub/f.txt", "/files/anc/"],
        ["COPY", "/files/anc/sub/f.txt", "/files/anc"],
        ["COPY", "/files/anc/sub/", "/files/anc/"],
        ["MOVE", "/files/anc/sub/", "/files/anc/"],
      ]
    ) {
      assertEquals((await app.call(method, from, [to(dest)])).status, 403, `${method} ${from}`);
    }
    assertEquals(await Deno.readTextFile(`${app.root}/anc/sub/f.txt`), "F");
    assertEquals(await Deno.readTextFile(`${app.root}/anc/keep.txt`), "K");
  });
});

Deno.test("COPY through a link to an ancestor is 403, not a copy of the tree into itself", async () => {
  await withDav(ALL, async (app) => {
    await Deno.mkdir(`${app.root}/odd`);
    await Deno.writeTextFile(`${app.root}/odd/f.txt`, "F");
    await Deno.symlink("..", `${app.root}/odd/up`);
    assertEquals((await app.call("COPY", "/files/odd/up/", [to("/files/copy/")])).status, 403);
    assertEquals([...Deno.readDirSync(app.root)].map((e) => e.name).sort(), ["odd"]);
    // A link to a file inside the share still copies as the file it shows.
    await Deno.symlink("f.txt", `${app.root}/odd/link.txt`);
    assertEquals((await app.call("COPY", "/files/odd/link.txt", [to("/files/g.txt")])).status, 201);
    assertEquals(await Deno.readTextFile(`${app.root}/g.txt`), "F");
  });
});

Deno.test("COPY of a folder leaves out a broken or looping link silently: 201, no 207", async () => {
  await withDav(ALL, async (app) => {
    await Deno.mkdir(`${app.root}/dang`);
    await Deno.writeTextFile(`${app.root}/dang/ok.txt`, "OK");
    await Deno.symlink("./no-such-target", `${app.root}/dang/broken`);
    await Deno.symlink("loop", `${app.root}/dang/loop`);
    const res = await app.call("COPY", "/files/dang/", [to("/files/copy/")]);
    // The listing and PROPFIND do not show these names; a 207 naming them would.
    assertEquals([res.status, res.text.includes("broken") || res.text.includes("loop")], [
      201,
      false,
    ]);
    assertEquals([...Deno.readDirSync(`${app.root}/copy`)].map((e) => e.name), ["ok.txt"]);
  });
});

Deno.test("COPY takes an https: Destination of this host (a TLS proxy in front), not an ftp: one", async () => {
  await withDav(ALL, async (app) => {
    await Deno.writeTextFile(`${app.root}/a`, "A");
    // Behind nginx or Caddy ending TLS, clients name this plain-HTTP server with https:// URLs.
    const https = await app.call("COPY", "/files/a", [["Destination", "https://dav.test/files/b"]]);
    assertEquals(https.status, 201);
    // Only HTTP's schemes name this server.
    const ftp = await app.call("COPY", "/files/a", [["Destination", "ftp://dav.test/files/c"]]);
    assertEquals(ftp.status, 502);
    assertEquals([...Deno.readDirSync(app.root)].map((e) => e.name).sort(), ["a", "b"]);
  });
});

Deno.test("without --allow-delete a COPY may replace a file but not a folder (403)", async () => {
  await withDav({ allowMkdir: true }, async (app) => {
    await Deno.writeTextFile(`${app.root}/top.txt`, "T");
    await Deno.mkdir(`${app.root}/victim/inner`, { recursive: true });
    await Deno.writeTextFile(`${app.root}/victim/inner/v.txt`, "V");
    await Deno.writeTextFile(`${app.root}/other.txt`, "O");
    assertEquals((await app.call("COPY", "/files/top.txt", [to("/files/victim")])).status, 403);
    assertEquals(await Deno.readTextFile(`${app.root}/victim/inner/v.txt`), "V");
    // Overwrite: F still says what it says first.
    assertEquals(
      (await app.call("COPY", "/files/top.txt", [to("/files/victim"), ["Overwrite", "F"]])).status,
      412,
    );
    assertEquals((await app.call("COPY", "/files/top.txt", [to("/files/other.txt")])).status, 204);
    assertEquals(await Deno.readTextFile(`${app.root}/other.txt`), "T");
  });
});

Deno.test("DELETE of a folder with a Depth other than infinity is 400 and deletes nothing", async () => {
  await withDav(ALL, async (app) => {
    await Deno.mkdir(`${app.root}/d/sub`, { recursive: true });
    await Deno.writeTextFile(`${app.root}/d/sub/f`, "F");
    await Deno.writeTextFile(`${app.root}/file`, "F");
    for (const depth of ["0", "1"]) {
      assertEquals((await app.call("DELETE", "/files/d/", [["Depth", depth]])).status, 400);
    }
    assertEquals(await Deno.readTextFile(`${app.root}/d/sub/f`), "F");
    assertEquals((await app.call("DELETE", "/files/file", [["Depth", "0"]])).status, 204);
    assertEquals((await app.call("DELETE", "/files/d/", [["Depth", "infinity"]])).status, 204);
  });
});

Deno.test("COPY or MOVE of a file to a Destination ending in / is 400 and writes nothing", async () => {
  await withDav(ALL, async (app) => {
    await Deno.writeTextFile(`${app.root}/a`, "A");
    for (const method of ["COPY", "MOVE"]) {
      const res = await app.call(method, "/files/a", [to("/files/x/")]);
      assertEquals(res.status, 400, method);
      assert(res.text.includes("names a folder"), res.text);
    }
    const names = [];
    for await (const e of Deno.readDir(app.root)) names.push(e.name);
    assertEquals(names, ["a"]);
  });
});

Deno.test("COPY or MOVE of a folder to a Destination without / answers Location with /", async () => {
  await withDav(ALL, async (app) => {
    await Deno.mkdir(`${app.root}/d`);
    const copied = await app.call("COPY", "/files/d", [to("/files/e")]);
    assertEquals([copied.status, copied.header("location")], [201, "/files/e/"]);
    const moved = await app.call("MOVE", "/files/d", [to("/files/f")]);
    assertEquals([moved.status, moved.header("location")], [201, "/files/f/"]);
    const file = await app.call("PUT", "/files/g", [], "x");
    assertEquals(file.status, 201);
    const fileCopy = await app.call("COPY", "/files/g", [to("/files/h")]);
    assertEquals(fileCopy.header("location"), "/files/h");
  });
});

Deno.test("COPY or MOVE with two Destination lines is 400 and writes nothing", async () => {
  await withDav(ALL, async (app) => {
    await Deno.writeTextFile(`${app.root}/a`, "A");
    for (const method of ["COPY", "MOVE"]) {
      const res = await app.call(method, "/files/a", [to("/files/b"), to("/files/c")]);
      assertEquals(res.status, 400, method);
    }
    const names = [];
    for await (const e of Deno.readDir(app.root)) names.push(e.name);
    assertEquals(names, ["a"]);
  });
});
