/**
 * Out of file descriptors without sockets: the predicate (against Deno's real EMFILE too), the
 * 503 wrapper, and each place a request opens, reads or lists something — a file, a listing, a
 * search, a zip, an upload's temp file, a PROPFIND — answers 503 with Retry-After instead of
 * 404/500/an empty folder, and leaves the file cache alone. The failing calls are Deno's own,
 * replaced for the time of one request by ones that throw what Deno throws (probed: a plain
 * `Error` with `code: "EMFILE"`); tests/integration/out_of_descriptors_test.ts runs the real thing.
 */

import { appConfig } from "../../src/app/app_config.ts";
import {
  isOutOfDescriptors,
  OUT_OF_DESCRIPTORS_RETRY_AFTER_SECONDS,
  withOutOfDescriptors,
} from "../../src/app/out_of_descriptors.ts";
import { createApp } from "../../src/app/routes.ts";
import { SMALL_FILE_MAX_BYTES } from "../../src/files/file_facts.ts";
import type { Handler, HttpResponse } from "../../src/http/types.ts";
import { storageFailure } from "../../src/uploads/upload_context.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { bodyText, buildRequest, header } from "../support/request_builder.ts";
import { plainServedRoot } from "./served_root_fixture.ts";

const SUBSTANTIAL_TTL_MS = 60_000;
const BIG = new Uint8Array(SMALL_FILE_MAX_BYTES + 1).fill(0x61);
const RETRY_AFTER = `${OUT_OF_DESCRIPTORS_RETRY_AFTER_SECONDS}`;

/** What Deno 2.9 throws when the process has no descriptor left. */
function emfile(what: string): Error {
  return Object.assign(new Error(`Too many open files (os error 24): ${what}`), {
    code: "EMFILE",
  });
}

type Failing = "open" | "readFile" | "readTextFile" | "readDir" | "readDirSync";

/** Runs `fn` with the named Deno calls failing as they do out of descriptors. */
async function withoutDescriptors<T>(names: Failing[], fn: () => Promise<T>): Promise<T> {
  const deno = Deno as unknown as Record<string, unknown>;
  const saved = names.map((n) => [n, deno[n]] as const);
  for (const n of names) {
    deno[n] = n === "readDirSync"
      ? () => {
        throw emfile("readdir");
      }
      : n === "readDir"
      ? () => ({
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(emfile("readdir")) }),
      })
      : () => Promise.reject(emfile(n));
  }
  try {
    return await fn();
  } finally {
    for (const [n, f] of saved) deno[n] = f;
  }
}

