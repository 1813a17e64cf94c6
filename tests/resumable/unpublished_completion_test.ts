/**
 * How a completion's publication is classified (`completeReceived`, `append.ts`): a refusal (a
 * 4xx) ends the upload; a failure on the server's side (507 disk full, 503 out of descriptors)
 * keeps the upload and every byte, answers the 5xx with `Upload-Offset` at the length, and a tus
 * `HEAD` (what tus clients resume with) tries the publication again. The failure is made by
 * replacing `Deno.link` and `Deno.rename` (a new name is published by link, a replaced one by
 * rename) for the final name only (the record's own renames go through), with the errors Deno
 * throws (a plain `Error` with `code`).
 */

import { appConfig } from "../../src/app/app_config.ts";
import { createApp } from "../../src/app/routes.ts";
import type { Handler, HttpResponse } from "../../src/http/types.ts";
import { assertEquals } from "../support/assert.ts";
import { buildRequest, header } from "../support/request_builder.ts";
import { exists } from "./resumable_fixture.ts";

const TUS = ["Tus-Resumable", "1.0.0"] as const;
const DATA = "0123456789";

function fsError(code: string, call: string): Error {
  return Object.assign(new Error(`${code} (os error): ${call}`), { code });
}

/** `fn` with `Deno.link` and `Deno.rename` onto a path ending in `name` failing with `code`. */
async function withFailingPublish<T>(name: string, code: string, fn: () => Promise<T>) {
  const deno = Deno as unknown as { rename: typeof Deno.rename; link: typeof Deno.link };
  const saved = { rename: deno.rename, link: deno.link };
  deno.rename = (from, to) =>
    String(to).endsWith(name) ? Promise.reject(fsError(code, "rename")) : saved.rename(from, to);
  deno.link = (from, to) =>
    String(to).endsWith(name) ? Promise.reject(fsError(code, "link")) : saved.link(from, to);
  try {
    return await fn();
  } finally {
    Object.assign(deno, saved);
  }
}

async function ask(app: Handler, spec: Parameters<typeof buildRequest>[0]): Promise<HttpResponse> {
  return await app(buildRequest(spec));
}

/** Creates a tus upload of `DATA` named `name`; its path. */
async function create(app: Handler, name: string, extra: Array<[string, string]> = []) {
  const res = await ask(app, {
    method: "POST",
    target: "/files/",
    headers: [["Host", "t"], [...TUS], ["Upload-Length", String(DATA.length)], [
      "Upload-Metadata",
      `filename ${btoa(name)}`,
    ], ...extra],
  });
  assertEquals(res.status, 201);
  return new URL(header(res, "location")!, "http://t").pathname;
}

function patchAll(upload: string): Parameters<typeof buildRequest>[0] {
  return {
    method: "PATCH",
    target: upload,
    headers: [["Host", "t"], [...TUS], ["Upload-Offset", "0"], [
      "Content-Type",
      "application/offset+octet-stream",
    ], ["Content-Length", String(DATA.length)]],
    body: DATA,
  };
}

function tusHead(upload: string): Parameters<typeof buildRequest>[0] {
  return { method: "HEAD", target: upload, headers: [["Host", "t"], [...TUS]] };
}

async function withApp(fn: (app: Handler, root: string) => Promise<void>) {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-unpublished-" }));
  try {
    await fn(createApp(appConfig({ directory: root })), root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

for (
  const [code, status] of [["ENOSPC", 507], ["EMFILE", 503], ["EIO", 500], ["EACCES", 403], [
    "EROFS",
    403,
  ]] as const
) {
  Deno.test(`tus: a publication failing with ${code} (${status}) keeps the upload; HEAD publishes it later`, async () => {
    await withApp(async (app, root) => {
      const upload = await create(app, "a.bin");
      const last = await withFailingPublish("a.bin", code, () => ask(app, patchAll(upload)));
      assertEquals([last.status, header(last, "upload-offset")], [status, String(DATA.length)]);
      const again = await withFailingPublish("a.bin", code, () => ask(app, tusHead(upload)));
      assertEquals([again.status, header(again, "upload-offset")], [status, String(DATA.length)]);
      assertEquals(await exists(`${root}/a.bin`), false);

      const head = await ask(app, tusHead(upload));
      assertEquals([head.status, header(head, "upload-offset")], [204, String(DATA.length)]);
      assertEquals(await Deno.readTextFile(`${root}/a.bin`), DATA);
      // Complete now: the record stays for HEAD, without an expiry to announce.
      const done = await ask(app, tusHead(upload));
      assertEquals([done.status, header(done, "upload-expires")], [204, undefined]);
    });
  });
}

Deno.test("tus: a refused publication (a 4xx) still ends the upload", async () => {
  await withApp(async (app, root) => {
    const upload = await create(app, "b.bin", [["If-None-Match", "*"]]);
    await Deno.writeTextFile(`${root}/b.bin`, "someone else's");
    const last = await ask(app, patchAll(upload));
    assertEquals(last.status, 412);
    assertEquals((await ask(app, tusHead(upload))).status, 404);
    assertEquals(await Deno.readTextFile(`${root}/b.bin`), "someone else's");
  });
});

Deno.test("draft: a failed publication answers the 5xx with Upload-Complete ?0; an empty ?1 append publishes", async () => {
  await withApp(async (app, root) => {
    const created = await ask(app, {
      method: "PUT",
      target: "/files/c.bin",
      headers: [["Host", "t"], ["Upload-Complete", "?0"], ["Content-Length", "0"]],
    });
    assertEquals(created.status, 201);
    const upload = new URL(header(created, "location")!, "http://t").pathname;
    const append = (body: string, offset: number): Parameters<typeof buildRequest>[0] => ({
      method: "PATCH",
      target: upload,
      headers: [["Host", "t"], ["Upload-Offset", String(offset)], ["Upload-Complete", "?1"], [
        "Content-Type",
        "application/partial-upload",
      ], ["Content-Length", String(body.length)]],
      body,
    });
    const last = await withFailingPublish("c.bin", "ENOSPC", () => ask(app, append(DATA, 0)));
    assertEquals(
      [last.status, header(last, "upload-complete"), header(last, "upload-offset")],
      [507, "?0", String(DATA.length)],
    );
    // Offset retrieval is safe: it reports the state and publishes nothing (interop 7+).
    const head = await ask(app, { method: "HEAD", target: upload, headers: [["Host", "t"]] });
    assertEquals(
      [head.status, head.headers?.find(([k]) => k === "Upload-Complete")?.[1]],
      [204, "?0"],
    );
    assertEquals(await exists(`${root}/c.bin`), false);
    const done = await ask(app, append("", DATA.length));
    assertEquals([done.status, header(done, "upload-complete")], [201, "?1"]);
    assertEquals(await Deno.readTextFile(`${root}/c.bin`), DATA);
  });
});
