/**
 * `deno task bundle` (.ci/bundle_worker.ts) for real, in a copy of the repository: the bundle it
 * builds is what a pool's workers run while the sources match it — seen by poisoning a worker-only
 * source behind the bundle's back (same size, same mtime): a worker loading `src/` would die on
 * it — and a source changed for real sends the workers back to `src/`.
 */

import { cp, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { assert, assertEquals } from "../support/assert.ts";
import { spawnWireserve } from "../support/wireserve_process.ts";
import {
  BUNDLE_DIR,
  BUNDLE_ENTRY,
  type BundleSources,
  chooseWorkerModule,
  SOURCES_FILE,
} from "../../src/workers/worker_module.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
/** What a copy needs to run and to bundle. */
const COPIED = ["main.ts", "deno.json", "deno.lock", "src", "www", ".ci"];
/** Imported by `worker_main.ts` and by nothing the main thread of a pool loads. */
const WORKER_ONLY = "src/workers/service_client.ts";
const PERMS = ["--allow-run", "--allow-read", "--allow-write", "--allow-env"];

async function copyRepo(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-repo-" });
  for (const name of COPIED) {
    await cp(join(REPO, name), join(dir, name), { recursive: true, preserveTimestamps: true });
  }
  await Deno.remove(join(dir, ".ci/artifacts"), { recursive: true }).catch(() => {});
  return dir;
}

async function bundle(dir: string, ...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMS, join(dir, ".ci/bundle_worker.ts"), ...args],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return { code: out.code, err: new TextDecoder().decode(out.stderr) };
}

/** Replaces `path`'s bytes with as many that throw when imported, keeping its mtime. */
async function poison(path: string): Promise<Uint8Array> {
  const was = await readFile(path);
  const info = await Deno.stat(path);
  const text = 'throw new Error("poisoned: a worker loaded src/");';
  assert(text.length <= was.length);
  await Deno.writeTextFile(path, text.padEnd(was.length, " "));
  await Deno.utime(path, info.atime!, info.mtime!);
  return was;
}

/** Starts the copy with 2 workers; checks one request of each kind a worker loads code for. */
async function serveAndCheck(dir: string): Promise<string> {
  const share = join(dir, "share");
  await Deno.mkdir(share, { recursive: true });
  await Deno.writeTextFile(join(share, "hello.txt"), "hello\n");
  const server = spawnWireserve(
    ["--port", "0", "--host", "127.0.0.1", "--workers", "2", "--directory", share, "--log", "off"],
    { main: join(dir, "main.ts"), cwd: dir },
  );
  try {
    const base = `http://127.0.0.1:${await server.port()}`;
    const echo = await fetch(`${base}/echo/bundled`);
    assertEquals([echo.status, await echo.text()], [200, "bundled"]);
    const file = await fetch(`${base}/files/hello.txt`);
    assertEquals(
      [file.status, file.headers.get("content-type"), await file.text()],
      [200, "text/plain; charset=utf-8", "hello\n"],
    );
    const ui = await fetch(`${base}/`); // the embedded www/, found from the chunk's own URL
    assertEquals(ui.status, 200);
    assert((await ui.text()).includes("<html"), "the UI page");
    const dav = await fetch(`${base}/files/`, { // WebDAV: a chunk loaded on demand, and saxes
      method: "PROPFIND",
      headers: { Depth: "1", "Content-Type": "application/xml" },
      body:
        '<?xml version="1.0"?><propfind xmlns="DAV:"><prop><getcontentlength/></prop></propfind>',
    });
    assertEquals(dav.status, 207);
    assert((await dav.text()).includes("hello.txt"), "the listing names the file");
    const bin = await fetch(`${base}/get?x=1`); // httpbin: another chunk
    assertEquals([bin.status, (await bin.json()).args], [200, { x: ["1"] }]);
    server.child.kill("SIGTERM");
    assertEquals(await server.exit(), 0, server.stderr());
  } finally {
    try {
      server.child.kill("SIGKILL");
    } catch {
      // already ended
    }
    await server.exit();
  }
  return server.stderr();
}

