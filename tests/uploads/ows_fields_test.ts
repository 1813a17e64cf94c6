/**
 * The upload routes' request fields: OWS around a value is SP and HTAB only (RFC 9110 §5.6.3).
 * A no-break space (0xA0, one raw byte of a latin1 field value) is part of the value, so
 * `identity\xA0` is an unknown coding and `infinity\xA0` no Depth — `String.trim` would take it
 * off and let them pass.
 */

import { assertEquals } from "../support/assert.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { createRouter } from "../../src/app/router.ts";
import { uploadRoutes } from "../../src/uploads/upload_routes.ts";
import { exists } from "../support/paths.ts";
import { buildRequest, header } from "../support/request_builder.ts";

/** A caller of the upload routes over `root` (deletes and folders allowed). */
function callWith(root: string) {
  const app = createRouter(
    uploadRoutes(appConfig({ directory: root, allowDelete: true, allowMkdir: true })),
  );
  return (method: string, target: string, headers: Array<[string, string]>, body?: string) =>
    app(buildRequest({ method, target, headers: [["Host", "t"], ...headers], body }));
}

/** Runs `fn` with a caller over a fresh root, then removes the root. */
async function withRoutes(
  fn: (call: ReturnType<typeof callWith>, root: string) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "wireserve-ows-" });
  try {
    await fn(callWith(root), root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("an upload whose Content-Encoding is identity or gzip with a no-break space is 415", async () => {
  await withRoutes(async (call, root) => {
    for (const coding of ["identity\xA0", "\xA0identity", "\xA0", "gzip\xA0"]) {
      const res = await call("PUT", "/files/a.txt", [["Content-Encoding", coding]], "data");
      assertEquals(res.status, 415, JSON.stringify(coding));
      assertEquals(header(res, "accept-encoding"), "identity");
    }
    assertEquals(await exists(`${root}/a.txt`), false);
    const plain = await call("PUT", "/files/a.txt", [["Content-Encoding", "\tidentity\t"]], "data");
    assertEquals(plain.status, 201);
  });
});

Deno.test("DELETE of a folder with Depth infinity and a no-break space is 400, the folder kept", async () => {
  await withRoutes(async (call, root) => {
    await Deno.mkdir(`${root}/d`);
    await Deno.writeTextFile(`${root}/d/f.txt`, "kept");
    const res = await call("DELETE", "/files/d/", [["Depth", "infinity\xA0"]]);
    assertEquals(res.status, 400);
    assertEquals(await Deno.readTextFile(`${root}/d/f.txt`), "kept");
    assertEquals((await call("DELETE", "/files/d/", [["Depth", "\tinfinity\t"]])).status, 204);
    assertEquals(await exists(`${root}/d`), false);
  });
});

Deno.test("a POST typed urlencoded with a no-break space is no new-folder form", async () => {
  await withRoutes(async (call, root) => {
    const form = (type: string) => call("POST", "/files/", [["Content-Type", type]], "mkdir=new");
    assertEquals((await form("application/x-www-form-urlencoded\xA0")).status, 415);
    assertEquals(await exists(`${root}/new`), false);
    assertEquals((await form("application/x-www-form-urlencoded\t; charset=utf-8")).status, 201);
    assertEquals(await exists(`${root}/new`), true);
  });
});
