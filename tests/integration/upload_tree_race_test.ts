/**
 * Uploads that race the tree: the folder an upload streams into is removed or moved meanwhile,
 * folders on the way are dangling links, the name is a link out of the root. Each answer is the
 * tree's state (409, 403, or a creation), never a 500, and nothing big is left behind.
 */

import { isTempFileName } from "../../src/app/temp_name.ts";
import {
  filesBelow,
  head,
  pattern,
  request,
  send,
  type UploadServer,
  withUploadServer,
} from "./upload_fixture.ts";
import { RawClient } from "../support/server.ts";
import { assert, assertEquals } from "../support/assert.ts";

/** Body bytes sent before the tree is changed; the rest follows after. */
const FIRST_PART_BYTES = 1000;
const BODY_BYTES = 200_000;

/** Waits until a temp file shows below `dir`: the upload is streaming into it. */
async function tempFileBelow(dir: string): Promise<string> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const temp = (await filesBelow(dir).catch(() => [])).find((f) =>
      isTempFileName(f.slice(f.lastIndexOf("/") + 1))
    );
    if (temp !== undefined) return temp;
    if (Date.now() > deadline) throw new Error("the upload never started its temp file");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Starts `requestHead` + body, runs `meanwhile` once the temp file exists, then finishes it. */
async function uploadWhile(
  s: UploadServer,
  requestHead: string,
  body: Uint8Array,
  folder: string,
  meanwhile: () => Promise<void>,
  firstBytes = FIRST_PART_BYTES,
) {
  const client = await RawClient.connect(s.port);
  try {
    await client.send(requestHead);
    await client.send(body.subarray(0, firstBytes));
    await tempFileBelow(folder);
    await meanwhile();
    await client.send(body.subarray(firstBytes));
    return await client.readResponse(10_000);
  } finally {
    client.close();
  }
}

const rawPut = (path: string, length: number) =>
  head("PUT", path, [["Content-Length", String(length)], ["Connection", "close"]]);

Deno.test("a PUT whose folder is deleted while it streams gets 409", async () => {
  await withUploadServer({ allowDelete: true }, async (s) => {
    await Deno.mkdir(`${s.root}/dv`);
    const body = pattern(BODY_BYTES);
    const res = await uploadWhile(
      s,
      rawPut("/files/dv/x.bin", body.length),
      body,
      `${s.root}/dv`,
      async () => {
        assertEquals((await request(s.port, "DELETE", "/files/dv/")).status, 204);
      },
    );
    assertEquals(res?.status, 409);
    assertEquals(
      new TextDecoder().decode(res!.body),
      "The folder was removed or moved during the upload\n",
    );
    assertEquals(await filesBelow(s.root), []);
  });
});

Deno.test("a form upload whose folder is deleted while it streams gets 409", async () => {
  await withUploadServer({ allowDelete: true }, async (s) => {
    await Deno.mkdir(`${s.root}/dv`);
    const enc = new TextEncoder();
    const start = enc.encode(
      '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="v.bin"\r\n\r\n',
    );
    const end = enc.encode("\r\n--XYZ--\r\n");
    const body = new Uint8Array([...start, ...pattern(BODY_BYTES), ...end]);
    const requestHead = head("POST", "/files/dv/", [
      ["Content-Type", "multipart/form-data; boundary=XYZ"],
      ["Accept", "application/json"],
      ["Content-Length", String(body.length)],
      ["Connection", "close"],
    ]);
    // The parser hands a part's bytes on only once it knows they are no boundary: send more.
    const res = await uploadWhile(s, requestHead, body, `${s.root}/dv`, async () => {
      assertEquals((await request(s.port, "DELETE", "/files/dv/")).status, 204);
    }, BODY_BYTES / 2);
    assertEquals(res?.status, 409);
    assertEquals(await filesBelow(s.root), []);
  });
});

