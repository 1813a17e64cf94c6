/**
 * Who may write what, over the real server: --read-only, Basic and Bearer auth (writes, or
 * everything with --auth-all), --no-overwrite and conditional writes, the DELETE and MKCOL
 * switches, hostile names, symlinks out of the root, and a full disk.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { hasProgram } from "../support/wireserve_process.ts";
import { filesBelow, pattern, request, settledFiles, withUploadServer } from "./upload_fixture.ts";

const HAS_WGET = await hasProgram("wget");
const MIB = 1024 * 1024;

const basic = (userPass: string) => `Basic ${new TextEncoder().encode(userPass).toBase64()}`;

Deno.test("--read-only refuses every write with 403 and still serves reads", async () => {
  await withUploadServer(
    { readOnly: true, allowDelete: true, allowMkdir: true, statCacheMs: 0 },
    async (s) => {
      await Deno.writeTextFile(`${s.root}/keep.txt`, "keep");
      for (const method of ["PUT", "POST", "DELETE", "MKCOL"]) {
        const res = await request(
          s.port,
          method,
          "/files/keep.txt",
          [],
          method === "MKCOL" ? "" : "x",
        );
        assertEquals(res.status, 403, method);
      }
      assertEquals((await request(s.port, "GET", "/files/keep.txt")).text, "keep");
      assertEquals(await filesBelow(s.root), ["keep.txt"]);
    },
  );
});

Deno.test("--read-only alone answers DELETE and MKCOL 403 too, not 405", async () => {
  await withUploadServer({ readOnly: true, statCacheMs: 0 }, async (s) => {
    await Deno.writeTextFile(`${s.root}/keep.txt`, "keep");
    for (const method of ["DELETE", "MKCOL"]) {
      const path = method === "MKCOL" ? "/files/new/" : "/files/keep.txt";
      assertEquals((await request(s.port, method, path)).status, 403, method);
    }
    assertEquals(await filesBelow(s.root), ["keep.txt"]);
  });
});

Deno.test("--auth protects writes with Basic: 401 with a challenge, then 201 with credentials", async () => {
  await withUploadServer({ auth: "ann:pw", statCacheMs: 0 }, async (s) => {
    const refused = await request(s.port, "PUT", "/files/a", [], "x");
    assertEquals(refused.status, 401);
    assertEquals(refused.header("www-authenticate"), 'Basic realm="wireserve", charset="UTF-8"');
    const wrong = await request(
      s.port,
      "PUT",
      "/files/a",
      [["Authorization", basic("ann:nope")]],
      "x",
    );
    assertEquals(wrong.status, 401);
    assertEquals(await filesBelow(s.root), []);
    const ok = await request(s.port, "PUT", "/files/a", [["Authorization", basic("ann:pw")]], "x");
    assertEquals(ok.status, 201);
    assertEquals((await request(s.port, "GET", "/files/a")).status, 200); // reads stay open
  });
});

Deno.test("a client that sends a whole 20 MiB body before reading still reads the 401", async () => {
  await withUploadServer({ auth: "ann:pw" }, async (s) => {
    // As wget and Python's http.client do: all of the body first, then the answer. Closing under
    // the upload would reset the connection and destroy the 401 with it.
    const refused = await request(s.port, "PUT", "/files/big.bin", [], pattern(20 * MIB));
    assertEquals(refused.status, 401);
    assertEquals(await filesBelow(s.root), []);
  });
});

Deno.test({
  name: "wget --user uploads 20 MiB: the unauthenticated try reads its 401, the retry stores it",
  ignore: !HAS_WGET,
  fn: async () => {
    await withUploadServer({ auth: "ann:pw" }, async (s) => {
      const path = await Deno.makeTempFile();
      const data = pattern(20 * MIB, 9);
      await Deno.writeFile(path, data);
      try {
        // wget sends credentials only after a challenge, and its first try carries the body.
        const run = await new Deno.Command("wget", {
          args: ["-q", "-O", "/dev/null", "--tries=1", "--method=PUT", `--body-file=${path}`]
            .concat(["--user=ann", "--password=pw", s.url("/files/big.bin")]),
          stdout: "null",
          stderr: "piped",
        }).output();
        assertEquals(run.code, 0, new TextDecoder().decode(run.stderr));
        assertEquals(await Deno.readFile(`${s.root}/big.bin`), data);
      } finally {
        await Deno.remove(path);
      }
    });
  },
});

Deno.test("--token protects writes with Bearer; --auth-all protects reads too, but not OPTIONS", async () => {
  await withUploadServer({ token: "s3cret", authAll: true }, async (s) => {
    assertEquals((await request(s.port, "PUT", "/files/a", [], "x")).status, 401);
    const bearer: Array<[string, string]> = [["Authorization", "Bearer s3cret"]];
    assertEquals((await request(s.port, "PUT", "/files/a", bearer, "x")).status, 201);
    const read = await request(s.port, "GET", "/files/a");
    assertEquals([read.status, read.header("www-authenticate")], [401, 'Bearer realm="wireserve"']);
    assertEquals((await request(s.port, "GET", "/files/a", bearer)).text, "x");
    assertEquals((await request(s.port, "GET", "/")).status, 401);
    const options = await request(s.port, "OPTIONS", "/files/a");
    assertEquals([options.status, options.header("dav")], [200, "1, 2"]); // WebDAV's answer
  });
});

Deno.test("--no-overwrite answers 409 for an existing name and stores new names", async () => {
  await withUploadServer({ noOverwrite: true }, async (s) => {
    await Deno.writeTextFile(`${s.root}/old.txt`, "old");
    assertEquals((await request(s.port, "PUT", "/files/old.txt", [], "new")).status, 409);
    assertEquals((await request(s.port, "POST", "/files/old.txt", [], "new")).status, 409);
    assertEquals(await Deno.readTextFile(`${s.root}/old.txt`), "old");
    assertEquals((await request(s.port, "PUT", "/files/fresh.txt", [], "new")).status, 201);
  });
});

Deno.test("If-None-Match: * creates only: 201 for a new name, 412 when it exists", async () => {
  await withUploadServer({}, async (s) => {
    const create: Array<[string, string]> = [["If-None-Match", "*"]];
    assertEquals((await request(s.port, "PUT", "/files/once", create, "1")).status, 201);
    assertEquals((await request(s.port, "PUT", "/files/once", create, "2")).status, 412);
    assertEquals(await Deno.readTextFile(`${s.root}/once`), "1");
  });
});

Deno.test("If-Match with the ETag from GET updates; a stale ETag gets 412 (no lost update)", async () => {
  await withUploadServer({ statCacheMs: 0 }, async (s) => {
    await request(s.port, "PUT", "/files/doc", [], "v1");
    const etag = (await request(s.port, "GET", "/files/doc")).header("etag")!;
    const update = await request(s.port, "PUT", "/files/doc", [["If-Match", etag]], "v2");
    assertEquals(update.status, 204);
    const stale = await request(s.port, "PUT", "/files/doc", [["If-Match", etag]], "v3");
    assertEquals(stale.status, 412);
    assertEquals(await Deno.readTextFile(`${s.root}/doc`), "v2");
    assertEquals(
      (await request(s.port, "PUT", "/files/none", [["If-Match", etag]], "x")).status,
      412,
    );
  });
});

Deno.test("DELETE is 405 and MKCOL 403 without their switches, and Allow omits them", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.writeTextFile(`${s.root}/f`, "x");
    // RFC 4918 §9.3.1: a 405 MKCOL says the name is in use; turned off is a refusal, 403.
    const mkcol = await request(s.port, "MKCOL", "/files/new/");
    assertEquals(mkcol.status, 403);
    assertEquals(await filesBelow(s.root), ["f"]);
    for (const method of ["DELETE", "PATCH"]) {
      const res = await request(s.port, method, "/files/f");
      assertEquals(res.status, 405, method);
      // The order of Allow carries no meaning (RFC 9110 §10.2.1): compared as a set.
      assertEquals(
        res.header("allow")?.split(", ").sort(),
        [
          "COPY",
          "GET",
          "HEAD",
          "LOCK",
          "OPTIONS",
          "POST",
          "PROPFIND",
          "PROPPATCH",
          "PUT",
          "UNLOCK",
        ],
      );
    }
    assertEquals(await filesBelow(s.root), ["f"]);
  });
});

Deno.test("--allow-delete removes files and folders with their contents, refuses the root", async () => {
  await withUploadServer({ allowDelete: true }, async (s) => {
    await Deno.mkdir(`${s.root}/full/inner`, { recursive: true });
    await Deno.writeTextFile(`${s.root}/full/inner/deep.txt`, "x");
    await Deno.writeTextFile(`${s.root}/full/.hidden`, "x");
    await Deno.mkdir(`${s.root}/empty`);
    await Deno.writeTextFile(`${s.root}/f.txt`, "x");
    assertEquals((await request(s.port, "DELETE", "/files/f.txt")).status, 204);
    assertEquals((await request(s.port, "DELETE", "/files/f.txt")).status, 404);
    assertEquals((await request(s.port, "DELETE", "/files/empty/")).status, 204);
    // RFC 4918 §9.6.1: a folder goes with everything in it.
    assertEquals((await request(s.port, "DELETE", "/files/full/")).status, 204);
    assertEquals(await filesBelow(s.root), []);
    assertEquals((await request(s.port, "DELETE", "/files/")).status, 403);
    assertEquals(
      (await request(s.port, "OPTIONS", "/files/x")).header("allow"),
      "GET, POST, PUT, DELETE, PROPFIND, PROPPATCH, COPY, LOCK, UNLOCK, MOVE, HEAD, OPTIONS",
    );
  });
});

Deno.test("a recursive DELETE that cannot remove a member answers 207 naming it and keeps it", async () => {
  await withUploadServer({ allowDelete: true }, async (s) => {
    await Deno.mkdir(`${s.root}/tree/locked`, { recursive: true });
    await Deno.writeTextFile(`${s.root}/tree/locked/keep.txt`, "x");
    await Deno.writeTextFile(`${s.root}/tree/gone.txt`, "x");
    const pinned = await pinFile(`${s.root}/tree/locked/keep.txt`);
    if (pinned === null) return; // neither chattr (as root) nor folder modes can pin a file here
    try {
      const res = await request(s.port, "DELETE", "/files/tree/");
      assertEquals(res.status, 207, res.text);
      assert(res.text.includes("<D:href>/files/tree/locked/keep.txt</D:href>"), res.text);
      assert(res.text.includes("HTTP/1.1 403 Forbidden"), res.text);
      assert(!res.text.includes("<D:href>/files/tree/</D:href>"), "parents are not listed");
      assertEquals(await filesBelow(s.root), ["tree/locked/keep.txt"]);
    } finally {
      await pinned();
    }
  });
});

/**
 * Makes `file` impossible to delete — immutable with chattr as root (who ignores modes), else a
 * read-only folder — and returns the undo, or null when neither works here.
 */
