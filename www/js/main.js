/**
 * Starts the UI: reads the server's info, shows only the controls the server accepts, follows
 * the folder in the URL's hash (deep links, back and forward), and wires the dialogs.
 * @module
 */

import { authorization, fetchInfo, makeFolder, signIn, signOut } from "./api.js";
import { createBrowser } from "./browse.js";
import { formatBytes } from "./format.js";
import { createInspector } from "./inspector.js";
import { folderHash, folderUrl, segmentsFromHash, segmentsFromPath } from "./paths.js";
import { createUploader } from "./upload.js";

const $ = (id) => document.getElementById(id);
let info = null;

/** Speaks `text` to screen readers through the polite live region. */
function announce(text) {
  const region = $("announcer");
  // Clearing first makes a repeated message ("Uploaded 1 file.") be spoken again.
  region.textContent = "";
  requestAnimationFrame(() => {
    region.textContent = text;
  });
}

function openSignIn() {
  const dialog = $("sign-in-dialog");
  if (!dialog.open) dialog.showModal();
}

/** Where uploads go, in words: "Into Home", "Into docs/deep". */
function showUploadTarget(segments) {
  $("upload-target").textContent = `Into ${segments.length ? segments.join("/") : "Home"}`;
}

const browser = createBrowser({
  getInfo: () => info,
  announce,
  onSignInNeeded: openSignIn,
  onFolderChange: showUploadTarget,
});
const uploader = createUploader({
  getInfo: () => info,
  getSegments: () => browser.segments,
  onUploaded: () => browser.refresh({ quiet: true }),
  announce,
  onSignInNeeded: openSignIn,
});
createInspector();

function showMode() {
  const chips = [];
  if (info.readOnly) chips.push("Read-only");
  else chips.push(`Uploads up to ${formatBytes(info.maxUploadBytes)}`);
  if (info.authRequired?.reads) chips.push("Sign-in needed");
  else if (info.authRequired?.writes && !info.readOnly) {
    chips.push("Sign-in needed to change files");
  }
  $("mode").replaceChildren(...chips.map((text) => {
    const li = document.createElement("li");
    li.textContent = text;
    return li;
  }));
  $("version").textContent = `${info.name} ${info.version}`;
  $("upload").hidden = info.readOnly;
  $("new-folder-button").hidden = !info.allowMkdir;
  const needsAuth = info.authRequired?.reads || (info.authRequired?.writes && !info.readOnly);
  const signButton = $("sign-in-button");
  signButton.hidden = !needsAuth;
  signButton.textContent = authorization() ? "Signed in" : "Sign in";
  uploader.describeTarget();
  browser.rerender(); // delete buttons depend on the mode
}

$("sign-in-button").addEventListener("click", openSignIn);
$("sign-in-dialog").addEventListener("close", () => {
  const dialog = $("sign-in-dialog");
  const form = $("sign-in-form");
  if (dialog.returnValue === "sign-in") {
    signIn({
      user: $("sign-in-user").value,
      password: $("sign-in-password").value,
      token: $("sign-in-token").value.trim(),
    });
    announce("Signed in.");
  } else if (dialog.returnValue === "sign-out") {
    signOut();
    announce("Signed out.");
  }
  form.reset(); // the password does not stay in the page
  if (info) showMode();
  if (dialog.returnValue === "sign-in") browser.refresh();
});

$("new-folder-button").addEventListener("click", () => {
  $("folder-form").reset();
  $("folder-dialog").showModal();
});
$("folder-dialog").addEventListener("close", async () => {
  if ($("folder-dialog").returnValue !== "create") return;
  const name = $("folder-name").value.trim();
  if (name === "" || name === "." || name === ".." || name.includes("/")) {
    announce("A folder name cannot be empty, “.”, “..” or contain “/”.");
    return;
  }
  const segments = [...browser.segments, name];
  try {
    await makeFolder(folderUrl(segments));
    location.hash = folderHash(segments);
    announce(`Created the folder ${name}.`);
  } catch (err) {
    const box = $("listing-error");
    box.textContent = `Could not create “${name}”: ${err.message}`;
    box.hidden = false;
    if (err.status === 401) openSignIn();
  }
});

$("refresh-button").addEventListener("click", () => browser.refresh());
addEventListener("hashchange", () => {
  // Only "#/…" names a folder; any other fragment is an in-page anchor and keeps the folder.
  if (location.hash === "" || location.hash.startsWith("#/")) {
    browser.load(segmentsFromHash(location.hash), { focus: true });
  }
});
// The skip link focuses the list without touching the hash (which holds the folder).
document.querySelector(".skip-link").addEventListener("click", (event) => {
  event.preventDefault();
  $("listing").focus();
});

// `?path=/a/b/` (as a link from elsewhere might say) becomes the canonical hash form.
const queryPath = new URLSearchParams(location.search).get("path");
if (queryPath !== null && location.hash === "") {
  history.replaceState(null, "", location.pathname + folderHash(segmentsFromPath(queryPath)));
}
browser.load(segmentsFromHash(location.hash));
fetchInfo().then((doc) => {
  info = doc;
  showMode();
  document.body.dataset.ready = "true";
}, (err) => {
  // Without info the UI still browses; the server has the last word on every write anyway.
  $("version").textContent = `wireserve (mode unknown: ${err.message})`;
  $("upload").hidden = false;
  uploader.describeTarget();
  document.body.dataset.ready = "true";
});
