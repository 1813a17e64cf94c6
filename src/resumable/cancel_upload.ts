/**
 * Removing an upload resource, for either protocol: tus termination (`DELETE`, tus 1.0.0
 * "Termination") and the draft's cancellation ("Upload Cancellation") are the same act.
 *
 * Decisions:
 * - It takes the upload's lease first, so a removal never pulls the data file from under an
 *   append in progress, in whichever worker. Waiting, it asks the holder to stop for good (the
 *   lease's "cancel" mark, `file_lease.ts`): an append in progress — even one still receiving
 *   its body, which a plain newcomer would wait for — ends at once, keeps nothing and publishes
 *   nothing (`append.ts`), and the removal follows. The draft says the server SHOULD terminate
 *   in-flight requests before answering; before, the DELETE got a 423 while the append went on
 *   to publish the file, and tus-js-client's retry then got a 204 for an upload whose file stayed.
 * - A holder that cannot be cut (a publication in progress, a HEAD) and keeps the lease past
 *   the wait → 423, which clients retry.
 * - An upload that completed is not terminated: its file is published and stays, so a 204 ("the
 *   upload is gone") would be false. Each protocol says so its own way (`complete`).
 *
 * This module must not touch sockets.
 * @module
 */

import type { ResumableContext } from "./resumable_context.ts";
import { missingLease } from "./upload_store.ts";

/**
 * How a cancellation went: removed, held by another past the wait, unknown (or expired), or
 * already complete (nothing removed).
 */
export type CancelResult = "cancelled" | "locked" | "gone" | "complete";

/** Removes upload `id` and every file of it, unless it is complete; see the module doc. */
export async function cancelUpload(ctx: ResumableContext, id: string): Promise<CancelResult> {
  const lease = await ctx.store.lease(id, ctx.leaseWaitMs, "cancel").catch(missingLease);
  if (lease === null) return "locked";
  try {
    const record = lease === undefined ? null : await ctx.store.read(id);
    if (record === null) return "gone";
    if (record.completedMs !== null) return "complete";
    await ctx.store.remove(id);
    return "cancelled";
  } finally {
    lease?.release();
  }
}
