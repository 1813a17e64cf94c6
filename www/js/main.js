/**
 * Starts the UI: reads the server's info, shows only the controls the server accepts, follows
 * the folder and view in the URL's hash (deep links, back and forward), and wires the dialogs.
 * @module
 */

import {
  authorization,
  browserSendsCredentials,
  challengedSchemes,
  credentialsAccepted,
  fetchInfo,
  makeFolder,
  signIn,
  signOut,
} from "./api.js";
import { createBrowser } from "./browse.js";
import { createLinkFollower } from "./deep_link.js";
import { download, needsBlob } from "./download.js";
import { createEntryActions } from "./entry_actions.js";
import { formatBytes, visibleName } from "./format.js";
import { askName, setUpNameDialog } from "./name_dialog.js";
import { folderUrl, hashFromPath, itemFromHash, nameProblem } from "./paths.js";
import { createPreview } from "./preview.js";
import { setUpShare } from "./share.js";
import { createUploader } from "./upload.js";
import { formatHash, parseHash } from "./view_state.js";

const $ = (id) => document.getElementById(id);
let info = null;
/** /api/info could not be read: show the write controls and let the server decide. */
let modeUnknown = false;
/** What to do again once the user has signed in (the request that met the 401). */
let afterSignIn = [];
/**
 * The browser sends credentials of its own (kept from its login prompt under `--auth-all`): an
 * `<img>` carries them, so grid thumbnails load.
 */
let browserCredentials = false;

/** Speaks `text` to screen readers through the polite live region. */
function announce(text) {
  const region = $("announcer");
  // Clearing first makes a repeated message ("Uploaded 1 file.") be spoken again.
  region.textContent = "";
  requestAnimationFrame(() => {
    region.textContent = text;
  });
}

/**
 * Opens the page's own sign-in form; `retry` runs again after a successful sign-in. `asked`: the
 * user opened it (the Sign in button), rather than a request that met a 401; `refused`: the
 * server just turned down the credentials the form was given.
 */
function openSignIn(retry, { asked = false, refused: turnedDown = false } = {}) {
  if (typeof retry === "function") afterSignIn.push(retry);
  const dialog = $("sign-in-dialog");
  if (dialog.open) return;
  // Only the fields the server's challenge asks for: no token field under --auth alone.
  const { basic, bearer } = challengedSchemes();
  for (const id of ["sign-in-user", "sign-in-password"]) $(id).closest("label").hidden = !basic;
  $("sign-in-token").closest("label").hidden = !bearer;
  // A 401 although the page sent credentials: they were refused, not missing.
  const refused = turnedDown || (!asked && authorization() !== null)
    ? "Those credentials were not accepted: check them and try again. "
    : "";
  $("sign-in-reason").textContent = refused +
    (basic && bearer
      ? "A user name and password, or a token."
      : basic
      ? "This server asks for a user name and password."
      : "This server asks for a token.");
  dialog.showModal();
}

/** What a drop gets while no folder is shown (the server away, a folder that failed to load). */
const NO_FOLDER_DROP = "Nothing was uploaded: no folder is shown to upload into.";

function showError(message) {
  const box = $("listing-error");
  box.textContent = message;
  box.hidden = message === "";
}

/** Whether new uploads can start: a folder is shown and the server takes uploads. */
let uploadsOpen = false;

/** Where uploads go, in words, and whether there is anywhere to go (a folder that loaded). */
function showUploadTarget(segments, ok) {
  const where = segments.length ? visibleName(segments.join("/")) : "Home";
  $("upload-target").textContent = ok ? `Into ${where}` : "";
  $("drop-overlay-target").textContent = ok ? where : "";
  uploadsOpen = ok && (info ? !info.readOnly : modeUnknown);
  showUploadPanel();
  $("zip-link").hidden = !ok;
  // Refresh stays when trying again can help: a server that stopped answering comes back.
  $("refresh-button").hidden = !ok && !browser.mayRecover;
  document.querySelector(".finders").hidden = !ok;
  $("new-folder-button").hidden = !ok || info?.allowMkdir !== true;
}

