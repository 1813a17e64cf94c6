/**
 * The settings file wireserve read (`./.env`, `--env-file`) holds the credentials: on the real
 * process it is never served, listed, searched, zipped, PROPFINDed or written, wherever a served
 * folder holds it — with `--dotfiles` (`.env` in the shared folder and in `--www`, as the README's
 * site recipe keeps it), and for a plain-named `--env-file` inside the share without it.
 */

import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { spawnWireserve, type WireserveProcess } from "../support/wireserve_process.ts";

const SECRET = "WIRESERVE_AUTH=me:SECRET-PASSPHRASE\n";
/** The credentials the settings file sets: writes carry them, so only privacy can refuse. */
const AUTH = `Basic ${btoa("me:SECRET-PASSPHRASE")}`;

/** A started wireserve and its base URL. */
interface Running {
  process: WireserveProcess;
  url(path: string): string;
}

async function run(args: string[], cwd: string): Promise<Running> {
  const process = spawnWireserve(["--port", "0", "--allow-delete", ...args], { cwd });
  const port = await process.port();
  return { process, url: (path) => `http://127.0.0.1:${port}${path}` };
}

async function stop(r: Running): Promise<void> {
  r.process.child.kill("SIGTERM");
  assertEquals(await r.process.exit(), 0, r.process.stderr());
}

async function request(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: string }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.text() };
}

async function names(url: string): Promise<string[]> {
  const res = await fetch(url);
  assertEquals(res.status, 200, url);
  return ((await res.json()).entries as Array<{ name: string }>).map((e) => e.name);
}

/**
 * Every way to reach the settings file: `reads` are its URLs, `folder` the /files/ folder that
 * holds it (named `name`), `written` its path on disk. `visible` is a neighbour that must stay
 * served, so a refusal is the settings file's and not the setup's.
 */
async function assertPrivate(
  r: Running,
  at: { reads: string[]; folder: string; name: string; written: string; visible: string },
): Promise<void> {
  for (const path of at.reads) {
    for (const method of ["GET", "HEAD"]) {
      const res = await request(r.url(path), { method, headers: { authorization: AUTH } });
      assertEquals(res.status, 404, `${method} ${path}`);
      assert(!res.body.includes("SECRET"), `${method} ${path} leaked`);
    }
  }
  assertEquals((await request(r.url(at.visible))).status, 200, `${at.visible} is served`);

  const listed = await names(r.url(`${at.folder}?format=json`));
  assert(!listed.includes(at.name), `${at.name} is listed: ${listed.join(", ")}`);
  const found = await names(r.url(`/files/?q=${encodeURIComponent(at.name)}&format=json`));
  assertEquals(found, [], `?q= found ${found.join(", ")}`);
  const zip = await fetch(r.url("/files/?zip"));
  assertEquals(zip.status, 200);
  const bytes = new TextDecoder().decode(await zip.arrayBuffer());
  assert(!bytes.includes(at.name), "the settings file is in the zip");

  const propfind = await request(r.url(at.folder), {
    method: "PROPFIND",
    headers: { depth: "1", authorization: AUTH },
  });
  assertEquals(propfind.status, 207);
  assert(!propfind.body.includes(encodeURIComponent(at.name)), "PROPFIND lists it");
  assert(!propfind.body.includes(at.name), "PROPFIND lists it");
  const own = await request(r.url(at.reads.at(-1)!), {
    method: "PROPFIND",
    headers: { depth: "0", authorization: AUTH },
  });
  assertEquals(own.status, 404, "PROPFIND of the file itself");

  const put = await request(r.url(at.reads.at(-1)!), {
    method: "PUT",
    headers: { authorization: AUTH },
    body: "WIRESERVE_AUTH=evil:evil\n",
  });
  assert(put.status >= 400, `PUT answered ${put.status}`);
  const del = await request(r.url(at.reads.at(-1)!), {
    method: "DELETE",
    headers: { authorization: AUTH },
  });
  assert(del.status >= 400, `DELETE answered ${del.status}`);
  const copy = await request(r.url(at.visible), {
    method: "COPY",
    headers: { authorization: AUTH, destination: r.url(at.reads.at(-1)!), overwrite: "T" },
  });
  assert(copy.status >= 400, `COPY over it answered ${copy.status}`);
  assertEquals(await Deno.readTextFile(at.written), SECRET, "the settings file was changed");
}

