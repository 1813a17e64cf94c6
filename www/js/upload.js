/**
 * The upload queue: files and whole folders from drag-and-drop (drop.js) or the pickers, sent a
 * few at a time, one row per file (upload_row.js) with cancel, retry, replace and, for large
 * files, pause and resume; what was refused for want of credentials goes again after sign-in;
 * when the queue drains, one spoken summary. Sending one file is upload_send.js (`PUT` with a
 * checksum, or resumably over tus from `RESUMABLE_MIN_BYTES` on); what a reload left unfinished
 * is offered by resume_offers.js. This must not know the listing, the sign-in form or how a
 * folder is shown: the page (main.js) hands it hooks.
 * @module
 */

import { filesFromInput, watchDrops } from "./drop.js";
import { digestAvailable, MAX_DIGEST_BYTES } from "./digest.js";
import { formatBytes, plural, visibleName } from "./format.js";
import { RESUMABLE_MIN_BYTES } from "./resumable.js";
import { createResumeOffers } from "./resume_offers.js";
import { sendUpload } from "./upload_send.js";
import { failureKind, isFinished, makeJobRow, showJobState } from "./upload_row.js";

/** Uploads in flight at once: enough to hide per-request latency, few enough to share the link. */
const MAX_PARALLEL_UPLOADS = 3;

/**
 * The upload panel bound to the page's elements. `getInfo()` returns the server's info,
 * `getSegments()` the folder on screen; `onUploaded()` runs when the queue drains after at least
 * one success; `announce(text)` speaks to screen readers; `onSignInNeeded()` opens sign-in;
 * `canUpload()` says whether drops are taken, and `onDropRefused()` runs for one that is not;
 * `onQueueChange()` runs when rows were added to the queue or cleared from it.
 */
