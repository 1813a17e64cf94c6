/**
 * wireserve as a real process, with the binary's permissions: the help and error exits, a
 * shared folder served to curl with the access log on stdout, and .env from the working folder.
 * (That the compiled binary gets the same permissions is tests/ci/compile_test.ts's check.)
 */

import { join } from "node:path";
import { usageText } from "../../src/cli/usage.ts";
import { assert, assertEquals } from "../support/assert.ts";
import {
  curl,
  exitWithin,
  hasProgram,
  spawnWireserve,
  withoutReadOverride,
} from "../support/wireserve_process.ts";

const HAS_CURL = await hasProgram("curl");
/** SIGTERM cannot be sent to a process on Windows. */
const CAN_SIGTERM = Deno.build.os !== "windows";

Deno.test("wireserve --help prints the help and exits 0", async () => {
  const p = spawnWireserve(["--help"]);
  assertEquals(await p.exit(), 0);
  assertEquals(p.stdout(), usageText());
});

Deno.test("wireserve exits 2 with one line and no stack trace on a bad value", async () => {
  const p = spawnWireserve(["--max-upload", "lots"]);
  assertEquals(await p.exit(), 2);
  assertEquals(
    p.stderr(),
    'wireserve: --max-upload: expected a size like 1024, 64K, 500M or 2G, got "lots"\n',
  );
});

Deno.test("wireserve exits 2 on a bad environment variable, naming it", async () => {
  const p = spawnWireserve([], { env: { PORT: "eighty" } });
  assertEquals(await p.exit(), 2);
  assertEquals(p.stderr(), 'wireserve: PORT: expected a port from 0 to 65535, got "eighty"\n');
});

Deno.test("wireserve exits 2 on a misspelt variable in its environment, naming the one meant", async () => {
  const p = spawnWireserve(["--port", "0"], { env: { WIRESERVE_READONLY: "1" } });
  const code = await exitWithin(p);
  assertEquals(code, 2, p.stderr());
  assertEquals(
    p.stderr(),
    "wireserve: WIRESERVE_READONLY: unknown variable; did you mean WIRESERVE_READ_ONLY? " +
      "(see --help)\n",
  );
});

Deno.test({
  name: "wireserve refuses an endless env file or certificate with one line, not all of memory",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    for (
      const [args, want] of [
        [
          ["--env-file", "/dev/zero"],
          "wireserve: --env-file: /dev/zero: cannot read: larger than 1 MiB\n",
        ],
        [
          ["--tls-cert", "/dev/zero", "--tls-key", "/dev/zero"],
          'wireserve: --tls-cert: "/dev/zero" is larger than 1 MiB: not a certificate or key\n',
        ],
      ] as const
    ) {
      const p = spawnWireserve([...args, "--port", "0"]);
      const code = await exitWithin(p);
      assertEquals([code, p.stderr()], [1, want]);
    }
  },
});

const READ_WRAPPER = await withoutReadOverride();

Deno.test({
  name: "wireserve exits 1 with one line when it cannot list the shared folder" +
    (READ_WRAPPER === null ? " (skipped: root without setpriv to drop its read override)" : ""),
  ignore: READ_WRAPPER === null || Deno.build.os === "windows",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "wireserve-cli-" });
    try {
      await Deno.mkdir(join(dir, "closed"));
      await Deno.chmod(join(dir, "closed"), 0o000);
      const p = spawnWireserve([join(dir, "closed"), "--port", "0"], { wrapper: READ_WRAPPER! });
      // A server that starts over it would never exit: stopped after a while, it fails the test.
      const code = await exitWithin(p);
      assertEquals(code, 1, p.stderr());
      assertEquals(p.stderr().split("\n").length, 2, p.stderr());
      assert(p.stderr().includes("cannot be read (permission denied)"), p.stderr());
      assert(!p.stderr().includes("    at "), "no stack trace");
    } finally {
      await Deno.chmod(join(dir, "closed"), 0o755);
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("wireserve exits 1 with one line when the port is in use", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    const p = spawnWireserve(["-p", String(port)]);
    assertEquals(await p.exit(), 1);
    assertEquals(p.stderr().split("\n").length, 2, p.stderr());
    assert(p.stderr().includes("already in use"), p.stderr());
  } finally {
    taken.close();
  }
});

