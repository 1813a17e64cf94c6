/**
 * tus-js-client's browser build in Chromium, on a page of another origin than the server
 * (`--cors`): what a web app on its own domain does. A browser hides every response field the
 * server does not expose, so without `Upload-Offset` in `Access-Control-Expose-Headers` every
 * upload failed after its first PATCH ("invalid or missing offset value"). Run by
 * `browser_cors_test.ts` in a child `deno test -A` (playwright-core needs it; see
 * tests/e2e/ui_test.ts).
 */

import { createRequire } from "node:module";
import { appConfig } from "../../src/app/app_config.ts";
import { createApp } from "../../src/app/routes.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { startServer } from "../support/server.ts";
import { browserAvailable, withUi } from "../e2e/browser.ts";

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, ignore: !browserAvailable, fn });

const SIZE = 250_000;
const CHUNK = 100_000;
const TUS_BUNDLE = createRequire(import.meta.url).resolve("tus-js-client/dist/tus.min.js");

interface Outcome {
  ok: boolean;
  error?: string;
  offsets: Array<string | null>;
}

/**
 * Runs `fn` with a second server, on another port (so another origin), whose `--www` page loads
 * tus-js-client's browser build: the web app that uploads to the first server.
 */
async function withAppOrigin(fn: (origin: string) => Promise<void>): Promise<void> {
  const base = await Deno.makeTempDir({ prefix: "wireserve-app-origin-" });
  await Deno.mkdir(`${base}/www`);
  await Deno.copyFile(TUS_BUNDLE, `${base}/www/tus.min.js`);
  await Deno.writeTextFile(
    `${base}/www/index.html`,
    '<!doctype html><title>app</title><script src="tus.min.js"></script>',
  );
  const server = startServer(createApp(appConfig({ directory: base, www: `${base}/www` })));
  try {
    await fn(`http://127.0.0.1:${server.port}`);
  } finally {
    await server.close();
    await Deno.remove(base, { recursive: true });
  }
}

const CASES = [
  ["tus-v1", {}],
  ["ietf-draft-05", {}],
  ["tus-v1", { overridePatchMethod: true }],
] as const;

for (const [protocol, extra] of CASES) {
  const label = protocol + ("overridePatchMethod" in extra ? " with overridePatchMethod" : "");
  test(`tus-js-client in a browser uploads cross-origin under --cors (${label})`, async () => {
    await withUi({ cors: true }, async () => {}, (s) =>
      withAppOrigin(async (appOrigin) => {
        await s.page.goto(`${appOrigin}/`);
        const outcome: Outcome = await s.page.evaluate(
          ([endpoint, protocol, extra, size, chunk]) =>
            new Promise((resolve) => {
              const offsets: Array<string | null> = [];
              // deno-lint-ignore no-explicit-any
              const tus = (globalThis as any).tus;
              const bytes = new Uint8Array(size as number).map((_, i) => i % 251);
              const upload = new tus.Upload(new Blob([bytes]), {
                endpoint,
                protocol,
                chunkSize: chunk,
                retryDelays: null,
                metadata: { filename: "cross.bin" },
                // deno-lint-ignore no-explicit-any
                onAfterResponse: (_req: any, res: any) =>
                  offsets.push(res.getHeader("Upload-Offset")),
                onError: (e: Error) => resolve({ ok: false, error: String(e), offsets }),
                onSuccess: () => resolve({ ok: true, offsets }),
                ...(extra as object),
              });
              upload.start();
            }),
          [`${s.origin}/files/`, protocol, extra, SIZE, CHUNK] as const,
        );
        assert(outcome.ok, JSON.stringify(outcome));
        assertEquals(outcome.offsets.at(-1), String(SIZE));
        const stored = await Deno.readFile(`${s.dir}/cross.bin`);
        assertEquals(stored.length, SIZE);
        assert(stored.every((b, i) => b === i % 251));
      }));
  });
}
