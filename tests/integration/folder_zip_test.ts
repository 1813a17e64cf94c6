/**
 * `?zip` over the real server, checked with curl and Info-ZIP's `unzip`: the archive holds what
 * a listing shows (no dotfiles, no temp or reserved names, no symlink out of the share), stores
 * compressed types, deflates the rest, names selected entries with `&name=`, and is refused or
 * answered 404/400 as the contract says.
 */

import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { curlRun, headField, pattern, request, withUploadServer } from "./upload_fixture.ts";
import { MAX_ZIPS_RUNNING } from "../../src/files/folder_zip.ts";

const HAS_UNZIP = await new Deno.Command("unzip", { args: ["-v"], stdout: "null", stderr: "null" })
  .output().then((o) => o.success, () => false);

const HAS_JAR = await new Deno.Command("jar", {
  args: ["--version"],
  stdout: "null",
  stderr: "null",
})
  .output().then((o) => o.success, () => false);

/** Fills the share: files, a subfolder, hidden and reserved names, a link out and a link in. */
async function fill(root: string, outside: string): Promise<void> {
  await Deno.mkdir(join(root, "photos/2024"), { recursive: true });
  await Deno.writeTextFile(join(root, "notes.txt"), "hello ".repeat(1000));
  await Deno.writeFile(join(root, "photos/cat.jpg"), pattern(70_000));
  await Deno.writeTextFile(join(root, "photos/2024/trip.md"), "# trip\n");
  await Deno.writeTextFile(join(root, ".secret"), "dotfile");
  await Deno.writeTextFile(join(root, ".notes.txt.wireserve-0123456789abcdef.tmp"), "partial");
  await Deno.mkdir(join(root, ".wireserve-dav"));
  await Deno.symlink(join(outside, "sentinel.txt"), join(root, "out.txt"));
  await Deno.symlink(join(root, "photos"), join(root, "again"));
}

/** `unzip -Z1` (one name per line) and `unzip -v` (methods) of an archive file. */
async function unzipList(file: string): Promise<{ names: string[]; verbose: string }> {
  const run = async (args: string[]) =>
    new TextDecoder().decode((await new Deno.Command("unzip", { args }).output()).stdout);
  const names = (await run(["-Z1", file])).split("\n").filter((l) => l !== "").sort();
  return { names, verbose: await run(["-v", file]) };
}

Deno.test({
  name:
    "?zip of a folder holding files dated before 1970 and 1980 is whole, their times given as 1980",
  ignore: !HAS_UNZIP,
  fn: async () => {
    await withUploadServer({}, async (s) => {
      await Deno.mkdir(join(s.root, "old"));
      await Deno.writeTextFile(join(s.root, "old/1960.txt"), "sixties\n");
      await Deno.writeTextFile(join(s.root, "old/1975.txt"), "seventies\n");
      await Deno.utime(join(s.root, "old/1960.txt"), -302_443_200, -302_443_200);
      await Deno.utime(join(s.root, "old/1975.txt"), 163_080_000, 163_080_000);
      await Deno.utime(join(s.root, "old"), -302_443_200, -302_443_200);
      const out = join(s.root, "..", "old.zip");
      const got = await curlRun(["-o", out, s.url("/files/old/?zip")]);
      assertEquals(got.status, 200);
      const test = await new Deno.Command("unzip", { args: ["-t", out] }).output();
      assert(test.success, new TextDecoder().decode(test.stdout));
      const extracted = await new Deno.Command("unzip", {
        args: ["-p", out, "1960.txt"],
        stdout: "piped",
      }).output();
      assertEquals(new TextDecoder().decode(extracted.stdout), "sixties\n");
      // The central directory's extended timestamps (unzip -Z -v shows them in UTC).
      const details = new TextDecoder().decode(
        (await new Deno.Command("unzip", { args: ["-Z", "-v", out] }).output()).stdout,
      );
      assert(/1980 Jan 1 00:00:00 UTC/.test(details), details);
    });
  },
});