async function pinFile(file: string): Promise<(() => Promise<void>) | null> {
  if (Deno.uid() !== 0) {
    const dir = file.slice(0, file.lastIndexOf("/"));
    await Deno.chmod(dir, 0o555);
    return () => Deno.chmod(dir, 0o755);
  }
  const run = (flag: string) =>
    new Deno.Command("chattr", { args: [flag, file], stdout: "null", stderr: "null" }).output()
      .then((r) => r.success, () => false);
  if (!await run("+i")) return null;
  return async () => {
    await run("-i");
  };
}

Deno.test("DELETE of a symlink removes the link, never its target outside the root", async () => {
  await withUploadServer({ allowDelete: true }, async (s) => {
    await Deno.symlink(`${s.outside}/sentinel.txt`, `${s.root}/link`);
    assertEquals((await request(s.port, "DELETE", "/files/link")).status, 204);
    assertEquals(await Deno.readTextFile(`${s.outside}/sentinel.txt`), "outside");
  });
});

Deno.test("DELETE of a link to a folder named with its final slash removes the link only", async () => {
  await withUploadServer({ allowDelete: true }, async (s) => {
    await Deno.mkdir(`${s.root}/real`);
    await Deno.writeTextFile(`${s.root}/real/kept.txt`, "kept");
    await Deno.symlink("real", `${s.root}/linked`);
    // GET serves the folder's listing at the slash form: DELETE of that URL finds it too.
    assertEquals((await request(s.port, "GET", "/files/linked/")).status, 200);
    assertEquals((await request(s.port, "DELETE", "/files/linked/")).status, 204);
    assertEquals(await Deno.lstat(`${s.root}/linked`).catch(() => null), null);
    assertEquals(await Deno.readTextFile(`${s.root}/real/kept.txt`), "kept");
    // A link to a file named as a folder is still not found.
    await Deno.symlink("real/kept.txt", `${s.root}/file-link`);
    assertEquals((await request(s.port, "DELETE", "/files/file-link/")).status, 404);
    assert((await Deno.lstat(`${s.root}/file-link`)).isSymlink);
  });
});

