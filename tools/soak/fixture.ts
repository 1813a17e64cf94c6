/**
 * What the soak's runs serve: the folder of files the load expects (`SOAK_FILES`, and for the
 * hostile readers a 64 MiB file) and, for `--hostile --tls`, a throwaway certificate.
 *
 * This module must not start the server or send load.
 * @module
 */

import { join } from "node:path";
import { HOSTILE_FILE } from "./hostile_scenarios.ts";
import { SOAK_FILES } from "./soak_load.ts";

/**
 * Makes a CA and, signed by it, cert.pem and key.pem for 127.0.0.1 in `dir` with openssl;
 * resolves to the CA's certificate, which clients trust (rustls refuses a self-signed leaf).
 */
export async function selfSignedCert(dir: string): Promise<string> {
  const at = (name: string) => join(dir, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await Deno.writeTextFile(at("leaf.ext"), "subjectAltName=IP:127.0.0.1\n");
  const steps = [
    [
      "req",
      "-x509",
      ...ec,
      "-days",
      "1",
      "-subj",
      "/CN=soak CA",
      "-keyout",
      at("ca.key"),
      "-out",
      at("ca.pem"),
    ],
    ["req", ...ec, "-subj", "/CN=127.0.0.1", "-keyout", at("key.pem"), "-out", at("leaf.csr")],
    [
      "x509",
      "-req",
      "-in",
      at("leaf.csr"),
      "-CA",
      at("ca.pem"),
      "-CAkey",
      at("ca.key"),
      "-CAcreateserial",
      "-days",
      "1",
      "-extfile",
      at("leaf.ext"),
      "-out",
      at("cert.pem"),
    ],
  ];
  for (const args of steps) {
    const { success, stderr } = await new Deno.Command("openssl", {
      args,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!success) {
      throw new Error(`openssl could not make a certificate: ${new TextDecoder().decode(stderr)}`);
    }
  }
  return await Deno.readTextFile(at("ca.pem"));
}

/**
 * A temp folder holding what the load expects (`SOAK_FILES`), and with `hostileFile` the 64 MiB
 * file the hostile readers fetch; the caller removes it (the child server's `stop` does).
 */
export async function makeFixture(hostileFile = false): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-soak-" });
  for (let i = 0; i < SOAK_FILES.smallCount; i++) {
    await Deno.writeTextFile(join(dir, `s${i}.txt`), `${i}`.repeat(SOAK_FILES.smallBytes / 2));
  }
  const large = new Uint8Array(SOAK_FILES.largeBytes);
  for (let i = 0; i < large.length; i += 4096) large[i] = i & 0xff;
  await Deno.writeFile(join(dir, "large.bin"), large);
  if (hostileFile) {
    const file = await Deno.open(join(dir, HOSTILE_FILE.name), { write: true, create: true });
    for (let at = 0; at < HOSTILE_FILE.bytes; at += large.length) await file.write(large);
    file.close();
  }
  await Deno.mkdir(join(dir, "up"));
  return dir;
}