Deno.test({
  name: "?zip streams the folder as a zip that unzip reads, with only what a listing shows",
  ignore: !HAS_UNZIP,
  fn: async () => {
    await withUploadServer({}, async (s) => {
      await fill(s.root, s.outside);
      const out = join(s.root, "..", "got.zip");
      const got = await curlRun(["-o", out, s.url("/files/?zip")]);
      assertEquals(got.status, 200);
      const head = got.heads[0];
      assertEquals(headField(head, "content-type"), "application/zip");
      assertEquals(
        headField(head, "content-disposition"),
        `attachment; filename="files.zip"; filename*=UTF-8''files.zip`,
      );
      assertEquals(headField(head, "transfer-encoding"), "chunked");
      const { names, verbose } = await unzipList(out);
      // "again" links to photos, which is zipped under its own name: the link is left out,
      // though it sorts (and may be listed by the disk) first.
      assertEquals(names, [
        "notes.txt",
        "photos/",
        "photos/2024/",
        "photos/2024/trip.md",
        "photos/cat.jpg",
      ]);
      assert(/70000\s+Stored\s+70000\s.*photos\/cat\.jpg/.test(verbose), verbose);
      assert(/6000\s+Defl:N\s+\d+\s.*notes\.txt/.test(verbose), verbose);
      const test = await new Deno.Command("unzip", { args: ["-t", out] }).output();
      assert(test.success, new TextDecoder().decode(test.stdout));
      const extracted = await new Deno.Command("unzip", {
        args: ["-p", out, "photos/cat.jpg"],
        stdout: "piped",
      }).output();
      assertEquals(extracted.stdout, pattern(70_000));
    });
  },
});

Deno.test({
  name: "a drive-like name (a:b.txt) is served and listed, zipped inside a folder, not at the top",
  ignore: !HAS_UNZIP,
  fn: async () => {
    await withUploadServer({}, async (s) => {
      await Deno.mkdir(join(s.root, "sub"));
      await Deno.writeTextFile(join(s.root, "a:b.txt"), "top");
      await Deno.writeTextFile(join(s.root, "sub", "c:d.txt"), "nested");
      await Deno.writeTextFile(join(s.root, "plain.txt"), "plain");
      const served = await curlRun([s.url("/files/a%3Ab.txt")]);
      assertEquals([served.status, served.body], [200, "top"]);
      const listed = await curlRun([s.url("/files/?format=json")]);
      const names = JSON.parse(listed.body).entries.map((e: { name: string }) => e.name);
      assert(names.includes("a:b.txt"), names.join());
      // yazl (and every unzip) takes a top-level "a:b.txt" for a path on drive A: left out.
      const out = join(s.root, "..", "drive.zip");
      const got = await curlRun(["-o", out, s.url("/files/?zip")]);
      assertEquals(got.status, 200);
      assertEquals((await unzipList(out)).names, ["plain.txt", "sub/", "sub/c:d.txt"]);
      const test = await new Deno.Command("unzip", { args: ["-t", out] }).output();
      assert(test.success, new TextDecoder().decode(test.stdout));
    });
  },
});

Deno.test({
  name: "?zip&name= zips only the named entries of the folder, named after the folder",
  ignore: !HAS_UNZIP,
  fn: async () => {
    await withUploadServer({}, async (s) => {
      await fill(s.root, s.outside);
      const out = join(s.root, "..", "sel.zip");
      const got = await curlRun(["-o", out, s.url("/files/photos/?zip&name=2024&name=cat.jpg")]);
      assertEquals(got.status, 200);
      assertEquals(
        headField(got.heads[0], "content-disposition"),
        `attachment; filename="photos.zip"; filename*=UTF-8''photos.zip`,
      );
      assertEquals((await unzipList(out)).names, ["2024/", "2024/trip.md", "cat.jpg"]);
    });
  },
});

Deno.test({
  name: "?zip streams to a reader that reads from a pipe (jar x): stored entries included",
  ignore: !HAS_JAR,
  fn: async () => {
    await withUploadServer({}, async (s) => {
      await fill(s.root, s.outside);
      await Deno.writeFile(join(s.root, "photos/empty.png"), new Uint8Array(0));
      const into = await Deno.makeTempDir({ dir: join(s.root, ".."), prefix: "jar-" });
      // `jar x` reads with ZipInputStream, which refuses a stored entry with a data descriptor.
      const done = await new Deno.Command("sh", {
        args: ["-c", `curl -sS --max-time 30 '${s.url("/files/photos/?zip")}' | jar xv`],
        cwd: into,
      }).output();
      assert(done.success, new TextDecoder().decode(done.stderr));
      assertEquals(await Deno.readFile(join(into, "cat.jpg")), pattern(70_000));
      assertEquals(await Deno.readTextFile(join(into, "2024/trip.md")), "# trip\n");
      assertEquals((await Deno.stat(join(into, "empty.png"))).size, 0);
    });
  },
});

