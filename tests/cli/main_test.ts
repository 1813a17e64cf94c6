/**
 * `main(args, env, io)` in-process: exit codes, the one-line errors, the banner, the access
 * log, .env loading, CORS, and a clean stop on a (fake) signal. Real sockets on 127.0.0.1.
 */

import { join, resolve } from "node:path";
import { main, type MainIo, type StopSignal } from "../../src/cli/main.ts";
import { usageText } from "../../src/cli/usage.ts";
import type { InterfaceAddress } from "../../src/app/lan_urls.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";

const decoder = new TextDecoder();
/**
 * How long a started main may take to print its URL: only a bound for a start that never comes.
 * The first worker a test process starts has its module type-checked by `deno test` ("Check
 * src/workers/worker_main.ts"), which took over 5 s in a loaded CI run.
 */
const START_TIMEOUT_MS = 30_000;

/** The default working folder: empty, so a developer's own ./.env cannot change a test. */
const EMPTY_CWD = Deno.makeTempDirSync({ prefix: "wireserve-main-cwd-" });
globalThis.addEventListener("unload", () => Deno.removeSync(EMPTY_CWD, { recursive: true }));

/** A running (or finished) `main` with collected output and a fake signal source. */
interface Run {
  result: Promise<number>;
  stdout(): string;
  stderr(): string;
  signal(s: StopSignal): void;
  /** The port from the first printed URL (waits for it). */
  port(): Promise<number>;
}

/**
 * The exit code of a `main` that refuses to start, or "started" for one that serves (then stopped
 * with SIGINT, so the test never leaves it running).
 */
async function exitCodeOrStarted(run: Run): Promise<number | "started"> {
  const outcome = await Promise.race([run.result, run.port().then(() => "started" as const)]);
  if (outcome === "started") {
    run.signal("SIGINT");
    await run.result;
  }
  return outcome;
}