/**
 * Without a folder to upload into, only the means to start new uploads go (the drop zone and its
 * pickers, the options, the offers to resume, the floating button): uploads already queued,
 * going, waiting or failed keep their rows and controls, and the panel with them — a server that
 * stopped answering resumes them when it comes back, and they must not go on unseen.
 */
function showUploadPanel() {
  for (const part of [$("drop-zone"), $("resume-offers"), $("upload-fab")]) {
    part.hidden = !uploadsOpen;
  }
  document.querySelector(".upload-options").hidden = !uploadsOpen;
  $("upload").hidden = !uploadsOpen && !uploader.holdsUploads;
}

const preview = createPreview({ getInfo: () => info });
const actions = createEntryActions({
  browser: () => browser,
  preview,
  getInfo: () => info,
  announce,
  showError,
  onSignInNeeded: openSignIn,
});
const browser = createBrowser({
  getInfo: () => info,
  announce,
  onSignInNeeded: openSignIn,
  onFolderChange(segments, ok) {
    showUploadTarget(segments, ok);
    // The page opened while the server was away: now that it answers, learn its mode.
    if (ok && modeUnknown) loadInfo();
  },
  actions: actions.row,
  // Under --auth-all an <img> carries only the browser's own credentials, never the page's:
  // without those, thumbnails would all be 401s.
  thumbnails: () => !info?.authRequired?.reads || browserCredentials,
});
const uploader = createUploader({
  getInfo: () => info,
  getSegments: () => browser.segments,
  onUploaded: () => browser.refresh({ quiet: true }),
  announce,
  onSignInNeeded: () => openSignIn(),
  canUpload: () => uploadsOpen,
  onQueueChange: showUploadPanel,
  // Shown, not only spoken: files dropped on a page that takes none would otherwise vanish
  // without a word for whoever is looking at it.
  onDropRefused() {
    if (info?.readOnly && !browser.failed) {
      showError("This server is read-only: it does not accept uploads.");
      return;
    }
    // A folder that could not be shown keeps its own error, which says why ("The server could
    // not be reached."): the refusal follows it, once however many drops.
    const box = $("listing-error");
    const why = box.hidden ? "" : box.textContent.replace(` ${NO_FOLDER_DROP}`, "");
    showError(why ? `${why} ${NO_FOLDER_DROP}` : NO_FOLDER_DROP);
  },
});
setUpNameDialog({ onSignInNeeded: (retry) => openSignIn(retry) });
setUpShare({ getInfo: () => info, announce });
const links = createLinkFollower({ browser, actions, showError, announce });

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
  const needsAuth = info.authRequired?.reads || (info.authRequired?.writes && !info.readOnly);
  const signButton = $("sign-in-button");
  signButton.hidden = !needsAuth;
  signButton.textContent = authorization() ? "Signed in" : "Sign in";
  showUploadTarget(browser.segments, !browser.failed);
  uploader.describeTarget();
  browser.rerender(); // the actions depend on the mode
}

$("sign-in-button").addEventListener("click", () => openSignIn(undefined, { asked: true }));
$("sign-in-dialog").addEventListener("close", async () => {
  const dialog = $("sign-in-dialog");
  const form = $("sign-in-form");
  const retries = afterSignIn;
  afterSignIn = [];
  // Read now: the checks below wait, and the form may be open (and answered) again meanwhile.
  const choice = dialog.returnValue;
  if (choice === "sign-in") {
    signIn({
      user: $("sign-in-user").value,
      password: $("sign-in-password").value,
      token: $("sign-in-token").value.trim(),
    });
  } else if (choice === "sign-out") {
    signOut();
    announce("Signed out.");
  }
  form.reset(); // the password does not stay in the page
  if (choice === "sign-in") {
    // Checked before anything says "Signed in": a reload of the listing passes with any
    // credentials when reads are open, so only a request that needs them can tell.
    let accepted = null;
    try {
      accepted = await credentialsAccepted();
    } catch { /* no answer: keep them, and let what goes again say what happened */ }
    if (accepted === false) {
      signOut();
      if (info) showMode();
      afterSignIn.push(...retries);
      announce("Those credentials were not accepted.");
      openSignIn(undefined, { refused: true });
      return;
    }
    announce(accepted ? "Signed in." : "Could not check the credentials with the server.");
  }
  if (info) showMode();
  if (choice === "sign-in") {
    // What met the 401 goes again: uploads first, then whatever else asked.
    uploader.retryAfterSignIn();
    for (const retry of retries) retry();
    if (retries.length === 0) browser.refresh({ quiet: true });
  }
});

