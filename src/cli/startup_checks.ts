/**
 * What must hold on disk before wireserve starts: the shared folder and the --www folder exist
 * and are folders, `--resumable-dir` does not lie inside the shared folder by its real path and is
 * a folder (made, as the uploads would make it, when missing and not `--read-only`), without it
 * no file stands at the default state folder's place, the TLS certificate and key can be read, look like PEM, and the key is not encrypted. Each failure
 * is one line naming the option, and exit code 1 (the command line was fine; the machine is not).
 *
 * This module reads the disk (and makes only the `--resumable-dir` folder); it must not start
 * anything or exit.
 * @module
 */

import { FileTooLarge, readSmallText } from "./read_small_text.ts";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { join } from "node:path";
import { realPathOr, realSegmentsInside } from "../app/real_path_inside.ts";
import { STATE_FOLDER_MODE, STATE_FOLDER_NAME } from "../app/state_folder.ts";
import type { RawValue } from "./args.ts";
import type { Config } from "./config.ts";
import { quoted } from "./shown_path.ts";

/** The PEM texts read for `--tls-cert` and `--tls-key`. */
export interface TlsFiles {
  cert: string;
  key: string;
}

/**
 * The shared folder and `--www` by their real paths (symlinks resolved): what the warnings compare,
 * since a link can make two spellings one folder.
 */
export interface RealFolders {
  directory: string;
  www: string | null;
}

/**
 * Everything checked, with the TLS files read and the folders' real paths; or the line explaining
 * what is wrong.
 */
export type StartupCheck =
  | { ok: true; tls: TlsFiles | null; realFolders: RealFolders }
  | { ok: false; message: string };

/** RFC 7468 labels: a certificate file must hold a certificate, a key file a private key. */
const PEM_CERT = /-----BEGIN CERTIFICATE-----/;
const PEM_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;
/**
 * A key that needs a passphrase: PKCS #8's `ENCRYPTED PRIVATE KEY` (RFC 5958 §3) or OpenSSL's
 * traditional PEM with `Proc-Type: 4,ENCRYPTED` (RFC 1421 §4.6.1.1). The TLS layer cannot use it
 * and says only "No keys found in key data".
 */
const PEM_ENCRYPTED_KEY =
  /-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type:[ \t]*4,[ \t]*ENCRYPTED/m;

/** Checks `config` against the disk; `sources` name the options in messages. */
export async function checkStartup(
  config: Config,
  sources: ReadonlyMap<string, RawValue>,
): Promise<StartupCheck> {
  const name = (option: string) => sources.get(option)?.source ?? `--${option}`;
  const folder = await checkFolder(config.app.directory);
  if (folder !== null) return fail(`${name("directory")}: ${q(config.app.directory)} ${folder}`);
  if (config.app.www !== null) {
    const www = await checkFolder(config.app.www);
    if (www !== null) return fail(`${name("www")}: ${q(config.app.www)} ${www}`);
  }
  const state = config.app.resumableDir;
  // refuse: a state folder the shared folder reaches would be served and listed like any folder,
  // partial uploads and their records included (the CLI refused the spellings inside already)
  if (state !== null && await realSegmentsInside(state, config.app.directory) !== null) {
    return fail(
      `${name("resumable-dir")}: ${q(state)} is inside the shared folder by its real path ` +
        `(a symlink on the way leads there); expected a folder outside it`,
    );
  }
  if (state !== null) {
    const made = await checkStateFolder(state, config.app.readOnly);
    if (made !== null) return fail(`${name("resumable-dir")}: ${q(state)} ${made}`);
  } else if (!config.app.readOnly) {
    // the default place is made at the first resumable creation; a file already standing there
    // would turn every creation into a 500, so it is named now (nothing is made here)
    const reserved = join(config.app.directory, STATE_FOLDER_NAME);
    if (await standsAsNonFolder(reserved)) {
      return fail(
        `${name("directory")}: ${q(reserved)} is not a folder (a file or a link stands there); ` +
          `resumable uploads keep their state there: move it away, or name another place with ` +
          `--resumable-dir`,
      );
    }
  }
  // Both exist (checked above), so they resolve; realPathOr only guards a race with a removal.
  const realFolders = {
    directory: realPathOr(config.app.directory),
    www: config.app.www === null ? null : realPathOr(config.app.www),
  };
  if (config.tls === null) return { ok: true, tls: null, realFolders };
  const cert = await readPem(config.tls.certFile, PEM_CERT, "a PEM certificate");
  if (typeof cert !== "string") return fail(`${name("tls-cert")}: ${cert.problem}`);
  const key = await readPem(config.tls.keyFile, PEM_KEY, "a PEM private key");
  if (typeof key !== "string") return fail(`${name("tls-key")}: ${key.problem}`);
  // refuse: wireserve asks for no passphrase, and the TLS layer's own error does not say why
  if (PEM_ENCRYPTED_KEY.test(key)) {
    return fail(
      `${name("tls-key")}: ${q(config.tls.keyFile)} is encrypted; give an unencrypted key ` +
        `(openssl pkey -in ${q(config.tls.keyFile)} -out plain.pem)`,
    );
  }
  if (keyMatches(cert, key) === false) {
    return fail(
      `${name("tls-key")}: ${q(config.tls.keyFile)} is not the private key of the certificate in ` +
        `${name("tls-cert")} ${q(config.tls.certFile)} (pass the key the certificate was made for)`,
    );
  }
  return { ok: true, tls: { cert, key }, realFolders };
}

