/**
 * Sends one upload of the queue: refuses up front a file over the server's limit, then either
 * hashes it (SHA-256, digest.js) and sends it with one `PUT`, or, from `RESUMABLE_MIN_BYTES` on,
 * sends it resumably over tus (resumable.js); the job's row shows the progress and the speed,
 * and at the end whether the server verified the checksum. This must not know the queue (how
 * many run at once, retries, what comes next) nor the page beyond the job's own row.
 * @module
 */

import { describeFailure, RequestError, uploadFile } from "./api.js";
import { contentDigest } from "./digest.js";
import { formatBytes, formatSpeed } from "./format.js";
import { folderUrl, uploadUrl } from "./paths.js";
import { resumableUpload, uploadKey } from "./resumable.js";

const PERCENT = 100;
const MS_PER_SECOND = 1000;
/**
 * Smallest upload whose speed is shown: below this the time is mostly the round trip, and
 * "47 B/s" for a 2-byte file would say nothing about the link.
 */
const MIN_BYTES_FOR_SPEED = 64 * 1024;

/**
 * Sends `job` (its `file`, `path`, `segments`, `overwrite`, `resumable` and row parts); settles
 * when it is done, rejects with the reason it failed. `limit` is the server's largest upload
 * (bytes, or undefined); `overwriteAll()` says whether the panel's "Replace existing files" is
 * checked; `setStatus(job, state, text)` shows a state on the row; `onResumableStart(key)` runs
 * as a resumable upload starts (its offer to resume goes). A cancel raises `job.generation`: a
 * run still hashing then stops without sending.
 */
export async function sendUpload(job, { limit, overwriteAll, setStatus, onResumableStart }) {
  const generation = ++job.generation;
  job.abort = null;
  // Refuse here what the server would refuse anyway: sending gigabytes only to get a 413
  // wastes the link, and the server closing mid-body often reaches the browser as a reset
  // rather than as the 413.
  if (typeof limit === "number" && job.file.size > limit) {
    throw new RequestError(413, describeFailure(413, "", limit, job.file.size));
  }
  if (job.resumable) {
    return await sendResumable(
      job,
      { limit, overwriteAll, setStatus, onResumableStart },
      generation,
    );
  }
  setStatus(job, "hashing", "Computing checksum…");
  const digest = await contentDigest(job.file);
  if (job.generation !== generation) return;
  setStatus(job, "sending", "Starting…");
  const started = performance.now();
  const { done, abort } = uploadFile({
    url: uploadUrl(job.segments, job.path),
    file: job.file,
    digest,
    overwrite: job.overwrite || overwriteAll(),
    limit,
    onProgress(loaded, total) {
      const percent = total > 0 ? Math.floor((loaded / total) * PERCENT) : PERCENT;
      job.bar.value = percent;
      const seconds = (performance.now() - started) / MS_PER_SECOND;
      const speed = seconds > 0 ? formatSpeed(loaded / seconds) : "";
      job.status.textContent = `${percent}% · ${formatBytes(loaded)} of ${formatBytes(total)}${
        speed ? ` · ${speed}` : ""
      }`;
    },
  });
  job.abort = abort;
  const { reprDigest } = await done;
  const seconds = (performance.now() - started) / MS_PER_SECOND;
  job.bar.value = PERCENT;
  const notes = ["Done"];
  if (job.file.size >= MIN_BYTES_FOR_SPEED && seconds > 0) {
    notes.push(formatSpeed(job.file.size / seconds));
  }
  // "Verified" only when the server's digest of what it stored matches ours.
  if (digest && reprDigest?.includes(digest)) notes.push("checksum verified by the server");
  else if (digest) notes.push("checksum sent");
  setStatus(job, "done", notes.join(" · "));
}

/** A large file: tus slices that survive drops, pauses and reloads (resumable.js). */
async function sendResumable(
  job,
  { limit, overwriteAll, setStatus, onResumableStart },
  generation,
) {
  setStatus(job, "sending", "Starting…");
  onResumableStart(uploadKey(job.file, folderUrl(job.segments) + job.path));
  const started = performance.now();
  let firstSent = null;
  const control = resumableUpload({
    file: job.file,
    folder: folderUrl(job.segments),
    relativePath: job.path,
    overwrite: job.overwrite || overwriteAll(),
    limit,
    onProgress(sent, total) {
      if (job.generation !== generation || job.state === "paused") return;
      firstSent ??= sent;
      const percent = total > 0 ? Math.floor((sent / total) * PERCENT) : PERCENT;
      job.bar.value = percent;
      const seconds = (performance.now() - started) / MS_PER_SECOND;
      const speed = seconds > 0 ? formatSpeed((sent - firstSent) / seconds) : "";
      if (job.state !== "sending") setStatus(job, "sending", "");
      job.status.textContent = `${percent}% · ${formatBytes(sent)} of ${formatBytes(total)}${
        speed ? ` · ${speed}` : ""
      } · resumable`;
    },
    onWaiting(ms, status) {
      if (job.generation !== generation || job.state === "paused") return;
      const why = status === 0 ? "Connection lost" : `The server answered ${status}`;
      setStatus(job, "waiting", `${why}; trying again in ${Math.ceil(ms / MS_PER_SECOND)} s…`);
    },
  });
  job.control = control;
  await control.done;
  job.control = null;
  job.bar.value = PERCENT;
  setStatus(job, "done", "Done · resumable upload complete");
}
