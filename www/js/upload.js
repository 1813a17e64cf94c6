/**
 * Uploads: files and whole folders from drag-and-drop (drop.js) or the pickers, a queue sending
 * a few at a time with `PUT /files/...`, one row per file with a progress bar, speed, cancel and retry, and
 * the server's refusals in plain words. Files from `RESUMABLE_MIN_BYTES` on go resumably
 * (resumable.js): pause and resume buttons, automatic resumption after a dropped connection, and
 * after a reload the page lists what was left unfinished, to resume by picking the same file.
 * @module
 */

import { describeFailure, RequestError, uploadFile } from "./api.js";
import { filesFromInput, watchDrops } from "./drop.js";
import { contentDigest, digestAvailable, MAX_DIGEST_BYTES } from "./digest.js";
import { formatBytes, formatSpeed, plural } from "./format.js";
import { folderUrl, uploadUrl } from "./paths.js";
import { failureKind, isFinished, makeJobRow, showJobState } from "./upload_row.js";
import {
  forget,
  RESUMABLE_MIN_BYTES,
  resumableUpload,
  unfinishedUploads,
  uploadKey,
} from "./resumable.js";

/** Uploads in flight at once: enough to hide per-request latency, few enough to share the link. */
const MAX_PARALLEL_UPLOADS = 3;
const PERCENT = 100;
const MS_PER_SECOND = 1000;
/**
 * Smallest upload whose speed is shown: below this the time is mostly the round trip, and
 * "47 B/s" for a 2-byte file would say nothing about the link.
 */
const MIN_BYTES_FOR_SPEED = 64 * 1024;

/**
 * The upload panel bound to the page's elements. `getInfo()` returns the server's info,
 * `getSegments()` the folder on screen; `onUploaded()` runs when the queue drains after at least
 * one success; `announce(text)` speaks to screen readers; `onSignInNeeded()` opens sign-in;
 * `canUpload()` says whether drops are taken, and `onDropRefused()` runs for one that is not.
 */
export function createUploader(
  { getInfo, getSegments, onUploaded, announce, onSignInNeeded, canUpload, onDropRefused },
) {
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

  async function run(job) {
    const info = getInfo();
    const limit = info?.maxUploadBytes;
    const generation = ++job.generation;
    job.abort = null;
    // Refuse here what the server would refuse anyway: sending gigabytes only to get a 413
    // wastes the link, and the server closing mid-body often reaches the browser as a reset
    // rather than as the 413.
    if (typeof limit === "number" && job.file.size > limit) {
      throw new RequestError(413, describeFailure(413, "", limit));
    }
    if (job.resumable) return await runResumable(job, limit, generation);
    setStatus(job, "hashing", "Computing checksum…");
    const digest = await contentDigest(job.file);
    if (job.generation !== generation) return;
    setStatus(job, "sending", "Starting…");
    const started = performance.now();
    const { done, abort } = uploadFile({
      url: uploadUrl(job.segments, job.path),
      file: job.file,
      digest,
      overwrite: job.overwrite || $("overwrite").checked,
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
  async function runResumable(job, limit, generation) {
    setStatus(job, "sending", "Starting…");
    dropOffer(uploadKey(job.file, folderUrl(job.segments) + job.path));
    const started = performance.now();
    let firstSent = null;
    const control = resumableUpload({
      file: job.file,
      folder: folderUrl(job.segments),
      relativePath: job.path,
      overwrite: job.overwrite || $("overwrite").checked,
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
      onWaiting(ms) {
        if (job.generation !== generation || job.state === "paused") return;
        setStatus(
          job,
          "waiting",
          `Connection lost; trying again in ${Math.ceil(ms / MS_PER_SECOND)} s…`,
        );
      },
    });
    job.control = control;
    await control.done;
    job.control = null;
    job.bar.value = PERCENT;
    setStatus(job, "done", "Done · resumable upload complete");
  }

  /** What this browser left unfinished (a reload, a closed tab): offered to resume. */
  const offers = document.createElement("div");
  offers.id = "resume-offers";
  offers.className = "resume-offers";
  offers.setAttribute("role", "status");
  $("upload").append(offers);

  function showOffers() {
    offers.replaceChildren();
    const list = unfinishedUploads();
    if (list.length === 0) return;
    const title = document.createElement("p");
    title.textContent = `Unfinished ${
      plural(list.length, "upload", "uploads")
    }: pick the same file again to resume.`;
    const ul = document.createElement("ul");
    for (const u of list) {
      const li = document.createElement("li");
      li.dataset.key = u.key;
      const text = document.createElement("span");
      text.textContent = `${u.path} — ${formatBytes(u.sent ?? 0)} of ${formatBytes(u.size)} sent`;
      const drop = document.createElement("button");
      drop.type = "button";
      drop.className = "quiet small";
      drop.textContent = "Forget";
      drop.setAttribute("aria-label", `Forget the unfinished upload of ${u.path}`);
      drop.addEventListener("click", () => {
        forget(u.key);
        showOffers();
      });
      li.append(text, " ", drop);
      ul.append(li);
    }
    offers.append(title, ul);
  }

  function dropOffer(key) {
    offers.querySelector(`li[data-key="${CSS.escape(key)}"]`)?.remove();
    if (offers.querySelector("li") === null) offers.replaceChildren();
  }

  showOffers();

  function pump() {
    while (active < MAX_PARALLEL_UPLOADS) {
      const job = jobs.find((j) => j.state === "queued");
      if (!job) break;
      active += 1;
      job.state = "starting";
      run(job).then(() => {
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
    for (const job of failedSinceIdle) parts.push(`${job.path}: ${job.status.textContent}`);
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
    if (files.length) announce(`${plural(files.length, "file", "files")} queued for upload.`);
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
    // The button hid itself: focus goes to the next thing one does here, not to the page's top.
    $("pick-files-button").focus();
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

  return { enqueue, describeTarget, retryAfterSignIn };
}
