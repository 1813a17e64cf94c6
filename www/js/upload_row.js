/**
 * One row of the upload queue: the file's path and size, its progress bar, its status line and
 * the buttons its state allows (pause, resume, cancel, retry, replace), and what a failure
 * allows next. The queue (upload.js) owns the jobs; this only draws them.
 * @module
 */

import { formatBytes, visibleName } from "./format.js";

const PERCENT = 100;
const ACTIVE_STATES = ["queued", "hashing", "sending", "paused", "waiting"];

/**
 * What a failed upload's status allows next: "sign-in" (401: sent again after sign-in),
 * "exists" (412: the user may replace it), "retry" (no answer, 408, 423, 429, 5xx: trying again
 * can work), or "final" (the server refused this file: trying again fails the same way).
 */
export function failureKind(status) {
  if (status === 401) return "sign-in";
  if (status === 412) return "exists";
  if (status === 0 || status === 408 || status === 423 || status === 429 || status >= 500) {
    return "retry";
  }
  return "final";
}

/** Whether the job has ended (done, failed or cancelled). */
export function isFinished(job) {
  return job.state === "done" || job.state === "failed" || job.state === "cancelled";
}

function smallButton(text, label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "quiet small";
  b.textContent = text;
  b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
}

/**
 * Builds the row of `job` and stores its parts on it (`li`, `bar`, `status` and the buttons);
 * `on` holds the button handlers.
 */
export function makeJobRow(job, on) {
  const li = document.createElement("li");
  li.className = "job";
  const head = document.createElement("div");
  head.className = "job-head";
  const name = document.createElement("span");
  name.className = "job-name";
  // The path as shown, never as sent: its controls made visible (format.js visibleName).
  const shown = visibleName(job.path);
  name.textContent = shown;
  const size = document.createElement("span");
  size.className = "job-size muted";
  size.textContent = formatBytes(job.file.size);
  head.append(name, size);
  const bar = document.createElement("progress");
  bar.max = PERCENT;
  bar.value = 0;
  bar.setAttribute("aria-label", `Upload of ${shown}`);
  const foot = document.createElement("div");
  foot.className = "job-foot";
  const status = document.createElement("span");
  status.className = "job-status";
  const pause = smallButton("Pause", `Pause upload of ${shown}`, on.pause);
  const resume = smallButton("Resume", `Resume upload of ${shown}`, on.resume);
  const cancel = smallButton("Cancel", `Cancel upload of ${shown}`, on.cancel);
  const retry = smallButton("Retry", `Retry upload of ${shown}`, on.retry);
  const replace = smallButton("Replace", `Replace the existing ${shown}`, on.replace);
  foot.append(status, pause, resume, cancel, retry, replace);
  li.append(head, bar, foot);
  Object.assign(job, { li, bar, status, cancel, retry, replace, pause, resume });
}

/** Shows `state` ("queued", "sending", "failed"…) and `text` on the row of `job`. */
export function showJobState(job, state, text) {
  const focused = job.li.contains(document.activeElement) ? document.activeElement : null;
  job.state = state;
  job.li.dataset.state = state;
  job.status.textContent = text;
  job.cancel.hidden = !ACTIVE_STATES.includes(state);
  job.pause.hidden = !(job.resumable && (state === "sending" || state === "waiting"));
  job.resume.hidden = !(job.resumable && state === "paused");
  // Retry only where trying again can succeed: a lost connection, a busy or failing server,
  // a cancel. A refusal (too large, not allowed, bad name) would fail the same way again;
  // "Already exists" offers Replace instead, and a 401 retries by itself after sign-in.
  job.retry.hidden = !(state === "cancelled" || (state === "failed" && job.failure === "retry"));
  job.replace.hidden = !(state === "failed" && job.failure === "exists");
  // The button just pressed may have hidden itself (Pause becomes Resume, Cancel becomes
  // Retry): focus moves to what the row offers now instead of falling to the page's top.
  if (focused?.hidden) {
    const next = [job.pause, job.resume, job.retry, job.replace, job.cancel].find((b) => !b.hidden);
    if (next) next.focus();
    else {
      job.li.tabIndex = -1;
      job.li.focus();
    }
  }
}
