/**
 * `--hide` on the real server: private paths under the shared folder and the web root are not
 * listed, served or writable (404) — by every spelling, through symlinks, and by every write
 * method — while everything else stays as it was.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { curl, type FilesServer, startFilesServer, text } from "./files_fixture.ts";
import { exists } from "../support/paths.ts";

const HIDE = ["private/", "*.key", "/drafts", "**/secret*"];

/** The shared tree plus private things, served with --hide and writes allowed. */
async function hiddenServer(): Promise<FilesServer> {
  const fs = await startFilesServer({ hide: HIDE, allowDelete: true, allowMkdir: true });
  const { root, www } = fs.tree;
  await Deno.mkdir(`${root}/private/deep`, { recursive: true });
  await Deno.mkdir(`${root}/public/drafts`, { recursive: true });
  await Deno.mkdir(`${root}/drafts`);
  await Deno.writeTextFile(`${root}/private/plan.txt`, "PRIVATE PLAN");
  await Deno.writeTextFile(`${root}/private/deep/x.txt`, "PRIVATE DEEP");
  await Deno.writeTextFile(`${root}/server.key`, "PRIVATE KEY");
  await Deno.writeTextFile(`${root}/drafts/a.md`, "PRIVATE DRAFT");
  await Deno.writeTextFile(`${root}/public/drafts/b.md`, "public draft");
  await Deno.writeTextFile(`${root}/public/secret-notes.txt`, "PRIVATE NOTES");
  await Deno.writeTextFile(`${root}/private.txt`, "a file named like the folder");
  await Deno.symlink("private/plan.txt", `${root}/alias.txt`);
  await Deno.symlink("private", `${root}/alias-dir`);
  await Deno.symlink("server.key", `${root}/innocent.txt`);
  await Deno.mkdir(`${www}/private`);
  await Deno.writeTextFile(`${www}/private/page.html`, "PRIVATE PAGE");
  await Deno.writeTextFile(`${www}/tls.key`, "PRIVATE WWW KEY");
  return fs;
}

Deno.test("hidden paths answer 404 for reads by every spelling", async () => {
  const fs = await hiddenServer();
  try {
    const paths = [
      "/files/private/plan.txt",
      "/files/private/",
      "/files/private",
      "/files/private/deep/x.txt",
      "/files/server.key",
      "/files/drafts/a.md",
      "/files/public/secret-notes.txt",
      "/files/%70rivate/plan.txt",
      "/files//private//plan.txt",
      "/files/./private/plan.txt",
      "/files/public/../private/plan.txt",
      "/files/public/%2e%2e/private/plan.txt",
      "/files/public/.%2E/private/plan.txt",
      "/files/server%2ekey",
      "/files/alias.txt",
      "/files/alias-dir/plan.txt",
      "/files/alias-dir/",
      "/files/innocent.txt",
    ];
    for (const path of paths) {
      for (const method of ["GET", "HEAD"]) {
        const res = await curl([method === "HEAD" ? "-I" : "-G", fs.url(path)]);
        assertEquals(res.status, 404, `${method} ${path}`);
        assert(!text(res.body).includes("PRIVATE"), `${method} ${path} leaked`);
      }
    }
    // What is not private is served as before.
    for (
      const [path, body] of [
        ["/files/public/drafts/b.md", "public draft"],
        ["/files/private.txt", "a file named like the folder"],
        ["/files/hello.txt", "hello world\n"],
      ]
    ) {
      const res = await curl([fs.url(path)]);
      assertEquals([res.status, text(res.body)], [200, body], path);
    }
  } finally {
    await fs.close();
  }
});

Deno.test("hidden paths are left out of listings, links to them included", async () => {
  const fs = await hiddenServer();
  try {
    const res = await fetch(fs.url("/files/?format=json"));
    const names = ((await res.json()).entries as Array<{ name: string }>).map((e) => e.name);
    for (
      const name of ["private", "server.key", "drafts", "alias.txt", "alias-dir", "innocent.txt"]
    ) {
      assert(!names.includes(name), `${name} is listed`);
    }
    assert(
      names.includes("public") && names.includes("private.txt") && names.includes("hello.txt"),
    );
    const pub = await fetch(fs.url("/files/public/?format=json"));
    const pubNames = ((await pub.json()).entries as Array<{ name: string }>).map((e) => e.name);
    assertEquals(pubNames, ["drafts"], "secret-notes.txt is hidden, a non-top drafts is not");
    const html = await curl([fs.url("/files/")]);
    assert(!text(html.body).includes("server.key") && !text(html.body).includes(">private/<"));
  } finally {
    await fs.close();
  }
});

