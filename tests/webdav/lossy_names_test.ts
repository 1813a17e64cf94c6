/**
 * Members whose names are not UTF-8: Deno reads them with U+FFFD in place of the bytes and cannot
 * open them by that name, and no URL names them (PROPFIND leaves them out). DELETE of their folder
 * still removes them; COPY cannot copy them and says so with the folder's href, never a 500 or an
 * href holding U+FFFD.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { exists } from "../support/paths.ts";
import { withDav } from "./webdav_fixture.ts";

const ALL = { allowDelete: true, allowMkdir: true };
const to = (path: string): [string, string] => ["Destination", `http://dav.test${path}`];

/**
 * Makes `bad/` under `root` holding `ok.txt`, the file `n\377x` and the folder `d\377r/` (with a
 * file in it) — through the shell, as Deno cannot write such names. False where the file system
 * refuses names that are not UTF-8 (macOS).
 */
async function makeLossyFolder(root: string): Promise<boolean> {
  await Deno.mkdir(`${root}/bad`);
  await Deno.writeTextFile(`${root}/bad/ok.txt`, "y");
  const script = `printf x > "$(printf 'n\\377x')" && mkdir "$(printf 'd\\377r')" && ` +
    `printf z > "$(printf 'd\\377r')/in.txt"`;
  const out = await new Deno.Command("sh", { args: ["-c", script], cwd: `${root}/bad` }).output()
    .catch(() => null);
  return out !== null && out.success;
}

async function namesIn(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

Deno.test("DELETE of a folder removes members whose names are not UTF-8 with it (204)", async () => {
  await withDav(ALL, async (app) => {
    if (!await makeLossyFolder(app.root)) return;
    const res = await app.call("DELETE", "/files/bad/");
    assertEquals(res.status, 204, res.text);
    assertEquals(await exists(`${app.root}/bad`), false);
  });
});

Deno.test("COPY of a folder with names that are not UTF-8 copies the rest; 207 names the folder, 403", async () => {
  await withDav(ALL, async (app) => {
    if (!await makeLossyFolder(app.root)) return;
    const res = await app.call("COPY", "/files/bad/", [to("/files/bad2/")]);
    assertEquals(res.status, 207, res.text);
    assert(!res.text.includes("\uFFFD") && !res.text.includes("%EF%BF%BD"), res.text);
    assert(!res.text.includes(" 500 "), res.text);
    const hrefs = [...res.text.matchAll(/<D:href>([^<]*)<\/D:href>/g)].map((m) => m[1]);
    assertEquals(hrefs, ["/files/bad2/"]);
    assert(res.text.includes("HTTP/1.1 403 Forbidden"), res.text);
    // what has a name is copied; nothing is made under a U+FFFD name
    assertEquals(await namesIn(`${app.root}/bad2`), ["ok.txt"]);
    assertEquals((await namesIn(`${app.root}/bad`)).length, 3, "the source is untouched");
  });
});

Deno.test("with --hide, DELETE of a folder holding a folder named in non-UTF-8 is 403, nothing removed", async () => {
  await withDav({ ...ALL, hide: ["*.key"] }, async (app) => {
    if (!await makeLossyFolder(app.root)) return;
    // the walk for private paths cannot look inside such a folder, so it cannot vouch for it
    const res = await app.call("DELETE", "/files/bad/");
    assertEquals(res.status, 403, res.text);
    assertEquals((await namesIn(`${app.root}/bad`)).length, 3);
  });
});