async function withTree(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-fd-" }));
  try {
    await Deno.mkdir(`${root}/sub`);
    await Deno.writeTextFile(`${root}/small.txt`, "small");
    await Deno.writeTextFile(`${root}/sub/inner.txt`, "inner");
    await Deno.writeFile(`${root}/big.bin`, BIG);
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

function app(root: string): Handler {
  return createApp(appConfig({ directory: root, statCacheMs: SUBSTANTIAL_TTL_MS }));
}

/** The answer, its body drained (a file body is closed) so no resource leaks. */
async function ask(handler: Handler, spec: Parameters<typeof buildRequest>[0]) {
  const res = await handler(buildRequest(spec));
  const body = res.body;
  if (body !== undefined && body !== null && typeof body === "object" && "kind" in body) {
    if (body.kind === "file") body.file.close();
    if (body.kind === "stream") { for await (const _ of body.stream); }
  }
  return res;
}

function assertBusy(res: HttpResponse, what: string): void {
  assertEquals(res.status, 503, `${what}: status`);
  assertEquals(header(res, "retry-after"), RETRY_AFTER, `${what}: Retry-After`);
}

Deno.test("isOutOfDescriptors is true for EMFILE and ENFILE and false for every other failure", async () => {
  assertEquals(isOutOfDescriptors(emfile("open '/x'")), true);
  assertEquals(
    isOutOfDescriptors(Object.assign(new Error("table full"), { code: "ENFILE" })),
    true,
  );
  const notFound = await Deno.open("/nonexistent/wireserve").catch((e) => e);
  assertEquals(isOutOfDescriptors(notFound), false);
  assertEquals(isOutOfDescriptors(new Deno.errors.PermissionDenied("no")), false);
  assertEquals(isOutOfDescriptors(Object.assign(new Error("full"), { code: "ENOSPC" })), false);
  assertEquals(isOutOfDescriptors(new Error("EMFILE")), false); // the code decides, not the text
  assertEquals(isOutOfDescriptors(null), false);
  assertEquals(isOutOfDescriptors("EMFILE"), false);
});

Deno.test("isOutOfDescriptors knows what Deno throws when the process runs out of descriptors", async () => {
  // A child under a small limit opens files until it cannot, and judges the error it got.
  const module = new URL("../../src/app/out_of_descriptors.ts", import.meta.url).href;
  const script = `import { isOutOfDescriptors } from "${module}";
    const held = [];
    let verdict = "never failed";
    for (let i = 0; i < 1000; i++) {
      try { held.push(Deno.openSync("/dev/null")); }
      catch (e) { verdict = e.code + " " + isOutOfDescriptors(e); break; }
    }
    console.log(verdict);`;
  const out = await new Deno.Command("/bin/sh", {
    args: ["-c", `ulimit -n 64 && exec "$0" eval "$1"`, Deno.execPath(), script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  assertEquals(text, "EMFILE true", new TextDecoder().decode(out.stderr));
});

Deno.test("withOutOfDescriptors answers 503 with Retry-After for a thrown or rejected EMFILE only", async () => {
  const ok: HttpResponse = { status: 200 };
  const sync = withOutOfDescriptors(() => ok)(buildRequest());
  assert(!(sync instanceof Promise), "a synchronous answer stays synchronous");
  assertBusy(
    await withOutOfDescriptors(() => {
      throw emfile("open");
    })(buildRequest()),
    "thrown",
  );
  assertBusy(
    await withOutOfDescriptors(() => Promise.reject(emfile("open")))(buildRequest()),
    "rejected",
  );
  const bug = new Error("bug");
  const passed = await Promise.resolve(
    withOutOfDescriptors(() => Promise.reject(bug))(buildRequest()),
  )
    .catch((e) => e);
  assertEquals(passed, bug);
});

Deno.test("a large file that cannot be opened for want of descriptors answers 503, and the cache keeps it", async () => {
  await withTree(async (root) => {
    const served = plainServedRoot(root, SUBSTANTIAL_TTL_MS);
    const fsPath = `${root}/big.bin`;
    const facts = await served.lookup(fsPath);
    assert(facts.kind === "file" && facts.bytes === null, "a large file is opened per request");
    const failure = await withoutDescriptors(["open"], async () => {
      try {
        return await served.serve(buildRequest(), fsPath, facts);
      } catch (err) {
        return err;
      }
    });
    assert(isOutOfDescriptors(failure), `not a 404 but the EMFILE, for the 503: ${failure}`);
    assert(!(served.lookup(fsPath) instanceof Promise), "the cache still knows the file");
  });
});

Deno.test("GET of a file answers 503 out of descriptors, never 404, and 200 once they are back", async () => {
  await withTree(async (root) => {
    const handler = app(root);
    // big.bin is opened per request; small.txt is read into the cache on its first request.
    assertEquals((await ask(handler, { target: "/files/big.bin" })).status, 200);
    await withoutDescriptors(["open", "readFile"], async () => {
      assertBusy(await ask(handler, { target: "/files/big.bin" }), "large file");
      assertBusy(await ask(handler, { target: "/files/small.txt" }), "small file, first read");
      assertBusy(
        await ask(handler, {
          target: "/files/big.bin",
          headers: [["Host", "t"], ["Range", "bytes=0-9"]],
        }),
        "range",
      );
    });
    // Nothing was remembered as missing (the stat cache trusts its entries for a minute).
    assertEquals((await ask(handler, { target: "/files/big.bin" })).status, 200);
    assertEquals((await ask(handler, { target: "/files/small.txt" })).status, 200);
  });
});

Deno.test("a listing, a search and a zip answer 503 when the folder cannot be read for want of descriptors", async () => {
  await withTree(async (root) => {
    const handler = app(root);
    await withoutDescriptors(["readDir"], async () => {
      assertBusy(await ask(handler, { target: "/files/sub/" }), "listing");
      assertBusy(await ask(handler, { target: "/files/?q=inner" }), "search");
      assertBusy(await ask(handler, { target: "/files/sub/?zip" }), "zip");
    });
    assertEquals((await ask(handler, { target: "/files/sub/" })).status, 200);
  });
});

Deno.test("storageFailure answers 503 with Retry-After when out of descriptors", () => {
  const res = storageFailure(emfile("open '/srv/x'"));
  assert(res !== null, "out of descriptors is a known storage failure");
  assertBusy(res, "storageFailure");
});

Deno.test("an upload whose temp file cannot be created for want of descriptors answers 503 and closes", async () => {
  await withTree(async (root) => {
    const handler = app(root);
    const body = "new content";
    const put = await withoutDescriptors(["open"], () =>
      ask(handler, {
        method: "PUT",
        target: "/files/new.txt",
        headers: [["Host", "t"], ["Content-Length", `${body.length}`]],
        body,
      }));
    assertBusy(put, "PUT");
    assertEquals(put.close, true, "the unread body is not drained");
    const boundary = "b0undary";
    const form = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.txt"` +
      `\r\n\r\n${body}\r\n--${boundary}--\r\n`;
    const post = await withoutDescriptors(["open"], () =>
      ask(handler, {
        method: "POST",
        target: "/files/",
        headers: [
          ["Host", "t"],
          ["Content-Type", `multipart/form-data; boundary=${boundary}`],
          ["Content-Length", `${form.length}`],
        ],
        body: form,
      }));
    assertBusy(post, "multipart POST");
    // Nothing was left behind: no file, no temp file.
    const names = (await Array.fromAsync(Deno.readDir(root))).map((e) => e.name).sort();
    assertEquals(names, ["big.bin", "small.txt", "sub"]);
  });
});

Deno.test("PROPFIND Depth 1 answers 503, not an empty folder, when the folder cannot be read", async () => {
  await withTree(async (root) => {
    const handler = app(root);
    const res = await withoutDescriptors(
      ["readDirSync", "readDir"],
      () =>
        ask(handler, {
          method: "PROPFIND",
          target: "/files/sub/",
          headers: [["Host", "t"], ["Depth", "1"]],
        }),
    );
    assertBusy(res, "PROPFIND");
    const ok = await ask(handler, {
      method: "PROPFIND",
      target: "/files/sub/",
      headers: [["Host", "t"], ["Depth", "1"]],
    });
    assertEquals(ok.status, 207);
  });
});

Deno.test("a template listing a folder answers 503, not a page without it, when the folder cannot be read", async () => {
  await withTree(async (root) => {
    const www = `${root}/www`;
    await Deno.mkdir(`${www}/posts`, { recursive: true });
    await Deno.writeTextFile(`${www}/posts/a.md`, "---\ntitle: First\n---\n");
    await Deno.writeTextFile(`${www}/index.html`, '${for p in folder("/posts")}[${p.title}]${end}');
    const handler = createApp(appConfig({ directory: root, www, templates: true }));
    // The first render happens short of descriptors (a rendered page is reused for a while).
    const res = await withoutDescriptors(["readDir"], () => ask(handler, { target: "/" }));
    assertBusy(res, "template");
    const page = await ask(handler, { target: "/" });
    assertEquals([page.status, await bodyText(page.body)], [200, "[First]"]);
  });
});