/**
 * Whether the key belongs to the (first) certificate; null when either cannot be parsed here, and
 * the TLS layer's own error at listen time is then the answer. Checked before listening because
 * the TLS layer names a mismatch only as "KeyMismatch".
 */
export function keyMatches(certPem: string, keyPem: string): boolean | null {
  let cert: X509Certificate;
  let key: ReturnType<typeof createPrivateKey>;
  try {
    cert = new X509Certificate(certPem);
    key = createPrivateKey(keyPem);
  } catch {
    return null;
  }
  try {
    return cert.checkPrivateKey(key);
  } catch {
    return false; // a key of another type (EC against RSA) cannot match
  }
}

function fail(message: string): StartupCheck {
  return { ok: false, message };
}

/**
 * Null when `path` is a folder this process can list, else what is wrong with it. A folder it
 * cannot list started a server that answered every request 403 and printed the stack traces of
 * its background tasks: it is one line and exit 1, as a missing folder is.
 */
async function checkFolder(path: string): Promise<string | null> {
  try {
    const info = await Deno.stat(path);
    if (!info.isDirectory) return "is not a folder";
    for await (const _ of Deno.readDir(path)) break;
    return null;
  } catch (err) {
    return problem(err);
  }
}

/**
 * Null when the `--resumable-dir` folder exists or could be made, else what is wrong with it.
 * Checked at start because the uploads make it only at their first creation, and a file or an
 * impossible path there would turn every creation into a 500 instead of refusing to start. Made
 * with its parents and mode 0700, as the uploads make it (`prepareStateFolder`); not made with
 * `--read-only`, which writes nothing and creates no upload.
 */
async function checkStateFolder(path: string, readOnly: boolean): Promise<string | null> {
  try {
    return (await Deno.stat(path)).isDirectory ? null : "is not a folder";
  } catch (err) {
    // a file on the way (`afile/state`) is found by mkdir below and named there
    if (!(err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory)) {
      return problem(err);
    }
  }
  if (readOnly) return null;
  try {
    await Deno.mkdir(path, { recursive: true, mode: STATE_FOLDER_MODE });
    return null;
  } catch (err) {
    if (err instanceof Deno.errors.PermissionDenied) return "cannot be made (permission denied)";
    if (err instanceof Deno.errors.NotADirectory || err instanceof Deno.errors.AlreadyExists) {
      return "cannot be made (a file stands on the way)";
    }
    // The system's reason without its "mkdir '<path>'" tail: the line names the path already.
    const reason = err instanceof Error ? err.message.replace(/: mkdir '.*'$/s, "") : String(err);
    return `cannot be made (${reason})`;
  }
}

async function readPem(
  path: string,
  label: RegExp,
  what: string,
): Promise<string | { problem: string }> {
  let text: string;
  try {
    // A byte order mark before the PEM (Windows Notepad writes one) is no part of it: the TLS
    // layer found "no certificates" in such a file.
    text = (await readSmallText(path)).replace(/^\uFEFF/, "");
  } catch (err) {
    return { problem: `${q(path)} ${problem(err)}` };
  }
  return label.test(text) ? text : { problem: `${q(path)} does not contain ${what}` };
}

/**
 * Whether something other than a real folder stands at `path`: a file, or a symbolic link (to a
 * folder or not, dangling or not), which the uploads never use as their state folder
 * (`src/app/state_folder.ts`: a link could lead their writes out of the share).
 */
async function standsAsNonFolder(path: string): Promise<boolean> {
  try {
    const info = await Deno.lstat(path);
    return !info.isDirectory || info.isSymlink;
  } catch {
    return false; // nothing there (made at the first upload), or not to be looked at
  }
}

function q(path: string): string {
  return quoted(path);
}

function problem(err: unknown): string {
  if (err instanceof FileTooLarge) return `is ${err.message}: not a certificate or key`;
  if (err instanceof Deno.errors.NotFound) return "does not exist";
  if (err instanceof Deno.errors.PermissionDenied) return "cannot be read (permission denied)";
  if (err instanceof Deno.errors.IsADirectory) return "is a folder, not a file";
  return `cannot be read: ${err instanceof Error ? err.message : String(err)}`;
}
