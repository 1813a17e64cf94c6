/**
 * A page of this origin never gets what a client chose as a script (own_scripts.ts): the routes
 * that serve uploads, echoes and httpbin refuse a same-origin script, worker or XSLT load; the
 * web root (the UI's own scripts) and every other kind of request pass.
 */

import { appConfig } from "../../src/app/app_config.ts";
import { OWN_SCRIPT_REFUSAL } from "../../src/app/own_scripts.ts";
import { createApp } from "../../src/app/routes.ts";
import { assertEquals } from "../support/assert.ts";
import { buildRequest, header } from "../support/request_builder.ts";

const SAME_ORIGIN_SCRIPT: Array<[string, string]> = [
  ["Sec-Fetch-Dest", "script"],
  ["Sec-Fetch-Site", "same-origin"],
];

async function get(
  app: ReturnType<typeof createApp>,
  target: string,
  fields: Array<[string, string]>,
) {
  const res = await app(buildRequest({ target, headers: [["Host", "t"], ...fields] }));
  return res;
}

Deno.test("client-chosen bytes are refused as a script, worker or XSLT of this origin's pages", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${root}/x.js`, "document.title = 'x';\n");
    const app = createApp(appConfig({ directory: root }));
    const targets = [
      "/files/x.js",
      "/echo/document.title=1",
      "/base64/ZG9jdW1lbnQudGl0bGU9MQ==?content-type=text/javascript",
      "/anything",
    ];
    for (const target of targets) {
      for (const dest of ["script", "worker", "serviceworker", "xslt"]) {
        const res = await get(app, target, [["Sec-Fetch-Dest", dest], [
          "Sec-Fetch-Site",
          "same-origin",
        ]]);
        assertEquals([res.status, res.body], [403, OWN_SCRIPT_REFUSAL], `${target} as ${dest}`);
        assertEquals(header(res, "x-content-type-options"), "nosniff");
      }
      // Another site's page, a fetch of the page itself, and clients that send no metadata pass.
      const passing: Array<Array<[string, string]>> = [
        [["Sec-Fetch-Dest", "script"], ["Sec-Fetch-Site", "cross-site"]],
        [["Sec-Fetch-Dest", "empty"], ["Sec-Fetch-Site", "same-origin"]],
        [["Sec-Fetch-Dest", "document"], ["Sec-Fetch-Site", "same-origin"]],
        [],
      ];
      for (const fields of passing) {
        const res = await get(app, target, fields);
        assertEquals(res.status, 200, `${target} with ${JSON.stringify(fields)}`);
      }
    }
    // The UI's own scripts come from the web root: loaded as scripts, as they must be.
    assertEquals((await get(app, "/js/main.js", SAME_ORIGIN_SCRIPT)).status, 200);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
