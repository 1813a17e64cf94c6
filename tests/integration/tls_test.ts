/**
 * HTTPS: a self-signed certificate made here with openssl, wireserve started with --tls-cert
 * and --tls-key, curl verifying it with --cacert and agreeing on ALPN http/1.1. Skipped with a
 * message where openssl or curl is missing (the Windows CI runner, for one).
 */

import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { curl, hasProgram, spawnWireserve } from "../support/wireserve_process.ts";

const TOOLS = await hasProgram("openssl", ["version"]) && await hasProgram("curl");
const CAN_SIGTERM = Deno.build.os !== "windows";
if (!TOOLS) console.log("tls_test: skipped: openssl and curl are needed");

/** Makes a self-signed certificate for localhost and 127.0.0.1 in `dir`. */
async function selfSigned(dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  const r = await new Deno.Command("openssl", {
    args: [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout",
      key,
      "-out",
      cert,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert(r.success, new TextDecoder().decode(r.stderr));
  return { cert, key };
}

Deno.test({
  name: "wireserve serves HTTPS with ALPN http/1.1 that curl verifies with --cacert",
  ignore: !TOOLS || !CAN_SIGTERM,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "wireserve-tls-" });
    try {
      const { cert, key } = await selfSigned(dir);
      await Deno.writeTextFile(join(dir, "secret.txt"), "over tls\n");
      const p = spawnWireserve([dir, "--port", "0", "--tls-cert", cert, "--tls-key", key]);
      const port = await p.port();
      assert(p.stdout().includes(`https://127.0.0.1:${port}/`), p.stdout());
      const byName = await curl([
        "-sS",
        "-v",
        "--cacert",
        cert,
        "--resolve",
        `localhost:${port}:127.0.0.1`,
        `https://localhost:${port}/files/secret.txt`,
      ]);
      assertEquals(byName.code, 0, byName.err);
      assertEquals(byName.out, "over tls\n");
      assert(/ALPN[^\n]*accepted[^\n]*http\/1\.1/.test(byName.err), byName.err);
      const byIp = await curl([
        "-sS",
        "--cacert",
        cert,
        `https://127.0.0.1:${port}/files/secret.txt`,
      ]);
      assertEquals(byIp.out, "over tls\n");
      // Plain HTTP to the TLS port gets no HTTP answer.
      const plain = await curl(["-sS", "-m", "5", `http://127.0.0.1:${port}/`]);
      assert(plain.code !== 0, "plain HTTP must not be answered");
      p.child.kill("SIGTERM");
      assertEquals(await p.exit(), 0);
      assert(p.stdout().includes('"GET /files/secret.txt HTTP/1.1" 200 9 '), p.stdout());
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "wireserve exits 1 with one line when the key file cannot be read",
  ignore: !TOOLS,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "wireserve-tls-" });
    try {
      const { cert } = await selfSigned(dir);
      const missing = join(dir, "missing-key.pem");
      const p = spawnWireserve(["--port", "0", "--tls-cert", cert, "--tls-key", missing]);
      assertEquals(await p.exit(), 1);
      assertEquals(p.stderr(), `wireserve: --tls-key: "${missing}" does not exist\n`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "wireserve exits 1 when the key does not match the certificate",
  ignore: !TOOLS,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "wireserve-tls-" });
    try {
      const a = await selfSigned(dir);
      const other = await Deno.makeTempDir({ prefix: "wireserve-tls-" });
      try {
        const b = await selfSigned(other);
        const p = spawnWireserve(["--port", "0", "--tls-cert", a.cert, "--tls-key", b.key]);
        assertEquals(await p.exit(), 1);
        assert(p.stderr().startsWith("wireserve: --tls-key: "), p.stderr());
        assert(p.stderr().includes("is not the private key of the certificate"), p.stderr());
        assert(!p.stderr().includes("KeyMismatch"), p.stderr());
        assertEquals(p.stderr().trimEnd().split("\n").length, 1, p.stderr());
      } finally {
        await Deno.remove(other, { recursive: true });
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** Waits until `check` holds or `ms` pass. */
async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return check();
}

/**
 * A TLS client killed after its answer came, mid-download or between requests: `openssl
 * s_client` with SIGKILL, so its socket closes without a TLS close_notify.
 */
async function killedTlsClient(port: number, path: string, stopAt: string): Promise<void> {
  const child = new Deno.Command("openssl", {
    args: ["s_client", "-connect", `127.0.0.1:${port}`, "-quiet", "-alpn", "http/1.1"],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nHost: t\r\n\r\n`));
  let got = "";
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  while (!got.includes(stopAt)) {
    const { value, done } = await reader.read();
    if (done) break;
    got += value;
  }
  child.kill("SIGKILL");
  await child.status;
  await reader.cancel().catch(() => {});
  await writer.close().catch(() => {});
}

Deno.test({
  name: "a TLS client closing without close_notify leaves stderr quiet",
  ignore: !TOOLS || !CAN_SIGTERM,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "wireserve-tls-" });
    try {
      const { cert, key } = await selfSigned(dir);
      await Deno.writeTextFile(join(dir, "small.txt"), "small\n");
      await Deno.writeTextFile(join(dir, "big.txt"), "0123456789abcdef\n".repeat(1_000_000));
      const p = spawnWireserve([dir, "--port", "0", "--tls-cert", cert, "--tls-key", key]);
      const port = await p.port();
      // Between requests: the whole answer came, the next read meets the bare EOF.
      await killedTlsClient(port, "/files/small.txt", "small\n");
      // Mid-download: the write side finds the peer gone.
      await killedTlsClient(port, "/files/big.txt", "0123456789abcdef\n");
      assert(
        await until(() => (p.stdout().match(/"GET \/files\//g) ?? []).length === 2, 5000),
        p.stdout(),
      );
      // Give a "connection failed" line the time it took before the fix (well under 100 ms).
      await new Promise((r) => setTimeout(r, 500));
      assertEquals(p.stderr(), "");
      p.child.kill("SIGTERM");
      assertEquals(await p.exit(), 0);
      // Only the shutdown's own status lines follow.
      assertEquals(
        p.stderr().split("\n").filter((l) => !/^wireserve: (SIGTERM: stopping|stopped)/.test(l)),
        [""],
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