export function createUploader({
  getInfo,
  getSegments,
  onUploaded,
  announce,
  onSignInNeeded,
  canUpload,
  onDropRefused,
  onQueueChange,
}) {
  const $ = (id) => document.getElementById(id);
  const queueList = $("queue");
  const jobs = [];
  let active = 0;
  let succeededSinceIdle = 0;
  let failedSinceIdle = [];

  function setStatus(job, state, text) {
    showJobState(job, state, text);
    $("clear-finished-button").hidden = !jobs.some(isFinished);
  }

  function makeRow(job) {
    makeJobRow(job, {
      cancel: () => cancelJob(job),
      retry: () => requeue(job),
      replace: () => requeue(job, { overwrite: true }),
      pause() {
        job.control?.pause();
        setStatus(job, "paused", `Paused at ${job.bar.value}%.`);
      },
      resume() {
        setStatus(job, "sending", "Resuming…");
        job.control?.resume();
      },
    });
  }

  function requeue(job, { overwrite = job.overwrite } = {}) {
    job.bar.value = 0;
    job.control = null;
    job.failure = null;
    job.overwrite = overwrite;
    setStatus(job, "queued", "Waiting…");
    pump();
  }

  /** Sends again every upload refused for want of credentials (after the user signed in). */
  function retryAfterSignIn() {
    for (const job of jobs.filter((j) => j.state === "failed" && j.failure === "sign-in")) {
      requeue(job);
    }
  }

  function cancelJob(job) {
    job.abort?.();
    job.control?.cancel();
    job.control = null;
    job.generation += 1; // a run still hashing sees this and stops
    setStatus(job, "cancelled", "Cancelled.");
    pump();
  }

  // Shown at once: what a reload or a closed tab left unfinished is resumed by picking it again.
  const offers = createResumeOffers($("upload"), $("pick-files-button"));
  offers.show();

  function pump() {
    while (active < MAX_PARALLEL_UPLOADS) {
      const job = jobs.find((j) => j.state === "queued");
      if (!job) break;
      active += 1;
      job.state = "starting";
      sendUpload(job, {
        limit: getInfo()?.maxUploadBytes,
        overwriteAll: () => $("overwrite").checked,
        setStatus,
        onResumableStart: offers.drop,
      }).then(() => {
        if (job.state === "done") succeededSinceIdle += 1;
      }, (err) => {
        if (err?.aborted || job.state === "cancelled") return;
        job.failure = failureKind(err?.status ?? 0);
        setStatus(job, "failed", err.message);
        failedSinceIdle.push(job);
        if (job.failure === "sign-in") onSignInNeeded();
      }).finally(() => {
        active -= 1;
        pump();
      });
    }
    if (active === 0 && !jobs.some((j) => j.state === "queued")) idle();
  }

  function idle() {
    if (succeededSinceIdle === 0 && failedSinceIdle.length === 0) return;
    const parts = [];
    if (succeededSinceIdle) parts.push(`Uploaded ${plural(succeededSinceIdle, "file", "files")}.`);
    for (const job of failedSinceIdle) {
      parts.push(`${visibleName(job.path)}: ${job.status.textContent}`);
    }
    announce(parts.join(" "));
    if (succeededSinceIdle) onUploaded();
    succeededSinceIdle = 0;
    failedSinceIdle = [];
  }

  /** Queues `files` ({file, path}) for the folder on screen. */
  function enqueue(files) {
    const segments = getSegments();
    for (const { file, path } of files) {
      const job = {
        file,
        path,
        segments,
        state: "queued",
        generation: 0,
        abort: null,
        control: null,
        failure: null,
        overwrite: false,
        resumable: file.size >= RESUMABLE_MIN_BYTES,
      };
      makeRow(job);
      jobs.push(job);
      queueList.append(job.li);
      setStatus(job, "queued", "Waiting…");
    }
    if (files.length) {
      announce(`${plural(files.length, "file", "files")} queued for upload.`);
      onQueueChange();
    }
    pump();
  }

  function describeTarget() {
    const info = getInfo();
    const notes = [];
    if (typeof info?.maxUploadBytes === "number") {
      notes.push(`Up to ${formatBytes(info.maxUploadBytes)} per file.`);
    }
    notes.push(
      digestAvailable()
        ? `Files up to ${formatBytes(MAX_DIGEST_BYTES)} are sent with a SHA-256 checksum.`
        : "No checksum: this browser offers hashing only on https or localhost.",
    );
    if (info?.noOverwrite) notes.push("Existing files are never replaced.");
    $("upload-note").textContent = notes.join(" ");
    $("overwrite").closest("label").hidden = info?.noOverwrite === true;
  }

  const fileInput = $("file-input");
  const folderInput = $("folder-input");
  $("pick-files-button").addEventListener("click", () => fileInput.click());
  $("pick-folder-button").addEventListener("click", () => folderInput.click());
  for (const input of [fileInput, folderInput]) {
    input.addEventListener("change", () => {
      enqueue(filesFromInput(input));
      input.value = ""; // choosing the same file again must fire change again
    });
  }
  $("clear-finished-button").addEventListener("click", () => {
    for (const job of jobs.filter(isFinished)) {
      job.li.remove();
      jobs.splice(jobs.indexOf(job), 1);
    }
    $("clear-finished-button").hidden = true;
    onQueueChange();
    // The button hid itself: focus goes to the next thing one does here, not to the page's top
    // (with no folder to upload into, to an upload still in the queue).
    const next = canUpload()
      ? $("pick-files-button")
      : queueList.querySelector("button:not([hidden])");
    next?.focus();
  });

  watchDrops({
    area: document,
    zone: $("drop-zone"),
    overlay: $("drop-overlay"),
    accepting: canUpload,
    onFiles: enqueue,
    onRefused: onDropRefused,
    onError: () => announce("The dropped items could not be read."),
  });

  return {
    enqueue,
    describeTarget,
    retryAfterSignIn,
    /** Whether the queue shows any upload (queued, going, waiting, paused, failed or done). */
    get holdsUploads() {
      return jobs.length > 0;
    },
  };
}
