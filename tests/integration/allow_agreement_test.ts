/**
 * `Allow` on the share, over real TCP (RFC 9110 §10.2.1, §15.5.6): under each combination of the
 * flags, `OPTIONS` on `/files`, `/files/`, a file and a folder lists exactly what a 405 there
 * lists, no listed method is answered 405, and what is not listed is refused (405, or 403 for the
 * methods a flag turns into refusals: every change under `--read-only`, MKCOL without
 * `--allow-mkdir`). The one 405 of a listed method is RFC 4918's MKCOL on a name in use (§9.3.1),
 * and its `Allow` is the same list less MKCOL.
 */

import { assert, assertEquals } from "../support/assert.ts";
import type { AppConfig } from "../../src/app/app_config.ts";
import { request, withUploadServer } from "./upload_fixture.ts";

// HEAD is GET's (the raw client would wait for a body a HEAD answer never has).
const METHODS = [
  "GET",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "MKCOL",
  "PROPFIND",
  "PROPPATCH",
  "COPY",
  "MOVE",
  "LOCK",
  "UNLOCK",
  "TRACE",
];
const PATHS = ["/files", "/files/", "/files/a.txt", "/files/folder/"];

/** The share as every request finds it: a file, a folder with a file, nothing else. */
async function resetShare(root: string): Promise<void> {
  for await (const entry of Deno.readDir(root)) {
    if (entry.name.startsWith(".wireserve")) continue; // the resumable uploads' state
    await Deno.remove(`${root}/${entry.name}`, { recursive: true });
  }
  await Deno.writeTextFile(`${root}/a.txt`, "a");
  await Deno.mkdir(`${root}/folder`);
  await Deno.writeTextFile(`${root}/folder/b.txt`, "b");
}

const CONFIGS: Array<[string, Partial<AppConfig>, Array<[string, string]>]> = [
  ["default", {}, []],
  ["--read-only", { readOnly: true }, []],
  ["--allow-delete --allow-mkdir", { allowDelete: true, allowMkdir: true }, []],
  ["--allow-delete", { allowDelete: true }, []],
  ["--allow-mkdir", { allowMkdir: true }, []],
  ["--auth, signed in", { auth: "u:p", allowDelete: true }, [[
    "Authorization",
    `Basic ${btoa("u:p")}`,
  ]]],
  ["--auth, anonymous", { auth: "u:p", allowMkdir: true }, []],
  ["--read-only --auth-all", { readOnly: true, auth: "u:p", authAll: true }, [[
    "Authorization",
    `Basic ${btoa("u:p")}`,
  ]]],
];

for (const [name, config, fields] of CONFIGS) {
  Deno.test(`Allow: OPTIONS and every 405 on the share agree (${name})`, async () => {
    await withUploadServer(config, async (s) => {
      for (const path of PATHS) {
        await resetShare(s.root);
        const options = await request(s.port, "OPTIONS", path, fields);
        assertEquals(options.status, 200, `OPTIONS ${path}`);
        const allow = options.header("allow")!;
        const listed = allow.split(", ");
        for (const method of METHODS) {
          await resetShare(s.root);
          const destination: Array<[string, string]> = method === "COPY" || method === "MOVE"
            ? [["Destination", s.url("/files/copied")]]
            : [];
          const res = await request(s.port, method, path, [...fields, ...destination]);
          const what = `${method} ${path}: ${res.status}, Allow: ${res.header("allow")}`;
          if (method === "MKCOL" && res.status === 405 && listed.includes("MKCOL")) {
            // RFC 4918 §9.3.1: the name is in use (all four exist); the rest of the list stands.
            const less = listed.filter((m) => m !== "MKCOL").join(", ");
            assertEquals(res.header("allow"), less, what);
          } else if (listed.includes(method)) {
            assert(res.status !== 405, `${what} is listed in ${allow}`);
          } else {
            assert([405, 403, 401].includes(res.status), `${what}: not listed in ${allow}`);
          }
          if (res.status === 405 && method !== "MKCOL") {
            assertEquals(res.header("allow"), allow, what);
          }
        }
      }
    });
  });
}

Deno.test("Allow: --read-only offers reads only, and /files no upload method", async () => {
  await withUploadServer({ readOnly: true }, async (s) => {
    for (const path of ["/files", "/files/a.txt"]) {
      const patch = await request(s.port, "PATCH", path);
      assertEquals([patch.status, patch.header("allow")], [405, "GET, PROPFIND, HEAD, OPTIONS"]);
    }
  });
  await withUploadServer({ allowDelete: true, allowMkdir: true }, async (s) => {
    const put = await request(s.port, "PUT", "/files");
    assertEquals(
      [put.status, put.header("allow")],
      [405, "GET, PROPFIND, PROPPATCH, COPY, LOCK, UNLOCK, MOVE, HEAD, OPTIONS"],
    );
    const options = await request(s.port, "OPTIONS", "/files");
    assertEquals(options.header("allow"), put.header("allow"));
    // A tus creation is a POST below /files/ only: /files is no tus endpoint.
    const tus = await request(s.port, "POST", "/files", [
      ["Tus-Resumable", "1.0.0"],
      ["Upload-Length", "1"],
    ]);
    assertEquals([tus.status, tus.header("allow")], [405, put.header("allow")]);
  });
});

Deno.test("Allow: an upload resource under --read-only offers reads only", async () => {
  const at = "/api/uploads/0123456789abcdef0123456789abcdef";
  await withUploadServer({ readOnly: true }, async (s) => {
    const options = await request(s.port, "OPTIONS", at);
    assertEquals(options.header("allow"), "HEAD, GET, OPTIONS");
    // Still routed, to be refused as every change is under --read-only.
    assertEquals((await request(s.port, "DELETE", at, [["Tus-Resumable", "1.0.0"]])).status, 403);
  });
  await withUploadServer({}, async (s) => {
    const options = await request(s.port, "OPTIONS", at);
    assertEquals(options.header("allow"), "HEAD, GET, PATCH, DELETE, OPTIONS");
  });
});

Deno.test("Allow: a tus PUT's 405 lists the router's methods there, less PUT", async () => {
  await withUploadServer({ allowDelete: true }, async (s) => {
    const options = await request(s.port, "OPTIONS", "/files/x.txt");
    const put = await request(s.port, "PUT", "/files/x.txt", [["Tus-Resumable", "1.0.0"]]);
    const less = options.header("allow")!.split(", ").filter((m) => m !== "PUT").join(", ");
    assertEquals([put.status, put.header("allow")], [405, less]);
  });
});
