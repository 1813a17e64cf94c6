/**
 * Test support for the file routes: a temp tree with hostile names, a sentinel planted OUTSIDE
 * the shared root, symlinks pointing in and out, precompressed siblings and a web root; the real
 * server over it; and a curl runner (loopback only).
 * @module
 */

import { type AppServer, startApp } from "../support/app_server.ts";
import { type AppConfig, appConfig } from "../../src/app/app_config.ts";
import { gzipSync } from "node:zlib";
import { brotliCompressSync } from "node:zlib";

/** The secret that must never leave the server. */
export const SENTINEL = "SENTINEL-7f3a9c-outside-the-root";

/** Names that break naive escaping, each holding `content of <name>`. */
export const HOSTILE_NAMES = [
  "a b.txt",
  'q"uote.txt',
  "it's.txt",
  "%20.txt",
  "100%.txt",
  "😀 emoji.txt",
  "h#sh.txt",
  "q?mark.txt",
  "<tag>&amp.txt",
  "a:b.txt",
  "new\nline.txt",
];

/** A compressible text well above the compression threshold. */
export const TEXT = "All work and no play makes Jack a dull boy.\n".repeat(200);
/** The JavaScript file that has precompressed siblings. */
export const APP_JS = "console.log('hello from app.js');\n".repeat(100);

/** Paths of a built tree. */
export interface Tree {
  base: string;
  root: string;
  www: string;
  outside: string;
}

/** Builds the tree in a fresh temp folder. */
export async function makeTree(): Promise<Tree> {
  const base = await Deno.makeTempDir({ prefix: "wireserve-files-" });
  const root = `${base}/root`;
  const www = `${base}/www`;
  const outside = `${base}/outside`;
  for (const d of [root, www, outside, `${root}/sub`, `${root}/.hidden`, `${www}/about`]) {
    await Deno.mkdir(d, { recursive: true });
  }
  const write = (path: string, text: string) => Deno.writeTextFile(path, text);
  await write(`${outside}/sentinel.txt`, SENTINEL);
  await write(`${outside}/index.html`, SENTINEL);
  await write(`${root}/hello.txt`, "hello world\n");
  await write(`${root}/text.txt`, TEXT);
  await write(`${root}/data.unknownext`, "opaque");
  await write(`${root}/sub/nested.txt`, "nested\n");
  await write(`${root}/.env`, "SECRET=dotfile\n");
  await write(`${root}/.hidden/secret.txt`, "hidden\n");
  for (const name of HOSTILE_NAMES) await write(`${root}/${name}`, `content of ${name}`);
  await write(`${root}/app.js`, APP_JS);
  await Deno.writeFile(`${root}/app.js.gz`, gzipSync(new TextEncoder().encode(APP_JS)));
  await Deno.writeFile(`${root}/app.js.br`, brotliCompressSync(new TextEncoder().encode(APP_JS)));
  await Deno.symlink("hello.txt", `${root}/link-in.txt`);
  await Deno.symlink("sub", `${root}/link-sub`);
  await Deno.symlink("../outside/sentinel.txt", `${root}/link-out.txt`);
  await Deno.symlink("../outside", `${root}/link-out-dir`);
  await Deno.symlink(`${outside}/sentinel.txt`, `${root}/link-abs.txt`);
  await Deno.symlink(".hidden", `${root}/link-dot`);
  await Deno.symlink("missing-target", `${root}/link-broken`);
  await write(`${www}/index.html`, "<h1>home</h1>");
  await write(`${www}/404.html`, "<h1>custom 404</h1>");
  await write(`${www}/about/index.html`, "<h1>about</h1>");
  await write(`${www}/style.css`, "body{}");
  await Deno.symlink("../outside/sentinel.txt", `${www}/out.html`);
  await Deno.symlink("../outside", `${www}/outdir`);
  return { base, root, www, outside };
}

/** A server over a fresh tree with `overrides`; `close()` stops it and removes the tree. */
export interface FilesServer {
  tree: Tree;
  srv: AppServer;
  port: number;
  url(path: string): string;
  close(): Promise<void>;
}

/** Starts the real app over a fresh tree. */
export async function startFilesServer(overrides: Partial<AppConfig> = {}): Promise<FilesServer> {
  const tree = await makeTree();
  const srv = await startApp(appConfig({
    directory: tree.root,
    www: tree.www,
    statCacheMs: 0,
    ...overrides,
  }));
  return {
    tree,
    srv,
    port: srv.port,
    url: (path) => `http://127.0.0.1:${srv.port}${path}`,
    async close() {
      await srv.close();
      await Deno.remove(tree.base, { recursive: true });
    },
  };
}

/** What curl got. */
export interface CurlResult {
  status: number;
  headers: Map<string, string>;
  body: Uint8Array;
}

/** Runs curl (loopback only, bounded in time) and parses the last response head it printed. */
export async function curl(args: string[]): Promise<CurlResult> {
  const out = await new Deno.Command("curl", {
    args: ["-s", "-S", "--max-time", "20", "--path-as-is", "-D", "/dev/stderr", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const head = new TextDecoder().decode(out.stderr);
  const blocks = head.split("\r\n\r\n").filter((b) => b.startsWith("HTTP/"));
  const last = blocks[blocks.length - 1] ?? "";
  const lines = last.split("\r\n");
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    if (i > 0) headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  return { status: Number(lines[0]?.split(" ")[1] ?? 0), headers, body: out.stdout };
}

/** UTF-8 text of bytes. */
export function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
