/**
 * What an upload does to the names it replaces, over the real server: a form is all or nothing
 * even when another client takes one of its names while the body is still arriving; a replaced
 * file keeps its permission bits (PUT and form); an empty `filename*` falls back to `filename`.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";
import { filesBelow, head, request, withUploadServer } from "./upload_fixture.ts";

const BOUNDARY = "----wireserveReplaceBoundary";
const FORM: [string, string] = ["Content-Type", `multipart/form-data; boundary=${BOUNDARY}`];
const enc = new TextEncoder();

/** One file part of a form (its head and content), with `disposition` as the part sends it. */
function part(disposition: string, content: string): string {
  return `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; ${disposition}\r\n\r\n` +
    `${content}\r\n`;
}
const filePart = (name: string, content: string) => part(`filename="${name}"`, content);
const CLOSE = `--${BOUNDARY}--\r\n`;

/** Waits until the server has opened the temp file of `name` in `dir` (its part has begun). */
async function tempFileOpened(dir: string, name: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if ((await filesBelow(dir)).some((f) => f.startsWith(`.${name}.wireserve-`))) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no temp file for ${name}`);
}

/**
 * Posts a form of a.txt then b.txt to /files/, but stops sending once b.txt's part has begun,
 * runs `meanwhile`, then sends the rest and returns the answer's status.
 */
async function formWithRace(port: number, root: string, meanwhile: () => Promise<void>) {
  // past the pump's eager piece (64 KiB), so the server parses this much before the rest comes
  const first = filePart("a.txt", "form a") + part(`filename="b.txt"`, "b".repeat(200_000));
  const rest = " and the second half\r\n" + CLOSE;
  const length = enc.encode(first + rest).length;
  const c = await RawClient.connect(port);
  try {
    await c.send(head("POST", "/files/", [FORM, ["Content-Length", String(length)]]));
    await c.send(first);
    await tempFileOpened(root, "b.txt");
    await meanwhile();
    await c.send(rest);
    const res = await c.readResponse(10_000);
    assert(res !== null, "no answer to the form");
    return res.status;
  } finally {
    c.close();
  }
}

Deno.test("a form whose later name another PUT takes mid-body gets 409 and stores nothing", async () => {
  await withUploadServer({ noOverwrite: true }, async (s) => {
    const status = await formWithRace(s.port, s.root, async () => {
      assertEquals((await request(s.port, "PUT", "/files/b.txt", [], "put b")).status, 201);
    });
    assertEquals(status, 409);
    assertEquals(await filesBelow(s.root), ["b.txt"]); // no a.txt, no temp file
    assertEquals(await Deno.readTextFile(`${s.root}/b.txt`), "put b");
  });
});

Deno.test("a form that cannot place its last file puts back the file its first one replaced", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.writeTextFile(`${s.root}/a.txt`, "old a");
    const status = await formWithRace(s.port, s.root, async () => {
      await Deno.mkdir(`${s.root}/b.txt/inside`, { recursive: true }); // now a folder
    });
    assertEquals(status, 409);
    assertEquals(await Deno.readTextFile(`${s.root}/a.txt`), "old a");
    assertEquals(await filesBelow(s.root), ["a.txt"]);
  });
});

const modeOf = async (path: string) => (await Deno.stat(path)).mode! & 0o777;

Deno.test("PUT and a form replacing 0600 and 0755 files keep their permission bits", async () => {
  await withUploadServer({}, async (s) => {
    for (const [name, mode] of [["secret.txt", 0o600], ["run.sh", 0o755]] as const) {
      await Deno.writeTextFile(`${s.root}/${name}`, "old");
      await Deno.chmod(`${s.root}/${name}`, mode);
      assertEquals((await request(s.port, "PUT", `/files/${name}`, [], "put")).status, 204);
      assertEquals(await modeOf(`${s.root}/${name}`), mode, `${name} after PUT`);
      assertEquals(await Deno.readTextFile(`${s.root}/${name}`), "put");
    }
    const body = filePart("secret.txt", "form 1") + filePart("run.sh", "form 2") + CLOSE;
    assertEquals((await request(s.port, "POST", "/files/", [FORM], body)).status, 201);
    assertEquals(await modeOf(`${s.root}/secret.txt`), 0o600);
    assertEquals(await modeOf(`${s.root}/run.sh`), 0o755);
    assertEquals(await Deno.readTextFile(`${s.root}/run.sh`), "form 2");
    assertEquals(await filesBelow(s.root), ["run.sh", "secret.txt"]);
  });
});

Deno.test("a part with an empty filename* is stored under its plain filename", async () => {
  await withUploadServer({}, async (s) => {
    const body = part(`filename*=UTF-8''; filename="a.txt"`, "content") + CLOSE;
    const res = await request(s.port, "POST", "/files/", [FORM], body);
    assertEquals(res.status, 201);
    assertEquals(JSON.parse(res.text).stored[0].name, "a.txt");
    assertEquals(await Deno.readTextFile(`${s.root}/a.txt`), "content");
  });
});

/** Makes a FIFO at `path` (`mkfifo`), or says why not. */
async function mkfifo(path: string): Promise<boolean> {
  const made = await new Deno.Command("mkfifo", { args: [path] }).output().catch(() => null);
  return made?.success === true;
}

// GET answers 404 for a FIFO (only files and folders are served): a write must see nothing there
// too (RFC 9110 §13.1.1, §9.3.4), not an existing resource without a tag.
Deno.test("a write sees no current resource at a FIFO: If-Match: * fails, a PUT creates (201)", async () => {
  await withUploadServer({}, async (s) => {
    if (Deno.build.os === "windows" || !(await mkfifo(`${s.root}/pipe`))) {
      console.log("mkfifo is not available here: nothing to check");
      return;
    }
    assertEquals((await request(s.port, "GET", "/files/pipe")).status, 404);
    const refused = await request(s.port, "PUT", "/files/pipe", [["If-Match", "*"]], "a");
    assertEquals(refused.status, 412);
    assert((await Deno.lstat(`${s.root}/pipe`)).isFifo, "the FIFO is untouched");
    assertEquals((await request(s.port, "PUT", "/files/pipe", [], "made")).status, 201);
    assertEquals(await Deno.readTextFile(`${s.root}/pipe`), "made");
  });
});
