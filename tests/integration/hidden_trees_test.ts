/**
 * Private paths (`--hide`, the settings file wireserve read) are never written — nor deleted with
 * their folder: a DELETE of a folder that holds one, and a COPY or MOVE whose `Overwrite: T`
 * would replace such a folder, answer 403 and change nothing. Folders without private paths are
 * deleted and replaced as before.
 */

import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { curl, text } from "./files_fixture.ts";
import { startApp } from "../support/app_server.ts";
import { appConfig } from "../../src/app/app_config.ts";

/** The real server over a share that holds private paths (and public ones beside them). */
interface Share {
  root: string;
  url(path: string): string;
}

/**
 * Serves a fresh share with `d/private/k` (private by `--hide private/`), `conf/prod.env` (the
 * settings file wireserve read its flags from) and public folders to move, copy and delete.
 */
async function withShare(body: (s: Share) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "hidden-trees-" });
  for (const dir of ["d/private", "d/open", "conf", "c7/sub", "gone/sub"]) {
    await Deno.mkdir(join(root, dir), { recursive: true });
  }
  await Deno.writeTextFile(join(root, "d/private/k"), "PRIVATE KEY");
  await Deno.writeTextFile(join(root, "d/open/readme.txt"), "public");
  await Deno.writeTextFile(join(root, "conf/prod.env"), "WIRESERVE_AUTH=admin:secret");
  await Deno.writeTextFile(join(root, "conf/app.json"), "{}");
  await Deno.writeTextFile(join(root, "c7/sub/new.txt"), "new");
  await Deno.writeTextFile(join(root, "gone/sub/x.txt"), "x");
  await Deno.writeTextFile(join(root, "file.txt"), "a file");
  const srv = await startApp(appConfig({
    directory: root,
    statCacheMs: 0,
    hide: ["private/"],
    secretFiles: [join(root, "conf/prod.env")],
    allowDelete: true,
    allowMkdir: true,
  }));
  try {
    await body({ root, url: (path) => `http://127.0.0.1:${srv.port}${path}` });
  } finally {
    await srv.close();
    await Deno.remove(root, { recursive: true });
  }
}

/** The tree of `dir`, as sorted relative paths with file contents. */
async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, rel: string) => {
    for await (const e of Deno.readDir(d)) {
      const r = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory) {
        out.push(`${r}/`);
        await walk(join(d, e.name), r);
      } else out.push(`${r}=${await Deno.readTextFile(join(d, e.name))}`);
    }
  };
  await walk(dir, "");
  return out.sort();
}

async function davMove(
  s: Share,
  method: "MOVE" | "COPY",
  from: string,
  to: string,
): Promise<{ status: number; body: string }> {
  const res = await curl([
    "-X",
    method,
    "-H",
    `Destination: ${s.url(to)}`,
    "-H",
    "Overwrite: T",
    s.url(from),
  ]);
  return { status: res.status, body: text(res.body) };
}

Deno.test("DELETE of a folder holding a --hide path is refused; one without still deletes", async () => {
  await withShare(async (s) => {
    const before = await snapshot(s.root);
    for (const path of ["/files/d/", "/files/d"]) {
      const res = await curl(["-X", "DELETE", s.url(path)]);
      assertEquals(res.status, 403, path);
      assertEquals(text(res.body).trim(), "The folder holds private files that cannot be deleted");
    }
    assertEquals(await snapshot(s.root), before);
    // Folders without private paths go as before, beside the private one too.
    assertEquals((await curl(["-X", "DELETE", s.url("/files/gone/")])).status, 204);
    assertEquals((await curl(["-X", "DELETE", s.url("/files/d/open/")])).status, 204);
    const after = await snapshot(s.root);
    assert(!after.some((p) => p.startsWith("gone/") || p.startsWith("d/open")), String(after));
    assert(after.includes("d/private/k=PRIVATE KEY"), String(after));
  });
});

Deno.test("DELETE of a folder holding the settings file is refused and deletes nothing", async () => {
  await withShare(async (s) => {
    const before = await snapshot(s.root);
    const res = await curl(["-X", "DELETE", s.url("/files/conf/")]);
    assertEquals(res.status, 403);
    assertEquals(text(res.body).trim(), "The folder holds private files that cannot be deleted");
    assertEquals(await snapshot(s.root), before);
  });
});

Deno.test("MOVE and COPY with Overwrite: T onto a folder holding private paths are refused", async () => {
  const cases: Array<["MOVE" | "COPY", string, string]> = [
    ["MOVE", "/files/c7/", "/files/conf"], // a folder onto the settings file's folder
    ["COPY", "/files/c7/", "/files/conf/"],
    ["MOVE", "/files/file.txt", "/files/conf"], // a file replacing the folder
    ["MOVE", "/files/c7/", "/files/d"], // onto a folder holding a --hide path
    ["COPY", "/files/c7/", "/files/d/"],
    ["COPY", "/files/file.txt", "/files/d"],
  ];
  // Each case on a fresh share, all reported at once: which ones went wrong, not just the first.
  const got: string[] = [];
  for (const [method, from, to] of cases) {
    await withShare(async (s) => {
      const before = await snapshot(s.root);
      const res = await davMove(s, method, from, to);
      const kept = res.body.includes("private files") ? "explained" : res.body.trim();
      const same = JSON.stringify(await snapshot(s.root)) === JSON.stringify(before);
      got.push(
        `${method} ${from} → ${to}: ${res.status} ${kept} ${same ? "unchanged" : "CHANGED"}`,
      );
    });
  }
  assertEquals(got, cases.map(([m, f, t]) => `${m} ${f} → ${t}: 403 explained unchanged`));
  // Replacing folders without private paths works as before, beside the private one too.
  await withShare(async (s) => {
    assertEquals((await davMove(s, "COPY", "/files/c7/", "/files/gone/")).status, 204);
    assertEquals((await davMove(s, "MOVE", "/files/file.txt", "/files/d/open")).status, 204);
    const after = await snapshot(s.root);
    assert(after.includes("gone/sub/new.txt=new") && !after.includes("gone/sub/x.txt=x"));
    assert(after.includes("d/open=a file"), String(after));
    assert(after.includes("d/private/k=PRIVATE KEY"), String(after));
  });
});