Deno.test({
  name: "a PUT whose folder is moved while it streams gets 409 and leaves an empty temp file",
  ignore: Deno.build.os === "windows", // the temp file is closed before the rename there
  async fn() {
    await withUploadServer({}, async (s) => {
      await Deno.mkdir(`${s.root}/mv`);
      const body = pattern(BODY_BYTES);
      const res = await uploadWhile(
        s,
        rawPut("/files/mv/x.bin", body.length),
        body,
        `${s.root}/mv`,
        () => Deno.rename(`${s.root}/mv`, `${s.root}/moved`), // another program, or a WebDAV MOVE
      );
      assertEquals(res?.status, 409);
      const left = await filesBelow(s.root);
      assertEquals(left.length, 1);
      assert(left[0].startsWith("moved/") && isTempFileName(left[0].slice(6)), left[0]);
      assertEquals((await Deno.stat(`${s.root}/${left[0]}`)).size, 0); // the sweep takes the name
    });
  },
});

Deno.test("a dangling link as a folder on the way: 409 inside the root, 403 leading out", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.symlink("missing", `${s.root}/dang`);
    await Deno.symlink(`${s.outside}/missing`, `${s.root}/dangout`);
    await Deno.symlink("dang", `${s.root}/chain`); // a link to the dangling link
    for (const path of ["/files/dang/x.txt", "/files/dang/sub/x.txt", "/files/chain/x.txt"]) {
      const res = await request(s.port, "PUT", path, [], "hi");
      assertEquals([path, res.status], [path, 409]);
      assertEquals(new TextDecoder().decode(res.body), "A folder on the way is a broken link\n");
    }
    for (const path of ["/files/dangout/x.txt", "/files/dangout/sub/x.txt"]) {
      assertEquals([path, (await request(s.port, "PUT", path, [], "hi")).status], [path, 403]);
    }
    const form = '--XYZ\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\n' +
      "hi\r\n--XYZ--\r\n";
    const type: [string, string] = ["Content-Type", "multipart/form-data; boundary=XYZ"];
    assertEquals((await request(s.port, "POST", "/files/dang/", [type], form)).status, 409);
    assertEquals((await request(s.port, "POST", "/files/dangout/", [type], form)).status, 403);
    assertEquals(await Deno.readLink(`${s.root}/dang`), "missing");
    assertEquals((await Array.fromAsync(Deno.readDir(s.outside))).map((e) => e.name), [
      "sentinel.txt",
    ]);
  });
});

Deno.test("write preconditions see a link out of the root as no file, as GET does", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.symlink(`${s.outside}/sentinel.txt`, `${s.root}/out.txt`);
    assertEquals((await request(s.port, "GET", "/files/out.txt")).status, 404);
    // If-Match needs a current representation: none
    assertEquals(
      (await request(s.port, "PUT", "/files/out.txt", [["If-Match", "*"]], "x")).status,
      412,
    );
    // If-None-Match: * passes the checks before the body: the 100 Continue goes out
    const { res, client } = await send(
      s.port,
      rawPut("/files/out.txt", 1).replace(
        "\r\n\r\n",
        "\r\nExpect: 100-continue\r\nIf-None-Match: *\r\n\r\n",
      ),
    );
    client.close();
    assertEquals(res?.status, 100);
    // no date of the outside file is compared (nor leaked): the write goes ahead and creates
    const old: [string, string] = ["If-Unmodified-Since", "Sat, 01 Jan 2000 00:00:00 GMT"];
    assertEquals((await request(s.port, "PUT", "/files/out.txt", [old], "mine")).status, 201);
    assertEquals(await Deno.readTextFile(`${s.outside}/sentinel.txt`), "outside");
    assertEquals(await Deno.readTextFile(`${s.root}/out.txt`), "mine");
  });
});

Deno.test("with --follow-symlinks a link out is the file it leads to, for writes too", async () => {
  await withUploadServer({ followSymlinks: true }, async (s) => {
    await Deno.symlink(`${s.outside}/sentinel.txt`, `${s.root}/out.txt`);
    assertEquals(
      (await request(s.port, "PUT", "/files/out.txt", [["If-None-Match", "*"]], "x")).status,
      412,
    );
    assertEquals(await Deno.readTextFile(`${s.outside}/sentinel.txt`), "outside");
  });
});
