/**
 * The file routes against hostile requests, over raw TCP so no client normalizes the path first:
 * a sentinel planted outside the shared root (and outside the web root) must never come back,
 * whatever the encoding, symlink or target form; dotfiles stay hidden; FIFOs are not opened.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";
import { curl, SENTINEL, startFilesServer, text } from "./files_fixture.ts";

/** Raw request-targets that try to reach `outside/sentinel.txt` (or its folder). */
function attacks(outside: string): string[] {
  return [
    "/files/../outside/sentinel.txt",
    "/files/../../outside/sentinel.txt",
    "/files/sub/../../outside/sentinel.txt",
    "/files/%2e%2e/outside/sentinel.txt",
    "/files/%2E%2E/outside/sentinel.txt",
    "/files/.%2e/outside/sentinel.txt",
    "/files/%2e%2e%2foutside%2fsentinel.txt",
    "/files/..%2foutside%2fsentinel.txt",
    "/files/..%2Foutside/sentinel.txt",
    "/files/%252e%252e/outside/sentinel.txt",
    "/files/..%5coutside%5csentinel.txt",
    "/files/..%5Coutside/sentinel.txt",
    "/files/%c0%ae%c0%ae/outside/sentinel.txt",
    "/files/%00../outside/sentinel.txt",
    "/files/..%00/outside/sentinel.txt",
    `/files/${outside}/sentinel.txt`,
    `/files//${outside}/sentinel.txt`,
    `/files/${encodeURIComponent(outside + "/sentinel.txt")}`,
    "/files/link-out.txt",
    "/files/link-abs.txt",
    "/files/link-out-dir/sentinel.txt",
    "/files/link-out-dir/",
    "/files/link-out-dir",
    "/files/link-dot/secret.txt",
    "/files/C:/outside/sentinel.txt",
    "/../outside/sentinel.txt",
    "/%2e%2e/outside/sentinel.txt",
    "/out.html",
    "/outdir/sentinel.txt",
    "/outdir/",
    "http://127.0.0.1/files/../outside/sentinel.txt",
    "http://127.0.0.1/files/link-out.txt",
  ];
}

Deno.test("the sentinel outside the root never comes back whatever the path", async () => {
  const fs = await startFilesServer();
  try {
    const seen: string[] = [];
    for (
      const target of [
        ...attacks(fs.tree.outside),
        ...attacks(fs.tree.outside).map((t) => t.replace("..", "..\\")),
      ]
    ) {
      const c = await RawClient.connect(fs.port);
      try {
        await c.send(`GET ${target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`);
        const all = await c.readAll();
        assert(!all.includes(SENTINEL), `sentinel leaked for ${target}`);
        const status = Number(all.split(" ")[1]);
        assert([400, 404].includes(status), `${target} answered ${status}`);
        seen.push(`${status}`);
      } finally {
        c.close();
      }
    }
    assert(seen.length > 30);
    assertEquals(fs.srv.errors, []);
  } finally {
    await fs.close();
  }
});

Deno.test("the sentinel does not come back through ranges or HEAD either", async () => {
  const fs = await startFilesServer();
  try {
    for (const target of ["/files/link-out.txt", "/files/%2e%2e/outside/sentinel.txt"]) {
      for (const extra of ["Range: bytes=0-\r\n", "Range: bytes=0-1,5-9\r\n", ""]) {
        for (const method of ["GET", "HEAD"]) {
          const c = await RawClient.connect(fs.port);
          try {
            await c.send(
              `${method} ${target} HTTP/1.1\r\nHost: t\r\n${extra}Connection: close\r\n\r\n`,
            );
            const all = await c.readAll();
            assert(!all.includes(SENTINEL), `${method} ${target} ${extra}`);
            assertEquals(Number(all.split(" ")[1]), 404);
          } finally {
            c.close();
          }
        }
      }
    }
  } finally {
    await fs.close();
  }
});

Deno.test("symlinks out of the root are hidden from listings and inside ones are listed", async () => {
  const fs = await startFilesServer();
  try {
    const res = await curl([fs.url("/files/?format=json")]);
    const names = JSON.parse(text(res.body)).entries.map((e: { name: string }) => e.name);
    for (
      const hidden of ["link-out.txt", "link-abs.txt", "link-out-dir", "link-dot", "link-broken"]
    ) {
      assert(!names.includes(hidden), `${hidden} listed`);
    }
    assert(names.includes("link-in.txt") && names.includes("link-sub"));
    const inside = await curl([fs.url("/files/link-in.txt")]);
    assertEquals([inside.status, text(inside.body)], [200, "hello world\n"]);
    const viaDir = await curl([fs.url("/files/link-sub/nested.txt")]);
    assertEquals([viaDir.status, text(viaDir.body)], [200, "nested\n"]);
  } finally {
    await fs.close();
  }
});

Deno.test("followSymlinks serves targets outside the root when the user allows it", async () => {
  const fs = await startFilesServer({ followSymlinks: true });
  try {
    const res = await curl([fs.url("/files/link-out.txt")]);
    assertEquals([res.status, text(res.body)], [200, SENTINEL]);
    // ...but never through ".." in the URL
    const dots = await curl([fs.url("/files/../outside/sentinel.txt")]);
    assertEquals(dots.status, 404);
  } finally {
    await fs.close();
  }
});

Deno.test("dotfiles are hidden and refused unless allowed", async () => {
  const fs = await startFilesServer();
  try {
    for (
      const path of ["/files/.env", "/files/.hidden/secret.txt", "/files/.hidden/", "/files/%2eenv"]
    ) {
      const res = await curl([fs.url(path)]);
      assertEquals(res.status, 404, path);
    }
    const listing = text((await curl([fs.url("/files/?format=json")])).body);
    assert(!listing.includes(".env") && !listing.includes(".hidden"));
  } finally {
    await fs.close();
  }
  const open = await startFilesServer({ dotfiles: true });
  try {
    const res = await curl([open.url("/files/.env")]);
    assertEquals([res.status, text(res.body)], [200, "SECRET=dotfile\n"]);
    const listing = text((await curl([open.url("/files/?format=json")])).body);
    assert(listing.includes('".env"') && listing.includes('".hidden"'));
  } finally {
    await open.close();
  }
});

Deno.test("a FIFO in the root is not opened (it would block) and answers 404", async () => {
  const fs = await startFilesServer();
  try {
    const made = await new Deno.Command("mkfifo", { args: [`${fs.tree.root}/pipe`] }).output()
      .catch(() => null);
    if (made === null || !made.success) return; // no mkfifo on this platform
    const res = await curl([fs.url("/files/pipe")]);
    assertEquals(res.status, 404);
    const listing = text((await curl([fs.url("/files/?format=json")])).body);
    assert(!listing.includes('"pipe"'));
  } finally {
    await fs.close();
  }
});

Deno.test("malformed paths answer 400 and a file named as a folder 404", async () => {
  const fs = await startFilesServer();
  try {
    const cases: Array<[string, number]> = [
      ["/files/a%2Fb", 400],
      ["/files/%zz", 400],
      ["/files/%ff", 400],
      ["/files/a%00b", 400],
      ["/files/hello.txt/", 404],
      ["/files/nope.txt", 404],
    ];
    for (const [path, status] of cases) {
      assertEquals((await curl([fs.url(path)])).status, status, path);
    }
  } finally {
    await fs.close();
  }
});
