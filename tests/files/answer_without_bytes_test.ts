/**
 * A file too large to be held in memory is opened only for an answer that sends its bytes: 304,
 * 412, 416 and a HEAD's 200 are decided from its cached facts, as a small file's are (a 304 of a
 * 300 KB file ran at 0.27× nginx for its open and stats).
 */

import { SMALL_FILE_MAX_BYTES } from "../../src/files/file_facts.ts";
import type { HttpResponse } from "../../src/http/types.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { buildRequest, header } from "../support/request_builder.ts";
import { plainServedRoot } from "./served_root_fixture.ts";

const TTL_MS = 60_000;
const SIZE = SMALL_FILE_MAX_BYTES + 1000;

/** Runs `fn` over a served root holding `big.bin`, too large to be held in memory; counts opens. */
async function withBigFile(
  fn: (
    ask: (headers: Array<[string, string]>, method?: string) => Promise<HttpResponse>,
  ) => Promise<void>,
): Promise<{ opens: number }> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wireserve-nobytes-" }));
  const counted = { opens: 0 };
  const open = Deno.open;
  try {
    await Deno.writeFile(`${root}/big.bin`, new Uint8Array(SIZE).fill(0x61));
    const served = plainServedRoot(root, TTL_MS);
    const fsPath = `${root}/big.bin`;
    const facts = await served.lookup(fsPath);
    assert(facts.kind === "file" && facts.bytes === null, "a large file is not held in memory");
    (Deno as { open: typeof Deno.open }).open = (path, options) => {
      counted.opens++;
      return open(path, options);
    };
    await fn(async (headers, method = "GET") => {
      const res = await served.serve(
        buildRequest({ method, headers: [["Host", "t"], ...headers] }),
        fsPath,
        facts,
      );
      const body = res.body;
      if (body !== undefined && body !== null && typeof body === "object" && "kind" in body) {
        if (body.kind === "file") body.file.close();
      }
      return res;
    });
  } finally {
    (Deno as { open: typeof Deno.open }).open = open;
    await Deno.remove(root, { recursive: true });
  }
  return counted;
}

Deno.test("a large file's 304, 412, 416 and HEAD are answered without opening it", async () => {
  let etag = "";
  const first = await withBigFile(async (ask) => {
    const full = await ask([]);
    assertEquals(full.status, 200);
    etag = header(full, "etag")!;
  });
  assertEquals(first.opens, 1, "a GET of the body opens the file");

  const counted = await withBigFile(async (ask) => {
    const tag = header(await ask([], "HEAD"), "etag")!;
    assertEquals((await ask([["If-None-Match", tag]])).status, 304);
    assertEquals((await ask([["If-Match", '"other"']])).status, 412);
    const unsatisfiable = await ask([["Range", `bytes=${SIZE}-`]]);
    assertEquals(unsatisfiable.status, 416);
    assertEquals(header(unsatisfiable, "content-range"), `bytes */${SIZE}`);
    const head = await ask([], "HEAD");
    assertEquals([head.status, head.contentLength], [200, SIZE]);
    assertEquals(header(head, "etag"), tag);
  });
  assertEquals(counted.opens, 0, "none of those opened the file");
  assert(etag !== "");
});

Deno.test("a large file's body, range and HEAD of a range still open it", async () => {
  const counted = await withBigFile(async (ask) => {
    const range = await ask([["Range", "bytes=0-9"]]);
    assertEquals(range.status, 206);
    const headRange = await ask([["Range", "bytes=0-9"]], "HEAD");
    assertEquals(headRange.status, 206);
    // A failed If-Range sends the whole file.
    assertEquals((await ask([["Range", "bytes=0-9"], ["If-Range", '"other"']])).status, 200);
  });
  assertEquals(counted.opens, 3);
});
