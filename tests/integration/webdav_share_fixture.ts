/**
 * Test support for WebDAV over the wire: the app on port 0 over a fresh share, and one request
 * with its status, text and fields.
 * @module
 */

import { appConfig } from "../../src/app/app_config.ts";
import { type AppServer, startApp } from "../support/app_server.ts";

/** Runs `fn` against the app over a fresh share with `overrides`. */
export async function withShare(
  overrides: Partial<Parameters<typeof appConfig>[0]>,
  fn: (s: AppServer, root: string, base: string) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "wireserve-dav-share-" });
  const s = await startApp(appConfig({ directory: root, ...overrides }));
  try {
    await fn(s, root, `http://127.0.0.1:${s.port}`);
  } finally {
    await s.close();
    await Deno.remove(root, { recursive: true });
  }
}

/** Sends `method` with `headers` and `body`, and returns the status, the text and the fields. */
export async function dav(
  url: string,
  method: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(url, { method, headers, body });
  return { status: res.status, text: await res.text(), headers: res.headers };
}
