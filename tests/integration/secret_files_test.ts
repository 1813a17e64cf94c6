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