Deno.test("hidden paths are never found by ?q= search nor put in a ?zip", async () => {
  const fs = await hiddenServer();
  try {
    // Every private thing holds "PRIVATE" or is named for it; search names, then zip contents.
    for (const q of ["plan", "key", "secret", "alias", "innocent", "a.md", "deep"]) {
      const res = await fetch(fs.url(`/files/?q=${q}&format=json`));
      assertEquals(res.status, 200);
      const found = ((await res.json()).entries as Array<{ name: string }>).map((e) => e.name);
      assertEquals(found, [], `?q=${q} found ${found.join(", ")}`);
    }
    const zipped = await fetch(fs.url("/files/?zip"));
    assertEquals(zipped.status, 200);
    const zip = text(new Uint8Array(await zipped.arrayBuffer()));
    // Names sit in the archive uncompressed; text files under 64 bytes are stored or deflated,
    // so look for the names (every entry's name is in its local header and the directory).
    assert(zip.includes("public/drafts/b.md") && zip.includes("private.txt"), "the rest is in");
    for (const name of ["plan.txt", "server.key", "drafts/a.md", "secret-notes", "alias"]) {
      assert(!zip.replace("public/drafts/b.md", "").includes(name), `${name} is in the zip`);
    }
    const picked = await fetch(fs.url("/files/?zip&name=private"));
    assertEquals(picked.status, 404);
    await picked.body?.cancel();
  } finally {
    await fs.close();
  }
});

Deno.test("hidden paths are not writable: PUT, POST, form parts, MKCOL and DELETE get 404", async () => {
  const fs = await hiddenServer();
  const { root } = fs.tree;
  try {
    const writes: Array<[string[], string]> = [
      [["-T", "-", fs.url("/files/private/new.txt")], "PUT into a private folder"],
      [["-T", "-", fs.url("/files/new.key")], "PUT a private name"],
      [["-T", "-", fs.url("/files/alias-dir/new.txt")], "PUT through a link into it"],
      [["-T", "-", fs.url("/files/innocent.txt")], "PUT over a link to a private file"],
      [["-T", "-", fs.url("/files/public/%2e%2e/private/new.txt")], "PUT by dot segments"],
      [["--data-binary", "x", fs.url("/files/private/post.txt")], "POST a raw file"],
      [["-F", "f=@-;filename=upload.key", fs.url("/files/public/")], "a form part's name"],
      [["-F", "f=@-;filename=a.txt", fs.url("/files/private/")], "a form into a private folder"],
      [["-F", "f=@-;filename=innocent.txt", fs.url("/files/")], "a form part over a link to one"],
      [["-F", "f=@-;filename=alias-dir", fs.url("/files/")], "a form part over a folder link"],
      [["-X", "MKCOL", fs.url("/files/public/private")], "MKCOL of a private folder name"],
      [["-X", "MKCOL", fs.url("/files/private/sub/")], "MKCOL inside one"],
      [["-X", "DELETE", fs.url("/files/private/plan.txt")], "DELETE a private file"],
      [["-X", "DELETE", fs.url("/files/server.key")], "DELETE a private name"],
      [["-X", "DELETE", fs.url("/files/alias.txt")], "DELETE a link to a private file"],
      [["-X", "DELETE", fs.url("/files/drafts")], "DELETE an anchored private folder"],
    ];
    for (const [args, what] of writes) {
      const res = await new Deno.Command("curl", {
        args: ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--path-as-is", ...args],
        stdin: "piped",
        stdout: "piped",
      }).spawn();
      // curl may be gone before it reads its input (MKCOL, DELETE, an early 404): a closed pipe
      // is no failure here, the status is.
      const w = res.stdin.getWriter();
      await w.write(new TextEncoder().encode("PRIVATE WRITE")).catch(() => {});
      await w.close().catch(() => {});
      const out = await res.output();
      assertEquals(new TextDecoder().decode(out.stdout), "404", what);
    }
    for (const gone of ["private/new.txt", "new.key", "private/post.txt", "public/upload.key"]) {
      assertEquals(await exists(`${root}/${gone}`), false, `${gone} was written`);
    }
    assertEquals(await exists(`${root}/public/private`), false, "MKCOL made it");
    for (const kept of ["private/plan.txt", "server.key", "alias.txt", "drafts/a.md"]) {
      assertEquals(await exists(`${root}/${kept}`), true, `${kept} was deleted`);
    }
    assertEquals(await Deno.readTextFile(`${root}/server.key`), "PRIVATE KEY");
    for (const link of ["innocent.txt", "alias-dir", "alias.txt"]) {
      assert((await Deno.lstat(`${root}/${link}`)).isSymlink, `${link} was replaced`);
    }
    // A write elsewhere still works.
    const ok = await curl(["-T", "/dev/null", fs.url("/files/public/fine.txt")]);
    assertEquals(ok.status, 201);
  } finally {
    await fs.close();
  }
});

