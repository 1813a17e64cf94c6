/**
 * Out of file descriptors, an upload that exists is not reported gone: HEAD, PATCH and DELETE of
 * a tus upload, and the draft's HEAD and DELETE, answer 503 with Retry-After (the client tries
 * again) instead of 404 (which makes tus clients start the whole upload over). The lease's lock
 * file is opened with `Deno.openSync`, replaced here for one request by one that throws what Deno
 * throws out of descriptors (a plain `Error` with `code: "EMFILE"`).
 */

import { appConfig } from "../../src/app/app_config.ts";
import { createApp } from "../../src/app/routes.ts";
import type { Handler, HttpResponse } from "../../src/http/types.ts";
import { assertEquals } from "../support/assert.ts";
import { buildRequest, header } from "../support/request_builder.ts";

function emfile(): Error {
  return Object.assign(new Error("Too many open files (os error 24): open"), { code: "EMFILE" });
}

/** `fn` with `Deno.openSync` failing as it does out of descriptors. */
async function withoutDescriptors<T>(fn: () => Promise<T>): Promise<T> {
  const deno = Deno as unknown as { openSync: unknown };
  const saved = deno.openSync;
  deno.openSync = () => {
    throw emfile();
  };
  try {
    return await fn();
  } finally {
    deno.openSync = saved;
  }
}

const TUS = ["Tus-Resumable", "1.0.0"] as const;

async function ask(app: Handler, spec: Parameters<typeof buildRequest>[0]): Promise<HttpResponse> {
  return await app(buildRequest(spec));
}

Deno.test("out of descriptors, a tus or draft upload that exists answers 503, never 404", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-fd-tus-" }));
  try {
    const app = createApp(appConfig({ directory: root }));
    const created = await ask(app, {
      method: "POST",
      target: "/files/",
      headers: [["Host", "t"], [...TUS], ["Upload-Length", "10"], [
        "Upload-Metadata",
        `filename ${btoa("a.bin")}`,
      ]],
    });
    assertEquals(created.status, 201);
    const upload = new URL(header(created, "location")!, "http://t").pathname;
    const cases: Array<[string, Parameters<typeof buildRequest>[0]]> = [
      ["tus HEAD", { method: "HEAD", target: upload, headers: [["Host", "t"], [...TUS]] }],
      ["tus PATCH", {
        method: "PATCH",
        target: upload,
        headers: [["Host", "t"], [...TUS], ["Upload-Offset", "0"], [
          "Content-Type",
          "application/offset+octet-stream",
        ], ["Content-Length", "4"]],
        body: "abcd",
      }],
      ["tus DELETE", { method: "DELETE", target: upload, headers: [["Host", "t"], [...TUS]] }],
      ["draft HEAD", { method: "HEAD", target: upload, headers: [["Host", "t"]] }],
      ["draft DELETE", { method: "DELETE", target: upload, headers: [["Host", "t"]] }],
    ];
    for (const [what, spec] of cases) {
      const res = await withoutDescriptors(() => ask(app, spec));
      assertEquals([res.status, header(res, "retry-after")], [503, "1"], what);
    }
    // With descriptors back, the upload is still there, untouched.
    const after = await ask(app, {
      method: "HEAD",
      target: upload,
      headers: [["Host", "t"], [...TUS]],
    });
    assertEquals([after.status, header(after, "upload-offset")], [204, "0"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