Deno.test("--allow-mkdir creates a folder (201), refuses a used name (405) and a missing parent (409)", async () => {
  await withUploadServer({ allowMkdir: true }, async (s) => {
    const made = await request(s.port, "MKCOL", "/files/new%20folder/");
    assertEquals([made.status, made.header("location")], [201, "/files/new%20folder/"]);
    assert((await Deno.stat(`${s.root}/new folder`)).isDirectory);
    const again = await request(s.port, "MKCOL", "/files/new%20folder/");
    assertEquals(again.status, 405);
    // RFC 4918 §9.3.1: what exists does not allow MKCOL, so its 405 does not list it.
    assert(!again.header("allow")?.includes("MKCOL"), again.header("allow"));
    assertEquals((await request(s.port, "MKCOL", "/files/a/b/")).status, 409);
    // A refused name: creation not allowed there (RFC 4918 §9.3.1), not a malformed request.
    assertEquals((await request(s.port, "MKCOL", "/files/CON/")).status, 403);
    assertEquals((await request(s.port, "MKCOL", "/files/.git/")).status, 403);
    assertEquals((await request(s.port, "MKCOL", "/files/x/", [], "body")).status, 415);
  });
});

/** [case, raw path below /files/, expected status] */
const HOSTILE: Array<[string, string, number]> = [
  ["Windows device", "CON", 400],
  ["device with extension, any case", "nUl.txt", 400],
  ["COM port in a folder", "dir/com1/x.txt", 400],
  ["trailing dot", "report.txt.", 400],
  ["trailing space", "report.txt%20", 400],
  ["NUL byte", "a%00b", 400],
  ["newline", "a%0Ab", 400],
  ["encoded backslash", "a%5Cb", 400],
  ["raw backslash", "a\\b", 400],
  ["colon stream", "a.txt:evil", 400],
  ["bidi override", "x%E2%80%AEtxt.exe", 400],
  ["left-to-right mark", "x%E2%80%8Etxt.exe", 400],
  ["right-to-left mark", "x%E2%80%8Ftxt.exe", 400],
  ["Arabic letter mark", "x%D8%9Ctxt.exe", 400],
  ["dotfile", ".env", 400],
  ["dot-folder", ".git/config", 400],
  ["name too long", "a".repeat(256), 400],
  ["invalid percent-encoding", "%zz", 400],
  ["climb out of the root", "../outside/sentinel.txt", 404],
  ["encoded climb", "%2e%2e/outside/sentinel.txt", 404],
  ["encoded slash", "..%2Foutside%2Fsentinel.txt", 400],
  ["a temp-file name", ".x.wireserve-0123456789abcdef.tmp", 400],
];

