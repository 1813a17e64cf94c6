/** How storage failures map to statuses, with real errors from the file system where possible. */

import {
  lockBusy,
  storageFailure,
  tooLarge,
  uploadFailure,
} from "../../src/uploads/upload_context.ts";
import { assertEquals } from "../support/assert.ts";

async function errorOf(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a failure");
}

/** Deno's error for ENOSPC (as a write to /dev/full throws it; a real one is in upload_access_test). */
const noSpace = () =>
  Object.assign(new Error("No space left on device (os error 28)"), { code: "ENOSPC" });

Deno.test("storageFailure answers 507 for a full disk or quota", () => {
  assertEquals(storageFailure(noSpace())?.status, 507);
  assertEquals(storageFailure(Object.assign(new Error("quota"), { code: "EDQUOT" }))?.status, 507);
});

Deno.test("storageFailure answers 403 for permission denied and a read-only file system", () => {
  assertEquals(storageFailure(new Deno.errors.PermissionDenied("no"))?.status, 403);
  assertEquals(storageFailure(Object.assign(new Error("ro"), { code: "EROFS" }))?.status, 403);
});

Deno.test("storageFailure answers 409 when a path segment is a file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/file`, "x");
    const err = await errorOf(() => Deno.writeTextFile(`${dir}/file/child`, "y"));
    assertEquals(storageFailure(err)?.status, 409);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("storageFailure leaves unknown errors to the engine and never names paths", () => {
  assertEquals(storageFailure(new Error("bug")), null);
  assertEquals(storageFailure(null), null);
  const err = Object.assign(new Error("No space left (os error 28): write '/srv/secret/x'"), {
    code: "ENOSPC",
  });
  assertEquals(String(storageFailure(err)?.body).includes("/srv"), false);
});

Deno.test("tooLarge answers 413 and closes the connection", () => {
  const res = tooLarge(100);
  assertEquals([res.status, res.close], [413, true]);
});

Deno.test("uploadFailure answers 409 when the folder went away under the upload", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.remove(dir);
  const err = await errorOf(() => Deno.link(`${dir}/.x.tmp`, `${dir}/x`));
  const res = uploadFailure(err);
  assertEquals(res?.status, 409);
  assertEquals(res?.body, "The folder was removed or moved during the upload\n");
  // elsewhere a missing name means something else: storageFailure leaves it to the caller
  assertEquals(storageFailure(err), null);
  assertEquals(uploadFailure(noSpace())?.status, 507);
  assertEquals(uploadFailure(new Error("bug")), null);
});

Deno.test("lockBusy answers 503 with Retry-After", () => {
  const res = lockBusy();
  assertEquals(res.status, 503);
  assertEquals(res.headers?.some(([name]) => name === "Retry-After"), true);
});