function start(
  args: string[],
  opts: {
    env?: Record<string, string>;
    cwd?: string;
    interfaces?: InterfaceAddress[];
    terminal?: boolean;
  } = {},
): Run {
  const out: string[] = [];
  const err: string[] = [];
  const listeners = new Set<(s: StopSignal) => void>();
  const collect = (into: string[]) => ({
    write: (p: Uint8Array) => {
      into.push(decoder.decode(p));
      return Promise.resolve(p.length);
    },
  });
  const io: MainIo = {
    stdout: collect(out),
    stderr: collect(err),
    cwd: opts.cwd ?? EMPTY_CWD,
    networkInterfaces: () => opts.interfaces ?? [],
    isTerminal: () => opts.terminal ?? false,
    onSignal(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const result = main(args, opts.env ?? {}, io);
  return {
    result,
    stdout: () => out.join(""),
    stderr: () => err.join(""),
    signal: (s) => {
      for (const l of listeners) l(s);
    },
    async port() {
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (Date.now() < deadline) {
        const m = out.join("").match(/https?:\/\/127\.0\.0\.1:(\d+)\//);
        if (m) return Number(m[1]);
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no URL printed; stderr: ${err.join("")}`);
    },
  };
}

async function get(port: number, target: string, headers = ""): Promise<string> {
  const c = await RawClient.connect(port);
  try {
    await c.send(`GET ${target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n${headers}\r\n`);
    return await c.readAll();
  } finally {
    c.close();
  }
}

Deno.test("main prints the help and exits 0", async () => {
  const run = start(["--help"]);
  assertEquals(await run.result, 0);
  assertEquals(run.stdout(), usageText());
  assertEquals(run.stderr(), "");
});

Deno.test("main prints the version and exits 0", async () => {
  const run = start(["-V"]);
  assertEquals(await run.result, 0);
  assert(/^wireserve \d+\.\d+\.\d+\n$/.test(run.stdout()), run.stdout());
});

Deno.test("main exits 2 with one line naming the flag for a bad value", async () => {
  const run = start(["--port", "99999"]);
  assertEquals(await run.result, 2);
  assertEquals(run.stderr(), 'wireserve: --port: expected a port from 0 to 65535, got "99999"\n');
  assertEquals(run.stdout(), "");
});

Deno.test("main exits 1 with one line when the shared folder is missing", async () => {
  const missing = resolve("/no/such/folder/wireserve");
  const run = start([missing]);
  assertEquals(await run.result, 1);
  assertEquals(run.stderr(), `wireserve: DIR: ${JSON.stringify(missing)} does not exist\n`);
});

Deno.test("main exits 1 when --resumable-dir reaches into the shared folder through a symlink", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-main-state-" });
  try {
    await Deno.mkdir(join(dir, "share", "docs"), { recursive: true });
    await Deno.symlink(join(dir, "share", "docs"), join(dir, "alias"));
    const state = join(dir, "alias", "state"); // does not exist yet
    const run = start([join(dir, "share"), "--resumable-dir", state, "--port", "0"]);
    const outcome = await exitCodeOrStarted(run);
    assertEquals(outcome, 1);
    assertEquals(
      run.stderr(),
      `wireserve: --resumable-dir: ${JSON.stringify(state)} is inside the shared folder by its ` +
        "real path (a symlink on the way leads there); expected a folder outside it\n",
    );
    // The same folder name outside the share starts.
    const outside = start([
      join(dir, "share"),
      "--resumable-dir",
      join(dir, "state"),
      "--port",
      "0",
    ]);
    await outside.port();
    outside.signal("SIGINT");
    assertEquals(await outside.result, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main exits 1 with one line when --resumable-dir is a file or cannot be made", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-main-state-" });
  try {
    await Deno.mkdir(join(dir, "share"));
    await Deno.writeTextFile(join(dir, "afile"), "x");
    const cases: [string, string][] = [
      [join(dir, "afile"), "is not a folder"],
      [join(dir, "afile", "state"), "cannot be made (a file stands on the way)"],
    ];
    for (const [state, why] of cases) {
      const run = start([join(dir, "share"), "--resumable-dir", state, "--port", "0"]);
      const outcome = await exitCodeOrStarted(run);
      assertEquals(outcome, 1, state);
      assertEquals(run.stderr(), `wireserve: --resumable-dir: ${JSON.stringify(state)} ${why}\n`);
    }
    // A missing folder is made at start (0700, with its parents), as the uploads would make it.
    const state = join(dir, "new", "state");
    const made = start([join(dir, "share"), "--resumable-dir", state, "--port", "0"]);
    await made.port();
    made.signal("SIGINT");
    assertEquals(await made.result, 0);
    assertEquals((await Deno.stat(state)).mode! & 0o777, 0o700);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main exits 1 when a file stands at the default state folder's place", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-main-state-" });
  try {
    const reserved = join(dir, ".wireserve-uploads");
    await Deno.writeTextFile(reserved, "x");
    const run = start([dir, "--port", "0"]);
    const outcome = await exitCodeOrStarted(run);
    assertEquals(outcome, 1);
    assertEquals(
      run.stderr(),
      `wireserve: DIR: ${JSON.stringify(reserved)} is not a folder (a file or a link stands ` +
        `there); resumable uploads keep their state there: move it away, or name another place ` +
        `with --resumable-dir\n`,
    );
    // A link to a folder is refused the same way: the uploads never follow one (it may lead out).
    await Deno.remove(reserved);
    const elsewhere = await Deno.makeTempDir({ prefix: "wireserve-main-elsewhere-" });
    await Deno.symlink(elsewhere, reserved);
    const linked = start([dir, "--port", "0"]);
    assertEquals(await exitCodeOrStarted(linked), 1);
    assert(linked.stderr().includes("is not a folder (a file or a link stands there)"));
    await Deno.remove(reserved);
    await Deno.remove(elsewhere);
    await Deno.writeTextFile(reserved, "x");
    // --read-only makes no upload, so the file is no obstacle; nor is it once a folder stands there
    const readOnly = start([dir, "--read-only", "--port", "0"]);
    await readOnly.port();
    readOnly.signal("SIGINT");
    assertEquals(await readOnly.result, 0);
    await Deno.remove(reserved);
    await Deno.mkdir(reserved);
    const folder = start([dir, "--port", "0"]);
    await folder.port();
    folder.signal("SIGINT");
    assertEquals(await folder.result, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main exits 1 with one line when the port is taken", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    const run = start(["--port", String(port)]);
    assertEquals(await run.result, 1);
    assertEquals(
      run.stderr(),
      `wireserve: cannot listen on 127.0.0.1:${port}: the port is already in use ` +
        "(--port 0 picks a free one)\n",
    );
  } finally {
    taken.close();
  }
});

Deno.test("main exits 1 when a TLS file cannot be read or is not PEM", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-main-" });
  try {
    await Deno.writeTextFile(join(dir, "cert.pem"), "not a certificate\n");
    const missing = start(["--tls-cert", "nope.pem", "--tls-key", "k.pem"], { cwd: dir });
    assertEquals(await missing.result, 1);
    assertEquals(
      missing.stderr(),
      `wireserve: --tls-cert: "${join(dir, "nope.pem")}" does not exist\n`,
    );
    const junk = start(["--tls-cert", "cert.pem", "--tls-key", "cert.pem"], { cwd: dir });
    assertEquals(await junk.result, 1);
    assertEquals(
      junk.stderr(),
      `wireserve: --tls-cert: "${join(dir, "cert.pem")}" does not contain a PEM certificate\n`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main serves, logs each request and exits 0 on a signal", async () => {
  const run = start(["--port", "0"]);
  const port = await run.port();
  const res = await get(port, "/nope", "User-Agent: t/1\r\n");
  assert(res.startsWith("HTTP/1.1 404 "), res);
  run.signal("SIGTERM");
  assertEquals(await run.result, 0);
  const out = run.stdout();
  assert(out.startsWith("wireserve "), out);
  assert(/\n127\.0\.0\.1 - - \[[^\]]+\] "GET \/nope HTTP\/1\.1" 404 \d+ [\d.]+ms\n/.test(out), out);
  // The shutdown's lines go to stderr: stdout holds the banner and the access log only.
  assert(!out.includes("wireserve: SIGTERM"), out);
  assert(/" 404 \d+ [\d.]+ms\n$/.test(out), out);
  assert(
    /^wireserve: SIGTERM: stopping; waiting up to 10s for \d+ open connection\(s\) \(signal again to force\)\nwireserve: stopped\n$/
      .test(run.stderr()),
    run.stderr(),
  );
});

Deno.test("main with --log json keeps stdout all JSON after the banner through a shutdown", async () => {
  const run = start(["--port", "0", "--log", "json"]);
  const port = await run.port();
  await get(port, "/nope");
  run.signal("SIGINT");
  assertEquals(await run.result, 0);
  const lines = run.stdout().trimEnd().split("\n");
  const log = lines.slice(lines.findIndex((l) => l.startsWith("{")));
  assertEquals(log.map((l) => JSON.parse(l).target), ["/nope"]);
  assert(run.stderr().endsWith("wireserve: stopped\n"), run.stderr());
});

Deno.test("main with --quiet prints only the URL of a port it picked", async () => {
  const run = start(["--quiet", "-p", "0"]);
  const port = await run.port();
  await get(port, "/");
  run.signal("SIGINT");
  assertEquals(await run.result, 0);
  assertEquals(run.stdout(), `http://127.0.0.1:${port}/\n`);
});

Deno.test("main reads .env from its working folder, below the environment", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-main-" });
  try {
    await Deno.writeTextFile(join(dir, ".env"), "WIRESERVE_LOG=json\nWIRESERVE_PORT=1\n");
    const run = start([], { cwd: dir, env: { WIRESERVE_PORT: "0" } });
    const port = await run.port();
    await get(port, "/files/");
    run.signal("SIGINT");
    assertEquals(await run.result, 0);
    const json = run.stdout().split("\n").find((l) => l.startsWith("{"));
    assertEquals(JSON.parse(json!).target, "/files/");
    assert(run.stdout().includes(`sharing    ${dir}  at /files/`), run.stdout());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main exits 1 when a named env file is missing", async () => {
  const missing = resolve("/no/such/wireserve.env");
  const run = start(["--env-file", missing]);
  assertEquals(await run.result, 1);
  assertEquals(run.stderr(), `wireserve: --env-file: ${missing}: cannot read: no such file\n`);
  const fromEnv = start([], { env: { WIRESERVE_ENV_FILE: missing } });
  assertEquals(await fromEnv.result, 1);
  assertEquals(
    fromEnv.stderr(),
    `wireserve: WIRESERVE_ENV_FILE: ${missing}: cannot read: no such file\n`,
  );
});

Deno.test("main exits 2 for an empty --env-file, as for an empty --directory", async () => {
  for (const args of [["--env-file="], ["--env-file", ""]]) {
    const run = start(args);
    assertEquals(await run.result, 2, args.join(" "));
    assertEquals(run.stderr(), 'wireserve: --env-file: expected a path, got ""\n');
  }
  const directory = start(["--directory", ""]);
  assertEquals(await directory.result, 2);
  assertEquals(directory.stderr(), 'wireserve: --directory: expected a path, got ""\n');
  // An empty variable still counts as unset: the optional ./.env is looked for, as always.
  const fromEnv = start(["--port", "0"], { env: { WIRESERVE_ENV_FILE: "" } });
  assertEquals(await exitCodeOrStarted(fromEnv), "started");
});

Deno.test("main exits 2 naming --host for an address that is not one", async () => {
  const run = start(["--host", "999.1.1.1", "--port", "0"]);
  assertEquals(await run.result, 2);
  assertEquals(
    run.stderr(),
    'wireserve: --host: expected an IP address or host name, got "999.1.1.1"\n',
  );
  // A well-formed name that nothing resolves is a bad value too (".invalid" never resolves).
  const unknown = start(["-H", "nowhere.invalid", "--port", "0"]);
  assertEquals(await unknown.result, 2);
  assertEquals(
    unknown.stderr(),
    'wireserve: -H: "nowhere.invalid" is not an address of this machine or a name it can ' +
      "resolve\n",
  );
});

Deno.test("main exits 2 naming both flags for --read-only with --allow-delete", async () => {
  const run = start(["--read-only", "--allow-delete", "--port", "0"]);
  assertEquals(await run.result, 2);
  assert(run.stderr().includes("--read-only: cannot be combined with --allow-delete"));
});

Deno.test("main exits 1 with a sentence when the TLS key is not the certificate's", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-main-" });
  try {
    for (const n of ["a", "b"]) {
      const made = await new Deno.Command("openssl", {
        args: ["genrsa", "-out", `${n}.key`, "2048"],
        cwd: dir,
        stdout: "null",
        stderr: "null",
      }).output().catch(() => null);
      if (made === null) return; // no openssl: nothing to compare with
      await new Deno.Command("openssl", {
        args: [
          "req",
          "-x509",
          "-new",
          "-key",
          `${n}.key`,
          "-out",
          `${n}.crt`,
          "-subj",
          "/CN=t",
          "-days",
          "1",
        ],
        cwd: dir,
        stdout: "null",
        stderr: "null",
      }).output();
    }
    const run = start(["--tls-cert", "a.crt", "--tls-key", "b.key", "--port", "0"], { cwd: dir });
    assertEquals(await run.result, 1);
    assertEquals(
      run.stderr(),
      `wireserve: --tls-key: "${join(dir, "b.key")}" is not the private key of the certificate ` +
        `in --tls-cert "${join(dir, "a.crt")}" (pass the key the certificate was made for)\n`,
    );
    assert(!run.stderr().includes("KeyMismatch"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main exits 1 with a sentence when the TLS key is encrypted", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-main-" });
  const openssl = (args: string[]) =>
    new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "null" }).output()
      .catch(() => null);
  try {
    const made = await openssl(["genrsa", "-out", "plain.key", "2048"]);
    if (made === null) return; // no openssl: no key to encrypt
    await openssl(["req", "-x509", "-new", "-key", "plain.key", "-out", "a.crt", "-subj", "/CN=t"]);
    // PKCS #8 "ENCRYPTED PRIVATE KEY", and the traditional form with "Proc-Type: 4,ENCRYPTED".
    await openssl(["pkey", "-in", "plain.key", "-aes256", "-passout", "pass:x", "-out", "p8.key"]);
    await openssl([
      "rsa",
      "-in",
      "plain.key",
      "-aes256",
      "-passout",
      "pass:x",
      "-traditional",
      "-out",
      "trad.key",
    ]);
    assert((await Deno.readTextFile(join(dir, "trad.key"))).includes("Proc-Type: 4,ENCRYPTED"));
    for (const key of ["p8.key", "trad.key"]) {
      const run = start(["--tls-cert", "a.crt", "--tls-key", key, "--port", "0"], { cwd: dir });
      assertEquals(await run.result, 1);
      const path = JSON.stringify(join(dir, key));
      assertEquals(
        run.stderr(),
        `wireserve: --tls-key: ${path} is encrypted; give an unencrypted key ` +
          `(openssl pkey -in ${path} -out plain.pem)\n`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main serves HTTPS with a certificate and key saved with a byte order mark", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-main-" });
  const openssl = (args: string[]) =>
    new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "null" }).output()
      .catch(() => null);
  try {
    const made = await openssl(["genrsa", "-out", "plain.key", "2048"]);
    if (made === null) return; // no openssl: no certificate to make
    await openssl(["req", "-x509", "-new", "-key", "plain.key", "-out", "a.crt", "-subj", "/CN=t"]);
    for (const name of ["a.crt", "plain.key"]) {
      const text = await Deno.readTextFile(join(dir, name));
      await Deno.writeTextFile(join(dir, `bom-${name}`), "\uFEFF" + text);
    }
    const run = start(["--tls-cert", "bom-a.crt", "--tls-key", "bom-plain.key", "--port", "0"], {
      cwd: dir,
    });
    const port = await run.port();
    assert(port > 0, run.stderr());
    run.signal("SIGINT");
    assertEquals(await run.result, 0, run.stderr());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main with --cors reflects the Origin", async () => {
  const run = start(["--cors", "--port", "0", "--log", "off"]);
  const port = await run.port();
  const res = await get(port, "/", "Origin: https://app.example\r\n");
  run.signal("SIGINT");
  assertEquals(await run.result, 0);
  assert(res.includes("\r\nAccess-Control-Allow-Origin: https://app.example\r\n"), res);
  assert(res.includes("\r\nVary: "), res);
});

Deno.test("main on every interface prints the LAN URL's QR code on a terminal and serves lanUrls", async () => {
  const interfaces: InterfaceAddress[] = [{ family: "IPv4", address: "192.168.1.20" }];
  const run = start(["--host", "0.0.0.0", "--port", "0", "--log", "off"], {
    interfaces,
    terminal: true,
  });
  const port = await run.port();
  const info = await get(port, "/api/info");
  run.signal("SIGINT");
  assertEquals(await run.result, 0);
  const lan = `http://192.168.1.20:${port}/`;
  assert(info.includes(`"lanUrls": ["${lan}"]`), info);
  assert(
    run.stdout().includes(`  scan to open ${lan} on a phone:\n\x1b[47m\x1b[30m`),
    run.stdout(),
  );
  // Not a terminal (a pipe, a log file): the URLs but no picture.
  const piped = start(["--host", "0.0.0.0", "--port", "0", "--log", "off"], { interfaces });
  await piped.port();
  piped.signal("SIGINT");
  assertEquals(await piped.result, 0);
  assert(piped.stdout().includes("(network)"), piped.stdout());
  assert(!piped.stdout().includes("scan to open"), piped.stdout());
});

Deno.test("main drains and exits 0 on a signal that comes while its workers are still starting", async () => {
  // A fixed port: with workers the URL is printed only once all of them are up, and the first
  // answers before that.
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = probe.addr.port;
  probe.close();
  const run = start(["--port", String(port), "--workers", "2"]);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const answer = await get(port, "/nope").catch(() => null);
    if (answer !== null) break;
    if (Date.now() > deadline) throw new Error(`never answered; stderr: ${run.stderr()}`);
    await sleep(5);
  }
  // A paced download: its head comes as soon as a worker runs it, its last byte a second later;
  // the signal goes once the head is in, so the request is surely in flight.
  const c = await RawClient.connect(port);
  await c.send(
    "GET /drip?duration=1s&numbytes=4&delay=0 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
  );
  await c.readHead();
  run.signal("SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const lost = new Promise<"still running">((r) =>
    timer = setTimeout(() => r("still running"), 10_000)
  );
  const code = await Promise.race([run.result, lost]);
  clearTimeout(timer);
  if (code === "still running") run.signal("SIGTERM"); // the signal was lost: end it anyway
  const rest = await c.readAll();
  c.close();
  await run.result;
  assertEquals(code, 0);
  assert(rest.endsWith("\r\n\r\n****"), JSON.stringify(rest)); // the whole body, after the signal
  const out = run.stdout();
  assert(out.includes('"GET /drip?duration=1s&numbytes=4&delay=0 HTTP/1.1" 200 4 '), out);
  const status = run.stderr();
  assert(status.includes("wireserve: SIGTERM: stopping"), status);
  assert(status.endsWith("wireserve: stopped\n"), status);
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