Deno.test("hostile names are refused and nothing is written anywhere", async () => {
  await withUploadServer({}, async (s) => {
    for (const [what, path, status] of HOSTILE) {
      const res = await request(s.port, "PUT", `/files/${path}`, [], "evil");
      assertEquals(res.status, status, what);
    }
    assertEquals(await filesBelow(s.root), []);
    assertEquals(await Deno.readTextFile(`${s.outside}/sentinel.txt`), "outside");
  });
});

Deno.test("MKCOL refuses a folder name with a bidi mark the listing would show as a code point", async () => {
  await withUploadServer({ allowMkdir: true }, async (s) => {
    for (const mark of ["%E2%80%8E", "%E2%80%8F", "%D8%9C", "%E2%80%AE"]) {
      assertEquals((await request(s.port, "MKCOL", `/files/in${mark}box/`)).status, 403, mark);
    }
    assertEquals(await filesBelow(s.root), []);
  });
});

Deno.test("a write through a symlinked folder that leads out of the root gets 403", async () => {
  await withUploadServer({ followSymlinks: true }, async (s) => {
    await Deno.symlink(s.outside, `${s.root}/out`);
    assertEquals(
      (await request(s.port, "PUT", "/files/out/sentinel.txt", [], "pwned")).status,
      403,
    );
    assertEquals((await request(s.port, "PUT", "/files/out/new/x.txt", [], "pwned")).status, 403);
    assertEquals(await Deno.readTextFile(`${s.outside}/sentinel.txt`), "outside");
    assertEquals(await filesBelow(s.outside), ["sentinel.txt"]);
  });
});

