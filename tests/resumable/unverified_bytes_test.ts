/**
 * The bytes of a checksummed append (tus `Upload-Checksum`, the draft's `Content-Digest`) count
 * only once verified, even across a crash: the record marks where they begin before the first is
 * written (`UploadRecord.unverifiedFrom`), the mark goes once they are verified or cut, and a mark
 * a crash left behind is acted on by whoever holds the upload next — a HEAD (tus and draft), the
 * next PATCH, the sweep at start — which cuts the data file back to it. Before, a server killed
 * mid-PATCH came back with the unverified bytes in the offset. Here the crash's state is written
 * by hand; `tests/integration/resumable_crash_test.ts` kills a real server.
 */

import { join } from "node:path";
import { assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";
import { StoreSweep } from "../../src/resumable/store_sweep.ts";
import { UploadStore } from "../../src/resumable/upload_store.ts";
import { encodeRecord, newUploadId } from "../../src/resumable/upload_record.ts";
import { UploadUsage } from "../../src/resumable/upload_usage.ts";
import {
  exchange,
  headOf,
  newRecord,
  rawRequest,
  sha256Base64,
  tusCreateRaw,
  withUploadServer,
} from "./resumable_fixture.ts";

const OCTETS = "application/offset+octet-stream";
const HOUR_MS = 60 * 60 * 1000;

function idOf(location: string): string {
  return location.slice(location.lastIndexOf("/") + 1);
}

async function readRecord(dir: string, id: string) {
  return JSON.parse(await Deno.readTextFile(join(dir, `${id}.json`)));
}

/** Leaves upload `id` as a server killed mid-append leaves it: `junk` past a mark at the end. */
async function crashMidAppend(dir: string, id: string, junk: string): Promise<number> {
  const from = (await Deno.stat(join(dir, `${id}.part`))).size;
  await Deno.writeTextFile(join(dir, `${id}.part`), junk, { append: true });
  const record = await readRecord(dir, id);
  await Deno.writeTextFile(
    join(dir, `${id}.json`),
    JSON.stringify({ ...record, unverifiedFrom: from }),
  );
  return from;
}

async function tusPatch(
  port: number,
  location: string,
  offset: number,
  body: string,
  checked = true,
) {
  const fields: Record<string, string> = {
    "Tus-Resumable": "1.0.0",
    "Content-Type": OCTETS,
    "Upload-Offset": String(offset),
  };
  if (checked) fields["Upload-Checksum"] = `sha256 ${sha256Base64(body)}`;
  const [res] = await exchange(port, rawRequest("PATCH", location, fields, body));
  return res;
}

Deno.test("tus: a checksummed PATCH marks its bytes unverified while it runs, and clears the mark", async () => {
  await withUploadServer({}, async (s) => {
    const dir = `${s.root}/.wireserve-uploads`;
    const location = await tusCreateRaw(s.port, "m.bin", 10);
    const id = idOf(location);
    assertEquals((await tusPatch(s.port, location, 0, "abc")).status, 204);
    assertEquals((await readRecord(dir, id)).unverifiedFrom, null);

    // Mid-body: the mark is on disk before the bytes.
    const body = "defg";
    const client = await RawClient.connect(s.port);
    try {
      await client.send(
        `PATCH ${location} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n` +
          `Content-Type: ${OCTETS}\r\nUpload-Offset: 3\r\nUpload-Checksum: sha256 ${
            sha256Base64(body)
          }\r\n` +
          `Content-Length: ${body.length}\r\nConnection: close\r\n\r\nde`,
      );
      let marked = null;
      for (let i = 0; i < 100 && marked === null; i++) {
        await new Promise((r) => setTimeout(r, 10));
        marked = (await readRecord(dir, id)).unverifiedFrom;
      }
      assertEquals(marked, 3);
      await client.send("fg");
      assertEquals((await client.readResponse())!.status, 204);
    } finally {
      client.close();
    }
    assertEquals((await readRecord(dir, id)).unverifiedFrom, null);

    // A mismatch cuts the bytes and the mark.
    assertEquals(
      (await exchange(
        s.port,
        rawRequest("PATCH", location, {
          "Tus-Resumable": "1.0.0",
          "Content-Type": OCTETS,
          "Upload-Offset": "7",
          "Upload-Checksum": `sha256 ${sha256Base64("nope")}`,
        }, "hij"),
      ))[0].status,
      460,
    );
    assertEquals((await readRecord(dir, id)).unverifiedFrom, null);
    assertEquals((await Deno.stat(`${dir}/${id}.part`)).size, 7);
  });
});

Deno.test("tus: unverified bytes a crash left are cut by the next HEAD, and by the next PATCH", async () => {
  await withUploadServer({}, async (s) => {
    const dir = `${s.root}/.wireserve-uploads`;
    const location = await tusCreateRaw(s.port, "c.bin", 9);
    const id = idOf(location);
    assertEquals((await tusPatch(s.port, location, 0, "abc")).status, 204);

    assertEquals(await crashMidAppend(dir, id, "XYZW"), 3);
    const head = await headOf(s.port, location);
    assertEquals([head.status, head.header("upload-offset")], [204, "3"]);
    assertEquals(await Deno.readTextFile(`${dir}/${id}.part`), "abc");
    assertEquals((await readRecord(dir, id)).unverifiedFrom, null);

    // No HEAD between: the PATCH finds the upload at the mark.
    await crashMidAppend(dir, id, "XYZW");
    assertEquals((await tusPatch(s.port, location, 3, "def", false)).status, 204);
    await crashMidAppend(dir, id, "XY");
    assertEquals((await tusPatch(s.port, location, 6, "ghi")).status, 204);
    assertEquals(await Deno.readTextFile(`${s.root}/c.bin`), "abcdefghi");
  });
});

Deno.test("draft: unverified bytes a crash left are cut by offset retrieval", async () => {
  await withUploadServer({}, async (s) => {
    const dir = `${s.root}/.wireserve-uploads`;
    const [, created] = await exchange(
      s.port,
      rawRequest("PUT", "/files/d.bin", {
        "Upload-Complete": "?0",
        "Upload-Draft-Interop-Version": "8",
      }, "ab"),
    );
    const location = created.header("location")!;
    const id = idOf(location);
    await crashMidAppend(dir, id, "XYZ");
    const head = await headOf(s.port, location);
    assertEquals([head.header("upload-offset"), head.header("upload-complete")], ["2", "?0"]);
    const [done] = await exchange(
      s.port,
      rawRequest("PATCH", location, {
        "Upload-Offset": "2",
        "Upload-Complete": "?1",
        "Content-Type": "application/partial-upload",
        "Content-Digest": `sha-256=:${sha256Base64("c")}:`,
      }, "c"),
    );
    assertEquals(done.status, 201);
    assertEquals(await Deno.readTextFile(`${s.root}/d.bin`), "abc");
  });
});

Deno.test("the sweep at start cuts unverified bytes a crash left; the caps never count them", async () => {
  const root = await Deno.makeTempDir({ prefix: "wireserve-unverified-" });
  try {
    const dir = join(root, ".wireserve-uploads");
    const limits = { expiryMs: HOUR_MS, maxUploads: 10, maxBytes: 1000 };
    await Deno.mkdir(dir, { recursive: true });
    const ids = [newUploadId(), newUploadId()];
    for (const id of ids) {
      // Of unknown length: it reserves what it holds.
      await Deno.writeTextFile(
        join(dir, `${id}.json`),
        encodeRecord({ ...newRecord(id, null), unverifiedFrom: 4 }),
      );
      await Deno.writeTextFile(join(dir, `${id}.part`), "abcdUNVERIFIED");
      await Deno.writeFile(join(dir, `${id}.lock`), new Uint8Array(0));
    }
    // The ledger, built from disk before any sweep, counts the verified bytes only.
    assertEquals(await new UploadUsage(dir, limits).usage(), { count: 2, bytes: 8 });

    const store = new UploadStore(dir, limits);
    const busy = await store.lease(ids[1], 0); // a request holds it: its own to settle
    try {
      assertEquals(await new StoreSweep(store).sweep(), 0);
    } finally {
      busy?.release();
    }
    assertEquals(await Deno.readTextFile(join(dir, `${ids[0]}.part`)), "abcd");
    assertEquals((await readRecord(dir, ids[0])).unverifiedFrom, null);
    assertEquals(await Deno.readTextFile(join(dir, `${ids[1]}.part`)), "abcdUNVERIFIED");
    assertEquals((await readRecord(dir, ids[1])).unverifiedFrom, 4);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