Deno.test({
  name: "?zip keeps a folder under its own name when a link to it sorts first, at any depth",
  ignore: !HAS_UNZIP,
  fn: async () => {
    await withUploadServer({}, async (s) => {
      const dd = join(s.root, "dd");
      for (const i of [1, 2, 3]) {
        await Deno.mkdir(join(dd, `real${i}`), { recursive: true });
        await Deno.writeTextFile(join(dd, `real${i}`, `f${i}.txt`), `r${i}`);
        await Deno.symlink(`real${i}`, join(dd, `link${i}`));
      }
      // A link deeper down to a folder that is zipped under its own name is left out too.
      await Deno.symlink("../real1", join(dd, "real2/up1"));
      const out = join(s.root, "..", "dd.zip");
      assertEquals((await curlRun(["-o", out, s.url("/files/dd/?zip")])).status, 200);
      assertEquals((await unzipList(out)).names, [
        "real1/",
        "real1/f1.txt",
        "real2/",
        "real2/f2.txt",
        "real3/",
        "real3/f3.txt",
      ]);
      // A selection: a link whose folder is selected too is left out; a link selected alone is
      // followed, as what it leads to is not in the archive otherwise.
      const sel = "/files/dd/?zip&name=link1&name=real1&name=link2";
      assertEquals((await curlRun(["-o", out, s.url(sel)])).status, 200);
      // (link2 leads to real2, whose link up1 leads to the selected real1: left out.)
      assertEquals((await unzipList(out)).names, [
        "link2/",
        "link2/f2.txt",
        "real1/",
        "real1/f1.txt",
      ]);
      const alone = "/files/dd/?zip&name=link2";
      assertEquals((await curlRun(["-o", out, s.url(alone)])).status, 200);
      assertEquals((await unzipList(out)).names, [
        "link2/",
        "link2/f2.txt",
        "link2/up1/",
        "link2/up1/f1.txt",
      ]);
    });
  },
});

Deno.test({
  name: "?zip keeps each file's and folder's permission bits, so unzip restores them",
  ignore: !HAS_UNZIP || Deno.build.os === "windows",
  fn: async () => {
    await withUploadServer({}, async (s) => {
      await Deno.mkdir(join(s.root, "kit/private"), { recursive: true });
      await Deno.writeTextFile(join(s.root, "kit/run.sh"), "#!/bin/sh\necho hi\n");
      await Deno.writeTextFile(join(s.root, "kit/private/key.txt"), "secret");
      await Deno.writeTextFile(join(s.root, "kit/plain.txt"), "text");
      await Deno.chmod(join(s.root, "kit/run.sh"), 0o755);
      await Deno.chmod(join(s.root, "kit/private/key.txt"), 0o600);
      await Deno.chmod(join(s.root, "kit/plain.txt"), 0o644);
      await Deno.chmod(join(s.root, "kit/private"), 0o750);
      const out = join(s.root, "..", "modes.zip");
      assertEquals((await curlRun(["-o", out, s.url("/files/kit/?zip")])).status, 200);
      const into = join(s.root, "..", "unzipped");
      const unzip = await new Deno.Command("unzip", { args: ["-q", out, "-d", into] }).output();
      assert(unzip.success, new TextDecoder().decode(unzip.stderr));
      const mode = async (name: string) => ((await Deno.stat(join(into, name))).mode ?? 0) & 0o777;
      assertEquals(await mode("run.sh"), 0o755);
      assertEquals(await mode("private/key.txt"), 0o600);
      assertEquals(await mode("plain.txt"), 0o644);
      assertEquals(await mode("private"), 0o750);
    });
  },
});