Deno.test("MOVE out of a folder that --follow-symlinks reaches outside the root gets 403", async () => {
  await withUploadServer({ followSymlinks: true, allowDelete: true }, async (s) => {
    await Deno.mkdir(`${s.outside}/dir`);
    await Deno.writeTextFile(`${s.outside}/dir/kept.txt`, "kept");
    await Deno.symlink(s.outside, `${s.root}/out`);
    // Readable through the followed link, but a MOVE removes its source: that is a write there.
    assertEquals((await request(s.port, "GET", "/files/out/sentinel.txt")).status, 200);
    for (const source of ["/files/out/sentinel.txt", "/files/out/dir"]) {
      const res = await request(s.port, "MOVE", source, [["Destination", "/files/moved"]]);
      assertEquals(res.status, 403, source);
    }
    assertEquals(await filesBelow(s.outside), ["dir/kept.txt", "sentinel.txt"]);
    assertEquals(await filesBelow(s.root), ["out"]);
  });
});

Deno.test("a write replaces a symlink at the final name instead of writing through it", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.symlink(`${s.outside}/sentinel.txt`, `${s.root}/link.txt`);
    // GET answers 404 for a link out: to a write it holds nothing either, so the PUT creates
    assertEquals((await request(s.port, "PUT", "/files/link.txt", [], "mine")).status, 201);
    assertEquals(await Deno.readTextFile(`${s.outside}/sentinel.txt`), "outside");
    assertEquals((await Deno.lstat(`${s.root}/link.txt`)).isSymlink, false);
  });
});

Deno.test("a PUT onto a folder gets 409; onto a path through a file gets 409", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.mkdir(`${s.root}/dir`);
    await Deno.writeTextFile(`${s.root}/file`, "x");
    assertEquals((await request(s.port, "PUT", "/files/dir", [], "x")).status, 409);
    assertEquals((await request(s.port, "PUT", "/files/file/child", [], "x")).status, 409);
    assertEquals((await request(s.port, "PUT", "/files/dir/", [], "x")).status, 400);
  });
});

Deno.test({
  name: "a full disk gets 507 with a clear message and leaves no temp file",
  ignore: Deno.build.os !== "linux", // mounts a small tmpfs: Linux, as root
  fn: async () => {
    await withUploadServer({}, async (s) => {
      const small = `${s.root}/small`;
      await Deno.mkdir(small);
      const mount = await new Deno.Command("mount", {
        args: ["-t", "tmpfs", "-o", "size=256k", "tmpfs", small],
        stderr: "null",
      }).output();
      if (!mount.success) return console.warn("skipped: cannot mount a tmpfs (not root?)");
      try {
        const res = await request(
          s.port,
          "PUT",
          "/files/small/big.bin",
          [],
          new Uint8Array(1024 * 1024),
        );
        assertEquals(res.status, 507);
        assertEquals(res.text, "Not enough disk space to store the upload\n");
        assertEquals(await settledFiles(small, []), []);
      } finally {
        await new Deno.Command("umount", { args: [small] }).output();
      }
    });
  },
});