$("new-folder-button").addEventListener("click", () => {
  askName({
    title: "New folder",
    label: "Name",
    submit: "Create",
    validate: nameProblem,
    async action(name) {
      const segments = [...browser.segments, name];
      await makeFolder(folderUrl(segments));
      location.hash = formatHash(segments, parseHash(location.hash).view);
      announce(`Created the folder ${visibleName(name)}.`);
    },
  });
});

$("bulk-zip").addEventListener("click", () => actions.zipSelection(browser.selection));
$("bulk-delete").addEventListener("click", () => actions.remove(browser.selection));
$("bulk-move").addEventListener(
  "click",
  () => actions.transfer(browser.selection, { copy: false }),
);
$("bulk-copy").addEventListener("click", () => actions.transfer(browser.selection, { copy: true }));
$("bulk-rename").addEventListener("click", () => {
  const [only] = browser.selection;
  if (only) actions.row.rename(only);
});
$("bulk-clear").addEventListener("click", () => {
  // The bar (and this button) hides: focus goes back to the list, where the selection was.
  const place = browser.indexOf(browser.selection[0]?.name);
  browser.clearSelection();
  browser.recoverFocus(place);
});
$("zip-link").addEventListener("click", (event) => {
  if (!needsBlob(info)) return;
  event.preventDefault();
  download($("zip-link").href, $("zip-link").download, info).catch((err) =>
    showError(`Could not download the folder: ${err.message}`)
  );
});
$("upload-fab").addEventListener("click", () => $("file-input").click());

$("refresh-button").addEventListener("click", () => browser.refresh());
addEventListener("hashchange", () => {
  // Only "#/…" names a folder or a file; any other fragment is an in-page anchor.
  if (location.hash === "" || location.hash.startsWith("#/")) {
    const { view } = parseHash(location.hash);
    const { segments, name } = itemFromHash(location.hash);
    // Back or Forward with a preview or a name dialog open leaves the folder they were about:
    // they close rather than stay over another folder's list. A link to an item closes them too:
    // it opens its own preview, or says the item is missing, and either is about the link.
    const elsewhere = segments.join("/") !== browser.segments.join("/") ||
      view.search !== browser.search || name !== null;
    if (elsewhere) {
      for (const id of ["preview-dialog", "name-dialog"]) {
        if ($(id).open) $(id).close("cancel");
      }
    }
    links.follow(location.hash, { focus: true });
  }
});
// The skip link focuses the list without touching the hash (which holds the folder).
document.querySelector(".skip-link").addEventListener("click", (event) => {
  event.preventDefault();
  (browser.failed || $("listing").hidden ? $("grid") : $("listing")).focus();
});

// `?path=/a/b/` or `?path=/a/b.txt` (as a link from elsewhere might say) becomes the hash form.
const queryPath = new URLSearchParams(location.search).get("path");
if (queryPath !== null && location.hash === "") {
  history.replaceState(null, "", location.pathname + hashFromPath(queryPath));
}
links.follow(location.hash, { focus: false });
let infoLoading = null;
/** Reads the server's info and shows its mode; once at start, again if it could not be read. */
function loadInfo() {
  infoLoading ??= fetchInfo().then(async (doc) => {
    if (doc.authRequired?.reads) browserCredentials = await browserSendsCredentials();
    info = doc;
    modeUnknown = false;
    showMode();
  }, (err) => {
    // Without info the UI still browses; the server has the last word on every write anyway.
    $("version").textContent = `wireserve (mode unknown: ${err.message})`;
    modeUnknown = true;
    showUploadTarget(browser.segments, !browser.failed);
    if (err.status === 401) openSignIn(() => location.reload());
    uploader.describeTarget();
  }).finally(() => {
    infoLoading = null;
    document.body.dataset.ready = "true";
  });
  return infoLoading;
}
loadInfo();