Deno.test("with --dotfiles, ./.env in the shared folder and in --www is never served or written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-secret-" });
  try {
    // share/site is both the web root and a folder of the share; ./.env is read from there.
    const site = join(dir, "share", "site");
    await Deno.mkdir(site, { recursive: true });
    await Deno.writeTextFile(join(site, ".env"), SECRET);
    await Deno.writeTextFile(join(site, ".visible"), "a dotfile anyone may see");
    await Deno.symlink(".env", join(site, "link-to-env"));
    const r = await run(["--directory", "..", "--www", ".", "--dotfiles"], site);
    try {
      await assertPrivate(r, {
        reads: [
          "/.env",
          "/%2eenv",
          "/link-to-env",
          "/files/site/link-to-env",
          "/files/site/%2eenv",
          "/files/site/.env",
        ],
        folder: "/files/site/",
        name: ".env",
        written: join(site, ".env"),
        visible: "/files/site/.visible",
      });
      assertEquals((await request(r.url("/.visible"))).status, 200, "--www serves dotfiles");
    } finally {
      await stop(r);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a plain-named --env-file inside the shared folder is never served or written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-secret-" });
  try {
    const share = join(dir, "share");
    await Deno.mkdir(join(share, "conf"), { recursive: true });
    await Deno.writeTextFile(join(share, "conf", "settings.txt"), SECRET);
    await Deno.writeTextFile(join(share, "conf", "notes.txt"), "public notes");
    const r = await run(["--env-file", "share/conf/settings.txt", "share"], dir);
    try {
      await assertPrivate(r, {
        reads: ["/files/conf/settings%2etxt", "/files/conf/settings.txt"],
        folder: "/files/conf/",
        name: "settings.txt",
        written: join(share, "conf", "settings.txt"),
        visible: "/files/conf/notes.txt",
      });
    } finally {
      await stop(r);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The names in `url`'s zip, as `unzip -Z1` reads them (saved to `file` first). */
async function zipNames(url: string, file: string): Promise<string[]> {
  const res = await fetch(url);
  assertEquals(res.status, 200, url);
  await Deno.writeFile(file, new Uint8Array(await res.arrayBuffer()));
  const listed = await new Deno.Command("unzip", { args: ["-Z1", file] }).output();
  assert(listed.success, new TextDecoder().decode(listed.stderr));
  return new TextDecoder().decode(listed.stdout).split("\n").filter((l) => l !== "").sort();
}

/** GET and HEAD of each of `paths` answer 404 without the credentials. */
async function assertRefused(r: Running, paths: string[]): Promise<void> {
  for (const path of paths) {
    for (const method of ["GET", "HEAD"]) {
      const res = await request(r.url(path), { method });
      assertEquals(res.status, 404, `${method} ${path}`);
      assert(!res.body.includes("SECRET"), `${method} ${path} leaked`);
    }
  }
}

Deno.test("with --follow-symlinks, links to a settings file outside the share are never served", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-secret-" });
  try {
    // out/ is not shared; S is, and links lead from it to out/prod.env, its folder and a neighbour.
    const out = join(dir, "out");
    const share = join(dir, "S");
    await Deno.mkdir(out);
    await Deno.mkdir(share);
    await Deno.writeTextFile(join(out, "prod.env"), SECRET);
    await Deno.writeTextFile(join(out, "public.txt"), "public notes");
    await Deno.symlink("../out/prod.env", join(share, "link"));
    await Deno.symlink("../out", join(share, "dirlink"));
    await Deno.symlink("../out/public.txt", join(share, "publink"));
    const r = await run(["--follow-symlinks", "--env-file", "out/prod.env", "S"], dir);
    try {
      // Each route is a step of its own, so each is seen to fail without the rule.
      await t.step("GET and HEAD through the file link", async () => {
        await assertRefused(r, ["/files/link"]);
        // the neighbour through a link is served: the refusal is the settings file's
        assertEquals((await request(r.url("/files/publink"))).body, "public notes");
      });
      await t.step("GET and HEAD through the folder link", async () => {
        await assertRefused(r, ["/files/dirlink/prod.env", "/files/dirlink/prod%2eenv"]);
        assertEquals((await request(r.url("/files/dirlink/public.txt"))).body, "public notes");
      });
      await t.step("the share's listing", async () => {
        const top = await names(r.url("/files/?format=json"));
        assert(!top.includes("link") && top.includes("publink"), top.join(", "));
      });
      await t.step("the folder link's listing", async () => {
        const inside = await names(r.url("/files/dirlink/?format=json"));
        assert(!inside.includes("prod.env") && inside.includes("public.txt"), inside.join(", "));
      });
      await t.step("the search", async () => {
        const found = await names(r.url("/files/?q=prod&format=json"));
        assertEquals(found, [], `?q= found ${found.join(", ")}`);
        const neighbour = await names(r.url("/files/?q=public&format=json"));
        assertEquals(neighbour, ["dirlink/public.txt"], "?q= finds the neighbour");
      });
      await t.step("the folder link's zip", async () => {
        const folderZip = await zipNames(r.url("/files/dirlink/?zip"), join(dir, "folder.zip"));
        assertEquals(folderZip, ["public.txt"], "the folder's zip");
      });
      await t.step("the share's zip", async () => {
        const shareZip = await zipNames(r.url("/files/?zip"), join(dir, "share.zip"));
        assertEquals(shareZip, ["dirlink/", "dirlink/public.txt", "publink"], "the share's zip");
      });
    } finally {
      await stop(r);
    }
    assertEquals(await Deno.readTextFile(join(out, "prod.env")), SECRET);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("with --follow-symlinks, a link to an --env-file that is itself a link out is never served", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-secret-" });
  try {
    // S/e.env is the file named, a link to out/prod.env; S/sub/l2 reaches it through e.env.
    const out = join(dir, "out");
    const share = join(dir, "S");
    await Deno.mkdir(out);
    await Deno.mkdir(join(share, "sub"), { recursive: true });
    await Deno.writeTextFile(join(out, "prod.env"), SECRET);
    await Deno.writeTextFile(join(out, "public.txt"), "public notes");
    await Deno.symlink("../out/prod.env", join(share, "e.env"));
    await Deno.symlink("../e.env", join(share, "sub", "l2"));
    await Deno.symlink("../../out/public.txt", join(share, "sub", "pub"));
    const r = await run(["--follow-symlinks", "--env-file", "S/e.env", "S"], dir);
    try {
      await t.step("GET and HEAD", async () => {
        await assertRefused(r, ["/files/e.env", "/files/sub/l2"]);
        assertEquals((await request(r.url("/files/sub/pub"))).body, "public notes");
      });
      await t.step("the listing", async () => {
        const listed = await names(r.url("/files/sub/?format=json"));
        assert(!listed.includes("l2") && listed.includes("pub"), listed.join(", "));
      });
      await t.step("the zip", async () => {
        const zip = await zipNames(r.url("/files/?zip"), join(dir, "share.zip"));
        assertEquals(zip, ["sub/", "sub/pub"], "the share's zip");
      });
    } finally {
      await stop(r);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
