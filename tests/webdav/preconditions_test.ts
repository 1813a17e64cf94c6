/**
 * RFC 9110 §13.1 on the changes other than a file's new contents: If-Match, If-None-Match and
 * If-Unmodified-Since are about the request's target resource (the source of a COPY or MOVE, the
 * folder of a form POST), and a false one means 412 with nothing done.
 */

import { assertEquals } from "../support/assert.ts";
import { exists } from "../support/paths.ts";
import { lockBody, proppatchBody, withDav } from "./webdav_fixture.ts";

const ALL = { allowDelete: true, allowMkdir: true };
const to = (path: string): [string, string] => ["Destination", `http://dav.test${path}`];
const STALE: [string, string] = ["If-Match", '"stale"'];
const OLD = "Sun, 06 Nov 1994 08:49:37 GMT";

Deno.test("COPY, MOVE, PROPPATCH and LOCK do nothing and answer 412 when a precondition fails", async () => {
  await withDav(ALL, async (app) => {
    await Deno.writeTextFile(`${app.root}/a`, "A");
    assertEquals((await app.call("MOVE", "/files/a", [to("/files/b"), STALE])).status, 412);
    assertEquals(
      (await app.call("COPY", "/files/a", [to("/files/b"), ["If-None-Match", "*"]])).status,
      412,
    );
    const old: [string, string] = ["If-Unmodified-Since", OLD];
    assertEquals((await app.call("COPY", "/files/a", [to("/files/b"), old])).status, 412);
    assertEquals(await exists(`${app.root}/b`), false);
    assertEquals(await exists(`${app.root}/a`), true);
    const patch = proppatchBody([["urn:x", "color", "red"]]);
    assertEquals((await app.call("PROPPATCH", "/files/a", [STALE], patch)).status, 412);
    assertEquals((await app.call("LOCK", "/files/a", [STALE], lockBody())).status, 412);
    assertEquals((await app.call("LOCK", "/files/new", [STALE], lockBody())).status, 412);
    assertEquals(await exists(`${app.root}/new`), false);
    // The same requests with the conditions holding go ahead.
    assertEquals(
      (await app.call("MOVE", "/files/a", [to("/files/b"), ["If-Match", "*"]])).status,
      201,
    );
  });
});

Deno.test("MKCOL, a form POST and DELETE see a folder as existing without a tag", async () => {
  await withDav(ALL, async (app) => {
    assertEquals((await app.call("MKCOL", "/files/d/", [STALE])).status, 412);
    assertEquals(await exists(`${app.root}/d`), false);
    await Deno.mkdir(`${app.root}/d`);
    await Deno.writeTextFile(`${app.root}/d/kept.txt`, "kept");
    // `If-None-Match: *` guards a creation: a folder that exists must not be deleted by it.
    assertEquals((await app.call("DELETE", "/files/d/", [["If-None-Match", "*"]])).status, 412);
    assertEquals((await app.call("DELETE", "/files/d/", [STALE])).status, 412);
    assertEquals(await Deno.readTextFile(`${app.root}/d/kept.txt`), "kept");
    const form = '--b\r\nContent-Disposition: form-data; name="file"; filename="kept.txt"\r\n' +
      "\r\nnew\r\n--b--\r\n";
    const multipart: [string, string] = ["Content-Type", "multipart/form-data; boundary=b"];
    assertEquals((await app.call("POST", "/files/d/", [multipart, STALE], form)).status, 412);
    assertEquals(
      (await app.call("POST", "/files/d/", [multipart, ["If-None-Match", "*"]], form)).status,
      412,
    );
    assertEquals(await Deno.readTextFile(`${app.root}/d/kept.txt`), "kept");
    assertEquals((await app.call("DELETE", "/files/d/", [["If-Match", "*"]])).status, 204);
  });
});

Deno.test("PUT onto a dangling symlink creates a file (201) as GET says 404; If-None-Match: * keeps the link", async () => {
  await withDav(ALL, async (app) => {
    await Deno.symlink("/nonexistent/target", `${app.root}/r1`);
    await Deno.symlink("/nonexistent/target", `${app.root}/r2`);
    assertEquals((await app.call("GET", "/files/r1")).status, 404);
    assertEquals((await app.call("PUT", "/files/r1", [], "hi")).status, 201);
    assertEquals((await Deno.lstat(`${app.root}/r1`)).isFile, true);
    assertEquals(await Deno.readTextFile(`${app.root}/r1`), "hi");
    // A create-only upload never replaces what holds the name, the user's link included.
    const star = await app.call("PUT", "/files/r2", [["If-None-Match", "*"]], "hi");
    assertEquals(star.status, 412);
    assertEquals((await Deno.lstat(`${app.root}/r2`)).isSymlink, true);
    assertEquals(await exists("/nonexistent/target"), false);
  });
});