Deno.test({
  name: "deno task bundle: workers run the bundle while the sources match, src/ once they do not",
  sanitizeResources: false,
  async fn() {
    const dir = await copyRepo();
    const root = pathToFileURL(dir + "/");
    try {
      const built = await bundle(dir);
      assertEquals(built.code, 0, built.err);
      assert(/^bundle: dist\/worker\/ built from \d+ modules\n$/.test(built.err), built.err);
      const recorded: BundleSources = JSON.parse(
        await Deno.readTextFile(join(dir, BUNDLE_DIR, SOURCES_FILE)),
      );
      const paths = recorded.files.map((f) => f.path);
      for (const p of ["src/workers/worker_main.ts", WORKER_ONLY, "deno.json", "deno.lock"]) {
        assert(paths.includes(p), `${SOURCES_FILE} lists ${p}`);
      }
      assert(
        !paths.some((p) => p.startsWith("tests/") || p === "main.ts"),
        "only the worker graph",
      );
      const again = await bundle(dir);
      assertEquals(again, { code: 0, err: "" }, "a bundle that matches is kept");

      const original = await poison(join(dir, WORKER_ONLY));
      assertEquals(
        (await chooseWorkerModule(root)).url,
        new URL(`${BUNDLE_DIR}/${BUNDLE_ENTRY}`, root).href,
      );
      const quiet = await serveAndCheck(dir);
      assert(!quiet.includes("poisoned"), quiet);

      // A real edit (a new mtime), and the bundle itself made to throw: served, so from src/.
      await Deno.writeFile(join(dir, WORKER_ONLY), original);
      await Deno.writeTextFile(join(dir, BUNDLE_DIR, BUNDLE_ENTRY), 'throw new Error("stale");\n');
      assertEquals(await chooseWorkerModule(root), {
        url: new URL(WORKER_ONLY.replace("service_client", "worker_main"), root).href,
        bundled: false,
        stale: `${WORKER_ONLY} changed`,
      });
      const fromSrc = await serveAndCheck(dir);
      assert(!fromSrc.includes("stale"), fromSrc);
      const rebuilt = await bundle(dir);
      assertEquals(rebuilt.code, 0, rebuilt.err);
      assert((await chooseWorkerModule(root)).bundled, "rebuilt");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "deno task bundle: a failed or raced build is one line; exit 1, or 0 with --if-possible (start)",
  sanitizeResources: false,
  async fn() {
    const dir = await copyRepo();
    try {
      // A source touched throughout the build: the bundle would be of sources the stamps miss.
      let tick = 0;
      const toucher = setInterval(() => {
        const t = new Date(Date.UTC(2030, 0, 1) + ++tick * 1000);
        Deno.utime(join(dir, WORKER_ONLY), t, t).catch(() => {});
      }, 5);
      const raced = await bundle(dir).finally(() => clearInterval(toucher));
      assertEquals(raced.code, 1, raced.err);
      assert(raced.err.includes("the sources changed while they were bundled"), raced.err);
      assertEquals(await Deno.stat(join(dir, BUNDLE_DIR)).catch(() => null), null);

      await Deno.writeTextFile(join(dir, WORKER_ONLY), "export const = ;\n"); // not TypeScript
      const failed = await bundle(dir);
      assertEquals(failed.code, 1, failed.err);
      assert(/^bundle: deno \w+ failed: .+\n$/.test(failed.err), failed.err);
      const lenient = await bundle(dir, "--if-possible");
      assertEquals(lenient.code, 0, lenient.err);
      assert(lenient.err.endsWith("; workers will load src/\n"), lenient.err);
      assertEquals(await Deno.stat(join(dir, BUNDLE_DIR)).catch(() => null), null);
      const usage = await bundle(dir, "--bogus");
      assertEquals(usage.code, 2, usage.err);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