Deno.test("hidden paths under the web root answer its 404 page", async () => {
  const fs = await hiddenServer();
  try {
    for (const path of ["/private/page.html", "/private/", "/tls.key", "/PRIVATE/page.html"]) {
      const res = await curl([fs.url(path)]);
      assertEquals([res.status, text(res.body)], [404, "<h1>custom 404</h1>"], path);
    }
    const home = await curl([fs.url("/")]);
    assertEquals(text(home.body), "<h1>home</h1>");
  } finally {
    await fs.close();
  }
});

Deno.test("a hidden precompressed sibling is never sent as its file's br or gzip form", async () => {
  const fs = await startFilesServer({ hide: ["*.gz", "*.br"] });
  try {
    const later = new Date(Date.now() + 60_000);
    for (const dir of [fs.tree.root, fs.tree.www]) {
      await Deno.writeTextFile(`${dir}/pub.js`, "public js ".repeat(300));
      for (const suffix of [".gz", ".br"]) {
        // Newer than the file, so it would be current; its bytes are not what pub.js says.
        await Deno.writeTextFile(`${dir}/pub.js${suffix}`, "PRIVATE SIBLING");
        await Deno.utime(`${dir}/pub.js${suffix}`, later, later);
      }
    }
    for (const path of ["/files/pub.js", "/pub.js"]) {
      assertEquals((await curl([fs.url(`${path}.gz`)])).status, 404, `${path}.gz`);
      for (const coding of ["gzip", "br"]) {
        const res = await curl(["-H", `Accept-Encoding: ${coding}`, fs.url(path)]);
        assertEquals(res.status, 200, `${path} ${coding}`);
        assert(!text(res.body).includes("PRIVATE"), `${path} ${coding} sent the hidden sibling`);
      }
    }
  } finally {
    await fs.close();
  }
});

Deno.test("with --spa, hidden web-root paths answer 404 by every spelling, existing or not", async () => {
  const fs = await startFilesServer({ spa: true, hide: ["private/", "ghost/"] });
  try {
    await Deno.mkdir(`${fs.tree.www}/private`);
    await Deno.writeTextFile(`${fs.tree.www}/private/page.html`, "PRIVATE PAGE");
    // `private` exists and `ghost` does not: a client must not tell them apart.
    for (const name of ["private", "ghost"]) {
      for (const path of [`/${name}`, `/${name}/`, `/${name}/x`, `/a/../${name}`]) {
        const res = await curl([fs.url(path)]);
        assertEquals([res.status, text(res.body)], [404, "<h1>custom 404</h1>"], path);
      }
    }
    // Other unknown extensionless paths are still the app's.
    for (const path of ["/nothere", "/nothere/x", "/privately"]) {
      const res = await curl([fs.url(path)]);
      assertEquals([res.status, text(res.body)], [200, "<h1>home</h1>"], path);
    }
  } finally {
    await fs.close();
  }
});
