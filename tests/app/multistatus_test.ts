/**
 * The 207 document (RFC 4918 §13): one head and tail for every answer that writes one, and the
 * partial-failure listing of DELETE, COPY and MOVE inside them.
 */

import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { multiStatus, MULTISTATUS_HEAD, MULTISTATUS_TAIL } from "../../src/app/multistatus.ts";
import { parseXml } from "../../src/webdav/xml_tree.ts";
import { assert, assertEquals } from "../support/assert.ts";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));
/** The one module allowed to spell the document's root. */
const OWNER = "app/multistatus.ts";

Deno.test("multiStatus frames its members with MULTISTATUS_HEAD and MULTISTATUS_TAIL", () => {
  const res = multiStatus([{ href: "/files/a%20b/x&y", status: 423 }]);
  const body = res.body as string;
  assertEquals(res.status, 207);
  assert(body.startsWith(MULTISTATUS_HEAD), body);
  assert(body.endsWith(MULTISTATUS_TAIL), body);
  assertEquals(
    body.slice(MULTISTATUS_HEAD.length, -MULTISTATUS_TAIL.length),
    "<D:response><D:href>/files/a%20b/x&amp;y</D:href>" +
      "<D:status>HTTP/1.1 423 Locked</D:status></D:response>\n",
  );
});

Deno.test("MULTISTATUS_HEAD and MULTISTATUS_TAIL make a DAV:multistatus document", () => {
  const root = parseXml(MULTISTATUS_HEAD + MULTISTATUS_TAIL);
  assertEquals([root.ns, root.local], ["DAV:", "multistatus"]);
});

Deno.test("no module but app/multistatus.ts spells the multistatus root", async () => {
  const spelled: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(join(SRC, dir))) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory) await walk(path);
      else if (path.endsWith(".ts") && path !== OWNER) {
        const text = await Deno.readTextFile(join(SRC, path));
        if (/<D:multistatus\b|<\/D:multistatus>/.test(text)) spelled.push(path);
      }
    }
  };
  await walk("");
  assertEquals(spelled, []);
});
