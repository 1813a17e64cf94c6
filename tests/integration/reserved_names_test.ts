/**
 * With `--dotfiles`, the server's own files stay out of reach: an upload's temp file while it is
 * being written, the resumable uploads' state folder and the WebDAV property store are never
 * served, listed, found, written or deleted — whatever the method.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";
import { head, request, withUploadServer } from "./upload_fixture.ts";

const LOCK_BODY = '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/>' +
  "</D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>";

/** Waits until the server has made the upload's temp file in `root`; returns its name. */
async function tempName(root: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    for await (const e of Deno.readDir(root)) {
      if (e.name.startsWith(".big.bin.wireserve-")) return e.name;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("no temp file appeared");
}

Deno.test("with --dotfiles an upload's temp file and the state folders are out of reach", async () => {
  await withUploadServer({ dotfiles: true, allowDelete: true }, async (s) => {
    // State folders of the other features, as they exist once those have been used.
    await Deno.mkdir(`${s.root}/.wireserve-uploads`);
    await Deno.writeTextFile(`${s.root}/.wireserve-uploads/x.json`, "{}");
    await Deno.mkdir(`${s.root}/.wireserve-dav`);
    await Deno.writeTextFile(`${s.root}/.hidden-but-served.txt`, "dotfiles on");
    const upload = await RawClient.connect(s.port);
    try {
      await upload.send(head("PUT", "/files/big.bin", [["Content-Length", "1000"]]) + "0123456789");
      const temp = await tempName(s.root);
      for (
        const name of [temp, ".wireserve-uploads/x.json", ".wireserve-uploads/", ".wireserve-dav/"]
      ) {
        for (const method of ["GET", "DELETE", "PROPFIND"]) {
          const res = await request(s.port, method, `/files/${name}`, [["Depth", "0"]]);
          assert([400, 403, 404].includes(res.status), `${method} ${name}: ${res.status}`);
        }
        const put = await request(s.port, "PUT", `/files/${name}`, [], "overwrite");
        assert([400, 403, 404].includes(put.status), `PUT ${name}: ${put.status}`);
      }
      // Refused, not done: every one of them is still there, untouched.
      assertEquals(await Deno.readTextFile(`${s.root}/.wireserve-uploads/x.json`), "{}");
      assert((await Deno.stat(`${s.root}/.wireserve-dav`)).isDirectory);
      assert((await Deno.stat(`${s.root}/${temp}`)).isFile);
      const listing = await request(s.port, "GET", "/files/?format=json");
      const names = (JSON.parse(new TextDecoder().decode(listing.body)).entries as Array<
        { name: string }
      >).map((e) => e.name);
      assertEquals(names.sort(), [".hidden-but-served.txt"]);
      const dav = await request(s.port, "PROPFIND", "/files/", [["Depth", "1"]]);
      const xml = new TextDecoder().decode(dav.body);
      assert(xml.includes(".hidden-but-served.txt") && !xml.includes(".wireserve-"), xml);
      const found = await request(s.port, "GET", "/files/?q=wireserve&format=json");
      assertEquals(JSON.parse(new TextDecoder().decode(found.body)).entries, []);
      // The upload itself is untouched by all that and still completes.
      await upload.send("x".repeat(990));
      assertEquals((await upload.readResponse())?.status, 201);
      assertEquals((await Deno.stat(`${s.root}/big.bin`)).size, 1000);
    } finally {
      upload.close();
    }
  });
});

Deno.test("with --dotfiles no write reaches a state folder through a symlink inside the share", async () => {
  await withUploadServer({ dotfiles: true, allowDelete: true, allowMkdir: true }, async (s) => {
    await Deno.mkdir(`${s.root}/.wireserve-uploads`);
    await Deno.writeTextFile(`${s.root}/.wireserve-uploads/x.json`, "{}");
    await Deno.mkdir(`${s.root}/.wireserve-dav`);
    await Deno.writeTextFile(`${s.root}/a.txt`, "a");
    // A link the share's owner made, pointing at the server's own folders by another name.
    await Deno.symlink(".wireserve-uploads", `${s.root}/state`);
    await Deno.symlink(".wireserve-dav", `${s.root}/props`);
    for (const link of ["state", "props"]) {
      const writes: Array<[string, string, [string, string][]]> = [
        ["PUT", `/files/${link}/new.json`, []],
        ["PUT", `/files/${link}/x.json`, []],
        ["MKCOL", `/files/${link}/made/`, []],
        ["DELETE", `/files/${link}/x.json`, []],
        ["COPY", "/files/a.txt", [["Destination", `/files/${link}/copied`]]],
        ["LOCK", `/files/${link}/locked`, []],
      ];
      for (const [method, path, headers] of writes) {
        const body = method === "PUT" ? "w" : method === "LOCK" ? LOCK_BODY : "";
        const res = await request(s.port, method, path, headers, body);
        assert([400, 403, 404].includes(res.status), `${method} ${path}: ${res.status}`);
      }
    }
    const names = async (dir: string) =>
      (await Array.fromAsync(Deno.readDir(`${s.root}/${dir}`))).map((e) => e.name).sort();
    assertEquals(await names(".wireserve-uploads"), ["x.json"]);
    assertEquals(await names(".wireserve-dav"), []);
    assertEquals(await Deno.readTextFile(`${s.root}/.wireserve-uploads/x.json`), "{}");
  });
});

Deno.test("a write that names a reserved name gets 400 (MKCOL 403) naming why, never 404", async () => {
  for (const dotfiles of [false, true]) {
    await withUploadServer({ dotfiles, allowMkdir: true }, async (s) => {
      await Deno.mkdir(`${s.root}/work`);
      // The parent exists: a 404 would say there is nothing to create in (RFC 4918 §9.3.1).
      for (const name of [".wireserve-uploads", ".wireserve-dav"]) {
        for (
          const [method, path] of [
            ["MKCOL", `/files/work/${name}/`],
            ["MKCOL", `/files/${name}/`],
            ["PUT", `/files/work/${name}/a.txt`],
          ]
        ) {
          const res = await request(s.port, method, path, [], method === "PUT" ? "w" : "");
          const why = `${method} ${path} (dotfiles: ${dotfiles})`;
          // MKCOL: "creation of collections not allowed at the given location" (RFC 4918 §9.3.1).
          assertEquals(res.status, method === "MKCOL" ? 403 : 400, why);
          assertEquals(new TextDecoder().decode(res.body).trim(), "Refused name: reserved", why);
        }
      }
      assertEquals(await Array.fromAsync(Deno.readDir(`${s.root}/work`)), []);
    });
  }
});
