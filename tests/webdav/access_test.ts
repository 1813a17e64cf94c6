/**
 * Who may do what over WebDAV: OPTIONS everywhere without credentials, reads under --auth-all,
 * writes under --auth and --read-only, and Finder's metadata files refused before the disk.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { lockBody, propfindBody, readMultistatus, withDav } from "./webdav_fixture.ts";

Deno.test("OPTIONS / and /files/... advertise DAV 1, 2 and the full Allow, without credentials", async () => {
  await withDav({ auth: "u:p", token: "t", authAll: true, allowDelete: true }, async (app) => {
    const root = await app.call("OPTIONS", "/");
    assertEquals([root.status, root.header("dav")], [200, "1, 2"], "Windows' probe of /");
    // `/files` takes no upload (those lines are under /files/ only): it does not list them.
    const share = "GET, PROPFIND, PROPPATCH, COPY, LOCK, UNLOCK, MOVE, HEAD, OPTIONS";
    const below =
      "GET, POST, PUT, DELETE, PROPFIND, PROPPATCH, COPY, LOCK, UNLOCK, MOVE, HEAD, OPTIONS";
    for (
      const [path, allow] of [["/files", share], ["/files/", below], ["/files/a/b.txt", below]]
    ) {
      const res = await app.call("OPTIONS", path);
      assertEquals([res.status, res.header("dav")], [200, "1, 2"], path);
      assertEquals(res.header("allow"), allow, path);
    }
    assertEquals((await app.call("GET", "/")).status, 401, "OPTIONS only");
  });
});

Deno.test("OPTIONS / says DAV for Windows' probe, but its Allow is what / answers: no PROPFIND", async () => {
  await withDav({ allowDelete: true, allowMkdir: true }, async (app) => {
    const res = await app.call("OPTIONS", "/");
    assertEquals([res.status, res.header("dav"), res.header("ms-author-via")], [
      200,
      "1, 2",
      "DAV",
    ]);
    const allow = res.header("allow")!.split(", ").sort();
    assertEquals(allow, ["GET", "HEAD", "OPTIONS"]);
    for (const method of ["PROPFIND", "LOCK", "PUT", "MKCOL", "DELETE"]) {
      const refused = await app.call(method, "/", [["Depth", "0"]]);
      assertEquals(refused.status, 405, method);
      assertEquals(refused.header("allow")!.split(", ").sort(), allow, method);
    }
  });
});

Deno.test("a read-only share advertises only reads, and DAV class 1 (no locking)", async () => {
  await withDav({ readOnly: true }, async (app) => {
    const res = await app.call("OPTIONS", "/files/");
    assertEquals([res.status, res.header("dav")], [200, "1"]);
    assertEquals(res.header("allow"), "GET, PROPFIND, HEAD, OPTIONS");
    assertEquals(
      (await app.call("PUT", "/files/x", [], "x")).status,
      403,
      "still refused, not 405",
    );
  });
});

Deno.test("a read-only share's supportedlock lists no lock entry; a read-write one lists both", async () => {
  for (const readOnly of [true, false]) {
    await withDav({ readOnly }, async (app) => {
      await Deno.mkdir(`${app.root}/d`);
      await Deno.writeTextFile(`${app.root}/d/a.txt`, "a");
      const res = await app.call(
        "PROPFIND",
        "/files/d/",
        [["Depth", "1"]],
        propfindBody("supportedlock"),
      );
      const found = readMultistatus(res.text);
      for (const href of ["/files/d/", "/files/d/a.txt"]) {
        const prop = found.get(href)!.get("{DAV:}supportedlock")!;
        const entries = prop.element.children.filter((c) =>
          typeof c !== "string" && c.local === "lockentry"
        );
        // RFC 4918 §15.10: an empty supportedlock says no lock can be had, as DAV: 1 and LOCK's
        // 403 say on a read-only share
        assertEquals([prop.status, entries.length], [200, readOnly ? 0 : 2], href);
      }
    });
  }
});

Deno.test("MKCOL on a name in use answers 405 with an Allow that does not list MKCOL", async () => {
  await withDav({ allowMkdir: true }, async (app) => {
    await Deno.mkdir(`${app.root}/d`);
    const res = await app.call("MKCOL", "/files/d/");
    assertEquals(res.status, 405);
    assert(!(res.header("allow") ?? "MKCOL").split(", ").includes("MKCOL"), res.header("allow"));
    assert(res.header("allow")!.includes("PUT"), res.header("allow"));
    // It lists what the resource answers (RFC 9110 §15.5.6): WebDAV's methods too.
    for (const m of ["PROPFIND", "PROPPATCH", "COPY", "LOCK", "UNLOCK"]) {
      assert(res.header("allow")!.split(", ").includes(m), `${m} in ${res.header("allow")}`);
    }
  });
});

Deno.test("--auth-all guards PROPFIND; --auth alone guards only WebDAV's writes", async () => {
  const basic: [string, string] = ["Authorization", `Basic ${btoa("u:p")}`];
  await withDav({ auth: "u:p", authAll: true }, async (app) => {
    assertEquals((await app.call("PROPFIND", "/files/", [["Depth", "0"]])).status, 401);
    assertEquals((await app.call("PROPFIND", "/files/", [["Depth", "0"], basic])).status, 207);
  });
  await withDav({ auth: "u:p" }, async (app) => {
    await Deno.writeTextFile(`${app.root}/f`, "x");
    assertEquals((await app.call("PROPFIND", "/files/", [["Depth", "1"]])).status, 207);
    assertEquals((await app.call("LOCK", "/files/f", [], lockBody())).status, 401);
    assertEquals((await app.call("LOCK", "/files/f", [basic], lockBody())).status, 200);
  });
});

Deno.test("--read-only refuses every WebDAV write with 403 and still answers PROPFIND", async () => {
  await withDav({ readOnly: true }, async (app) => {
    await Deno.writeTextFile(`${app.root}/f`, "x");
    for (
      const method of ["PROPPATCH", "COPY", "MOVE", "LOCK", "UNLOCK", "PUT", "DELETE", "MKCOL"]
    ) {
      const res = await app.call(method, "/files/f", [["Destination", "/files/g"]]);
      assertEquals(res.status, 403, method);
    }
    assertEquals((await app.call("PROPFIND", "/files/f", [["Depth", "0"]])).status, 207);
  });
});

Deno.test("Finder's ._ files and .DS_Store: 403 to writes, 404 to reads, nothing on disk", async () => {
  await withDav({ allowDelete: true, allowMkdir: true }, async (app) => {
    await Deno.mkdir(`${app.root}/d`);
    for (const path of ["/files/._photo.jpg", "/files/d/.DS_Store", "/files/%2E_x"]) {
      assertEquals((await app.call("PUT", path, [], "junk")).status, 403, path);
      assertEquals((await app.call("LOCK", path, [], lockBody())).status, 403, path);
      assertEquals((await app.call("GET", path)).status, 404, path);
      assertEquals((await app.call("PROPFIND", path, [["Depth", "0"]])).status, 404, path);
    }
    assertEquals([...Deno.readDirSync(app.root)].map((e) => e.name), ["d"]);
    assertEquals([...Deno.readDirSync(`${app.root}/d`)], []);
  });
  await withDav({ dotfiles: true }, async (app) => {
    assertEquals((await app.call("PUT", "/files/._x", [], "kept")).status, 201, "--dotfiles");
  });
});

Deno.test("with --auth, a change to Finder's metadata gets 401 before its 403; a read stays 404", async () => {
  const basic: [string, string] = ["Authorization", `Basic ${btoa("u:p")}`];
  const wrong: [string, string] = ["Authorization", `Basic ${btoa("u:x")}`];
  for (const readOnly of [false, true]) {
    await withDav({ auth: "u:p", readOnly, allowDelete: !readOnly }, async (app) => {
      await Deno.mkdir(`${app.root}/sub`);
      for (const path of ["/files/._foo", "/files/.DS_Store", "/files/sub/._x", "/files/%2E_y"]) {
        for (const method of ["PUT", "POST", "DELETE", "MKCOL", "LOCK", "PROPPATCH", "COPY"]) {
          const what = `${method} ${path} read-only ${readOnly}`;
          const args: Array<[string, string]> = [["Destination", "/files/z"]];
          const none = await app.call(method, path, args, "junk");
          assertEquals(none.status, 401, what);
          assert(none.header("WWW-Authenticate")?.startsWith("Basic "), what);
          assertEquals((await app.call(method, path, [...args, wrong], "junk")).status, 401, what);
          assertEquals((await app.call(method, path, [...args, basic], "junk")).status, 403, what);
        }
        assertEquals((await app.call("GET", path)).status, 404, path);
        assertEquals((await app.call("PROPFIND", path, [["Depth", "0"]])).status, 404, path);
      }
      assertEquals([...Deno.readDirSync(app.root)].map((e) => e.name), ["sub"]);
    });
  }
});

Deno.test("writes tell the read cache at once: a GET after each change sees it", async () => {
  await withDav({ allowDelete: true, allowMkdir: true, statCacheMs: 60_000 }, async (app) => {
    await Deno.writeTextFile(`${app.root}/a`, "A");
    assertEquals((await app.call("GET", "/files/a")).text, "A");
    assertEquals((await app.call("GET", "/files/b")).status, 404);
    await app.call("COPY", "/files/a", [["Destination", "/files/b"]]);
    assertEquals((await app.call("GET", "/files/b")).text, "A");
    await Deno.writeTextFile(`${app.root}/c`, "C");
    assertEquals((await app.call("GET", "/files/c")).text, "C");
    await app.call("MOVE", "/files/c", [["Destination", "/files/a"]]);
    assertEquals((await app.call("GET", "/files/a")).text, "C");
    assertEquals((await app.call("GET", "/files/c")).status, 404);
    assert((await app.call("LOCK", "/files/made", [], lockBody())).status === 201);
    assertEquals((await app.call("GET", "/files/made")).status, 200);
  });
});