Deno.test("--auth-all: OPTIONS that would run an echo handler needs credentials; discovery stays open", async () => {
  await withUploadServer({ auth: "alice:s3cret", authAll: true }, async (s) => {
    for (const path of ["/inspect", "/anything", "/dump/request"]) {
      const res = await request(s.port, "OPTIONS", path, [], "unauthenticated body");
      assertEquals(res.status, 401, path);
      assert(!res.text.includes("unauthenticated body"), path);
    }
    const withCreds = await request(s.port, "OPTIONS", "/inspect", [
      ["Authorization", basic("alice:s3cret")],
    ], "mine");
    assertEquals(withCreds.status, 200);
    const dav = await request(s.port, "OPTIONS", "/files/");
    assertEquals([dav.status, dav.header("dav")], [200, "1, 2"]); // WebDAV's discovery
    const allow = await request(s.port, "OPTIONS", "/status/200");
    assertEquals([allow.status, allow.text], [204, ""]); // the router's Allow
  });
});

Deno.test("--auth-all: a browser's read 401 on the files and the web root is the HTML page a write 401 is", async () => {
  await withUploadServer({ auth: "alice:s3cret", authAll: true, cors: true }, async (s) => {
    const browser: Array<[string, string]> = [
      ["Accept", "text/html,application/xhtml+xml,*/*;q=0.8"],
      ["Origin", "http://elsewhere.example"],
    ];
    const form = (res: Awaited<ReturnType<typeof request>>) => [
      res.status,
      res.header("content-type"),
      res.header("vary"),
      res.header("www-authenticate"),
      res.header("access-control-allow-origin") !== undefined,
      res.text.startsWith("<!doctype html>"),
    ];
    const write = await request(s.port, "PUT", "/files/a.txt", browser, "x");
    const page = [401, "text/html; charset=utf-8", "X-Wireserve-UI, Accept, Origin"];
    const challenge = 'Basic realm="wireserve", charset="UTF-8"';
    assertEquals(form(write), [...page, challenge, true, true]);
    for (const [method, path] of [["GET", "/files/a.txt"], ["GET", "/"], ["PROPFIND", "/files/"]]) {
      const read = await request(s.port, method, path, browser);
      assertEquals(form(read), form(write), `${method} ${path}`);
    }
    // A script gets the text, varied as its write 401 is; /echo and httpbin keep text for all.
    const script: Array<[string, string]> = [["Accept", "*/*"]];
    const scriptWrite = await request(s.port, "PUT", "/files/a.txt", script, "x");
    const scriptRead = await request(s.port, "GET", "/files/a.txt", script);
    assertEquals(form(scriptRead), form(scriptWrite));
    assertEquals(scriptRead.header("vary")?.includes("Accept"), true);
    assertEquals(scriptRead.header("content-type"), "text/plain; charset=utf-8");
    for (const path of ["/echo/hi", "/anything"]) {
      const text = await request(s.port, "GET", path, browser);
      assertEquals([text.status, text.header("content-type")], [401, "text/plain; charset=utf-8"]);
    }
  });
});

Deno.test("Basic credentials with whitespace inside the token get 401; two Authorization lines 400", async () => {
  await withUploadServer({ auth: "alice:s3cret" }, async (s) => {
    const split = await request(s.port, "PUT", "/files/t.txt", [
      ["Authorization", "Basic YWxp Y2U6czNjcmV0"],
    ], "x");
    assertEquals(split.status, 401);
    const twice = await request(s.port, "PUT", "/files/t.txt", [
      ["Authorization", basic("alice:s3cret")],
      ["Authorization", basic("alice:s3cret")],
    ], "x");
    assertEquals([twice.status, twice.header("connection")], [400, "close"]);
    assertEquals(await filesBelow(s.root), []);
    const once = await request(s.port, "PUT", "/files/t.txt", [
      ["Authorization", basic("alice:s3cret")],
    ], "x");
    assertEquals(once.status, 201);
  });
});