Deno.test({
  name: "wireserve serves a folder to curl, logs the request and exits 0 on SIGTERM",
  ignore: !HAS_CURL || !CAN_SIGTERM,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "wireserve-cli-" });
    try {
      await Deno.writeTextFile(join(dir, "hello.txt"), "hello from disk\n");
      const p = spawnWireserve([dir, "--port", "0", "--log", "combined"]);
      const port = await p.port();
      const r = await curl(["-sS", "-A", "itest/1", `http://127.0.0.1:${port}/files/hello.txt`]);
      assertEquals(r.out, "hello from disk\n");
      p.child.kill("SIGTERM");
      assertEquals(await p.exit(), 0);
      const out = p.stdout();
      assert(out.includes(`sharing    ${dir}  at /files/`), out);
      assert(out.includes('"GET /files/hello.txt HTTP/1.1" 200 16 "-" "itest/1" '), out);
      assert(!out.includes("wireserve: SIGTERM"), out);
      // The shutdown's status lines, and nothing else, go to stderr.
      assert(
        /^wireserve: SIGTERM: stopping;[^\n]*\nwireserve: stopped\n$/.test(p.stderr()),
        p.stderr(),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "wireserve shows a folder named with an escape sequence and a line break quoted, one line",
  ignore: !CAN_SIGTERM, // such names exist on Unix only
  fn: async () => {
    const base = await Deno.makeTempDir({ prefix: "wireserve-cli-" });
    try {
      const dir = join(base, "x\x1b[31mRED\nfake line");
      await Deno.mkdir(dir);
      // --templates with --www the shared folder: the overlap warning names the folder on stderr.
      const p = spawnWireserve([dir, "--port", "0", "--www", dir, "--templates"]);
      await p.port();
      p.child.kill("SIGTERM");
      assertEquals(await p.exit(), 0);
      const shown = JSON.stringify(dir);
      assert(p.stdout().includes(`\n  sharing    ${shown}  at /files/\n`), p.stdout());
      assert(p.stdout().includes(`\n  web root   ${shown} · templates`), p.stdout());
      assert(p.stderr().includes(`can land in --www ${shown}, where`), p.stderr());
      for (const text of [p.stdout(), p.stderr()]) {
        assert(!text.includes("\x1b") && !text.includes("\nfake line"), JSON.stringify(text));
      }
    } finally {
      await Deno.remove(base, { recursive: true });
    }
  },
});

Deno.test({
  name: "wireserve reads .env in its working folder",
  ignore: !HAS_CURL || !CAN_SIGTERM,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "wireserve-cli-" });
    try {
      await Deno.writeTextFile(join(dir, ".env"), "WIRESERVE_LOG=json\nWIRESERVE_CORS=1\n");
      const p = spawnWireserve(["--port", "0"], { cwd: dir });
      const port = await p.port();
      const r = await curl([
        "-sS",
        "-i",
        "-H",
        "Origin: https://x.example",
        `http://127.0.0.1:${port}/`,
      ]);
      assert(r.out.includes("Access-Control-Allow-Origin: https://x.example\r\n"), r.out);
      p.child.kill("SIGTERM");
      assertEquals(await p.exit(), 0);
      const line = p.stdout().split("\n").find((l) => l.startsWith("{"));
      assertEquals(JSON.parse(line!).status, 200);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** Runs `sh -c script` (files under /dev need every permission, which the tests lack). */
async function sh(script: string): Promise<string> {
  const r = await new Deno.Command("sh", { args: ["-c", script], stdout: "piped" }).output();
  assert(r.success, `sh -c ${script}`);
  return new TextDecoder().decode(r.stdout).trim();
}

/** Whether /dev/shm is a folder (asked through a program: the tests may not stat it). */
const HAS_DEV_SHM = Deno.build.os === "linux" &&
  new Deno.Command("test", { args: ["-d", "/dev/shm"] }).outputSync().success;

Deno.test({
  name: "with -A and 2 workers, wireserve serves and stores files in a share under /dev/shm",
  ignore: !HAS_CURL || !CAN_SIGTERM || !HAS_DEV_SHM,
  fn: async () => {
    // Deno wants every permission for a /dev path: revoking FFI after malloc_trim once ended that
    // under -A, and every file in the share answered 404, every upload 500 (the bench's tmpfs).
    const dir = await sh("mktemp -d /dev/shm/wireserve-cli-XXXXXX");
    try {
      await sh(`printf 'hello from tmpfs\\n' > ${dir}/hello.txt`);
      const p = spawnWireserve([dir, "--port", "0", "--workers", "2", "--log", "off"], {
        permissions: ["--allow-all", "--unstable-net", "--no-prompt"],
      });
      const port = await p.port();
      const url = `http://127.0.0.1:${port}/files`;
      assertEquals((await curl(["-sS", `${url}/hello.txt`])).out, "hello from tmpfs\n");
      const local = await Deno.makeTempFile();
      await Deno.writeTextFile(local, "up\n");
      const put = await curl([
        "-sS",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "-T",
        local,
        `${url}/up.txt`,
      ]);
      await Deno.remove(local);
      assertEquals(put.out, "201");
      assertEquals(await sh(`cat ${dir}/up.txt`), "up");
      p.child.kill("SIGTERM");
      assertEquals(await p.exit(), 0);
      // Nothing but the shutdown's status lines: no warning, no failure.
      assert(
        /^wireserve: SIGTERM: stopping;[^\n]*\nwireserve: stopped\n$/.test(p.stderr()),
        p.stderr(),
      );
    } finally {
      await sh(`rm -rf ${dir}`);
    }
  },
});
