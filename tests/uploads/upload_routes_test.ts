/**
 * The write route lines of `/files/`: a MKCOL turned off (no `--allow-mkdir`) is refused like
 * any write — 401 without credentials first, then its 403 — and stays out of `Allow`.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { createRouter } from "../../src/app/router.ts";
import { uploadRoutes } from "../../src/uploads/upload_routes.ts";
import { bodyText, buildRequest, header } from "../support/request_builder.ts";

Deno.test("MKCOL turned off answers 401 without credentials, then 403, and is not in Allow", async () => {
  const root = await Deno.makeTempDir({ prefix: "wireserve-routes-" });
  try {
    const app = createRouter(uploadRoutes(appConfig({ directory: root, auth: "alice:pw" })));
    const mkcol = (headers: Array<[string, string]>) =>
      app(
        buildRequest({
          method: "MKCOL",
          target: "/files/new/",
          headers: [["Host", "t"], ...headers],
        }),
      );
    const none = await mkcol([]);
    assertEquals(none.status, 401);
    assert(header(none, "WWW-Authenticate")?.startsWith("Basic "));
    const wrong = await mkcol([["Authorization", `Basic ${btoa("alice:no")}`]]);
    assertEquals(wrong.status, 401);
    const signed = await mkcol([["Authorization", `Basic ${btoa("alice:pw")}`]]);
    assertEquals(signed.status, 403);
    assertEquals(await bodyText(signed.body), "Creating folders is turned off (--allow-mkdir)\n");
    // Without --auth the same 403 at once.
    const open = createRouter(uploadRoutes(appConfig({ directory: root })));
    const res = await open(buildRequest({ method: "MKCOL", target: "/files/new/" }));
    assertEquals(res.status, 403);
    const del = await open(buildRequest({ method: "DELETE", target: "/files/new/" }));
    assertEquals(del.status, 405);
    assert(!header(del, "Allow")?.includes("MKCOL"), header(del, "Allow"));
    assertEquals([...Deno.readDirSync(root)], [], "nothing was made");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