Deno.test("?zip&name= answers 404 for a missing, hidden or reserved name and 400 for a path", async () => {
  await withUploadServer({}, async (s) => {
    await fill(s.root, s.outside);
    for (const name of ["nope", ".secret", ".wireserve-dav", "out.txt"]) {
      const res = await request(s.port, "GET", `/files/?zip&name=${encodeURIComponent(name)}`);
      assertEquals(res.status, 404, name);
    }
    for (const name of ["..", ".", "photos/cat.jpg", "photos%2Fcat.jpg", "", "a%00b"]) {
      const res = await request(s.port, "GET", `/files/?zip&name=${name}`);
      assertEquals(res.status, 400, name);
    }
    // A zip of a missing folder is the folder's 404.
    assertEquals((await request(s.port, "GET", "/files/nope/?zip")).status, 404);
  });
});

Deno.test("a client that leaves mid-zip leaves no file open and the server serving", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.writeFile(join(s.root, "big.mp4"), pattern(8 * 1024 * 1024));
    // Descriptors of this process open on the archived file, counted by the shell (Deno lists
    // /proc only under --allow-all). Counting only this file's keeps the count free of whatever
    // else the test process opens meanwhile.
    const openOnFile = async () => {
      const out = await new Deno.Command("sh", {
        args: ["-c", `ls -l /proc/${Deno.pid}/fd | grep -c 'big\\.mp4' || true`],
        stdout: "piped",
      }).output();
      return Number(new TextDecoder().decode(out.stdout).trim());
    };
    assertEquals(await openOnFile(), 0);
    let seenOpen = 0;
    for (let i = 0; i < 3; i++) {
      const c = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
      await c.write(new TextEncoder().encode("GET /files/?zip HTTP/1.1\r\nHost: t\r\n\r\n"));
      const first = new Uint8Array(4096);
      const n = await c.read(first);
      assert(new TextDecoder().decode(first.subarray(0, n ?? 0)).startsWith("HTTP/1.1 200 "));
      // The file opens when yazl reaches it, a moment after the head (later with workers).
      for (let t = 0; t < 40; t++) {
        const open = await openOnFile();
        seenOpen = Math.max(seenOpen, open);
        if (open > 0) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      c.close();
    }
    // The count sees the file while it is archived (else the check below proves nothing).
    assert(seenOpen > 0, "the archived file was never seen open");
    // The writer notices at its next write; give it a moment, then every file is closed.
    // An archive that had not reached the file when its client left opens it later, then closes
    // it at its next write: wait until none is open three looks in a row.
    const deadline = Date.now() + 5000;
    for (let quiet = 0; quiet < 3 && Date.now() < deadline;) {
      quiet = await openOnFile() === 0 ? quiet + 1 : 0;
      await new Promise((r) => setTimeout(r, 50));
    }
    assertEquals(await openOnFile(), 0);
    const again = await curlRun(["-o", "/dev/null", s.url("/files/?zip")]);
    assertEquals(again.status, 200);
  });
});

Deno.test("zips never sent (HEAD, a client gone before the answer) give their place back", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.writeTextFile(join(s.root, "a.txt"), "a");
    for (let i = 0; i < MAX_ZIPS_RUNNING + 8; i++) {
      const head = await curlRun(["-I", "-o", "/dev/null", s.url("/files/?zip")]);
      assertEquals(head.status, 200);
      // A request whose client leaves at once: the answer may never be written.
      const c = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
      await c.write(new TextEncoder().encode("GET /files/?zip HTTP/1.1\r\nHost: t\r\n\r\n"));
      c.close();
    }
    let status = 503;
    for (let i = 0; i < 100 && status === 503; i++) {
      status = (await curlRun(["-o", "/dev/null", s.url("/files/?zip")])).status;
      if (status === 503) await new Promise((r) => setTimeout(r, 50));
    }
    assertEquals(status, 200, "places leaked");
  });
});

