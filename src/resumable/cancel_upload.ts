/**
 * Removing an upload resource, for either protocol: tus termination (`DELETE`, tus 1.0.0
 * "Termination") and the draft's cancellation ("Upload Cancellation") are the same act. It takes
 * the upload's lease first, so a removal never pulls the data file from under an append in
 * progress, in whichever worker: a busy upload is 423, an unknown one 404.
 *
 * This module must not touch sockets.
 * @module
 */

import { STATUS } from "../http/status.ts";
import type { HttpResponse } from "../http/types.ts";
import type { ResumableContext } from "./resumable_context.ts";
import { noSuchUpload, uploadLocked } from "./upload_answers.ts";
import { missingLease } from "./upload_store.ts";

/** Removes upload `id` and every file of it: 204, or 423 / 404. */
export async function cancelUpload(ctx: ResumableContext, id: string): Promise<HttpResponse> {
  const lease = await ctx.store.lease(id, ctx.leaseWaitMs).catch(missingLease);
  if (lease === null) return uploadLocked();
  try {
    if (lease === undefined || await ctx.store.read(id) === null) return noSuchUpload();
    await ctx.store.remove(id);
    return { status: STATUS.NoContent };
  } finally {
    lease?.release();
  }
}