Deno.test("past MAX_ZIPS_RUNNING archives at once in the server a zip request gets 503", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.writeFile(join(s.root, "big.mp4"), pattern(16 * 1024 * 1024));
    // Clients that read the head, then stop reading: each archive stays in the making. The cap
    // is the server's, however many workers the kernel spreads them over.
    const stalled: Deno.Conn[] = [];
    const stall = async () => {
      const c = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
      stalled.push(c);
      await c.write(new TextEncoder().encode("GET /files/?zip HTTP/1.1\r\nHost: t\r\n\r\n"));
      const first = new Uint8Array(512);
      const n = await c.read(first);
      return new TextDecoder().decode(first.subarray(0, n ?? 0));
    };
    try {
      let refused = "";
      while (refused === "" && stalled.length <= MAX_ZIPS_RUNNING) {
        const head = await stall();
        if (!head.startsWith("HTTP/1.1 200 ")) refused = head;
      }
      assert(refused.startsWith("HTTP/1.1 503 "), refused);
      assert(/\r\nretry-after: \d+\r\n/i.test(refused), "503 says when to retry");
      assertEquals(stalled.length, MAX_ZIPS_RUNNING + 1, `refused after ${stalled.length - 1}`);
      // Archives that end give their places back.
      for (const c of stalled.splice(0)) c.close();
      let status = 503;
      for (let i = 0; i < 200 && status === 503; i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = (await curlRun(["-o", "/dev/null", s.url("/files/?zip")])).status;
      }
      assertEquals(status, 200);
    } finally {
      for (const c of stalled) c.close();
    }
  });
});

Deno.test("?zip of a folder the listing truncates (--max-listing), at any depth, is 413", async () => {
  await withUploadServer({ maxListingEntries: 3 }, async (s) => {
    await Deno.mkdir(join(s.root, "three/many"), { recursive: true });
    for (const name of ["a", "b"]) await Deno.writeTextFile(join(s.root, "three", name), name);
    for (const name of ["1", "2", "3", "4"]) {
      await Deno.writeTextFile(join(s.root, "three/many", name), name);
    }
    // At the limit the listing is whole, and so is the zip.
    const whole = await request(s.port, "GET", "/files/three/?format=json");
    assertEquals(JSON.parse(new TextDecoder().decode(whole.body)).truncated, false);
    assertEquals((await request(s.port, "HEAD", "/files/three/?zip&name=a&name=b")).status, 200);
    // One past it the listing is truncated, and the zip refused before anything is sent.
    const cut = await request(s.port, "GET", "/files/three/many/?format=json");
    assertEquals(JSON.parse(new TextDecoder().decode(cut.body)).truncated, true);
    for (const path of ["/files/three/many/?zip", "/files/three/?zip", "/files/?zip"]) {
      assertEquals((await request(s.port, "GET", path)).status, 413, path);
    }
  });
});

Deno.test({
  name: "?zip&name= in a folder the listing truncates zips the named entries, each by its name",
  ignore: !HAS_UNZIP,
  fn: async () => {
    await withUploadServer({ maxListingEntries: 10 }, async (s) => {
      const many = join(s.root, "many");
      await Deno.mkdir(join(many, "small"), { recursive: true });
      await Deno.mkdir(join(many, "big"));
      for (let i = 1; i <= 30; i++) await Deno.writeTextFile(join(many, `f${i}`), `${i}`);
      for (let i = 1; i <= 11; i++) await Deno.writeTextFile(join(many, "big", `b${i}`), `${i}`);
      await Deno.writeTextFile(join(many, "small/s"), "s");
      await Deno.writeTextFile(join(many, ".secret"), "dotfile");
      await Deno.writeTextFile(join(many, ".f1.wireserve-0123456789abcdef.tmp"), "partial");
      await Deno.symlink(join(s.outside, "sentinel.txt"), join(many, "out.txt"));
      const out = join(s.root, "..", "many.zip");
      const query = "/files/many/?zip&name=f1&name=f30&name=small&name=f1";
      const got = await curlRun(["-o", out, s.url(query)]);
      assertEquals(got.status, 200);
      assertEquals((await unzipList(out)).names, ["f1", "f30", "small/", "small/s"]);
      const posted = await curlRun([
        "-o",
        out,
        "--data",
        "name=f2&name=small",
        s.url("/files/many/?zip"),
      ]);
      assertEquals(posted.status, 200);
      assertEquals((await unzipList(out)).names, ["f2", "small/", "small/s"]);
      // Each name still passes the listing's rules, and a folder inside the selection its cap.
      for (const name of [".secret", ".f1.wireserve-0123456789abcdef.tmp", "out.txt", "f31"]) {
        const res = await request(
          s.port,
          "GET",
          `/files/many/?zip&name=${encodeURIComponent(name)}`,
        );
        assertEquals(res.status, 404, name);
      }
      assertEquals((await request(s.port, "GET", "/files/many/?zip&name=big")).status, 413);
      assertEquals((await request(s.port, "GET", "/files/many/?zip")).status, 413);
    });
  },
});
