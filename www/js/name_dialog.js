/**
 * The one dialog that asks for a name or a place: new folder, rename, move and copy. It stays
 * open until the action succeeds: a name the page can tell is wrong, or the server's refusal, is
 * shown inside it (role=alert), with the typed text kept for correcting.
 * @module
 */

const $ = (id) => document.getElementById(id);

let current = null;

/**
 * Opens the dialog. `validate(value)` returns a sentence when `value` cannot work (or null);
 * `action(value)` does the work and throws an Error whose message is shown when it fails. An
 * error with status 401 also calls `onSignInNeeded(retry)`: once signed in, the dialog is sent
 * again by itself (as uploads are), its stale "Sign-in needed" cleared.
 * `afterClose(value)`, if given, runs once the dialog has closed after a success: closing hands
 * focus back to the button that opened it, and when the action redrew the list that button is
 * gone, so the caller says where focus goes instead.
 */
export function askName(
  { title, label, value = "", submit, note = "", validate, action, afterClose },
) {
  const dialog = $("name-dialog");
  $("name-dialog-title").textContent = title;
  $("name-label").textContent = label;
  $("name-submit").textContent = submit;
  $("name-dialog-note").textContent = note;
  $("name-dialog-note").hidden = note === "";
  const input = $("name-input");
  input.value = value;
  showError("");
  current = { validate, action, afterClose };
  dialog.showModal();
  input.focus();
  // A rename starts with the name selected up to its extension, as file managers do.
  const dot = value.lastIndexOf(".");
  input.setSelectionRange(0, dot > 0 ? dot : value.length);
}

/** Renames the open dialog: a bulk move or copy that did part of its work asks about the rest. */
export function retitle(title) {
  $("name-dialog-title").textContent = title;
}

function showError(text) {
  const box = $("name-error");
  box.textContent = text;
  box.hidden = text === "";
  $("name-input").setAttribute("aria-invalid", text === "" ? "false" : "true");
}

/**
 * Wires the dialog's buttons once; `onSignInNeeded(retry)` opens the sign-in form and runs `retry`
 * after a successful sign-in.
 */
export function setUpNameDialog({ onSignInNeeded }) {
  const dialog = $("name-dialog");
  $("name-cancel").addEventListener("click", () => dialog.close("cancel"));
  $("name-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!current) return;
    const value = $("name-input").value.trim();
    const problem = current.validate(value);
    if (problem) {
      showError(problem);
      $("name-input").focus();
      return;
    }
    const submitButton = $("name-submit");
    submitButton.disabled = true;
    try {
      await current.action(value);
      const { afterClose } = current;
      current = null;
      dialog.close("done");
      afterClose?.(value);
    } catch (err) {
      showError(err.message);
      if (err.status === 401) {
        const refused = current;
        // Sent again only if this same request is still what the dialog asks (not cancelled,
        // not another dialog opened since): the user gave no other answer.
        onSignInNeeded(() => {
          if (current !== refused || !dialog.open) return;
          showError("");
          $("name-form").requestSubmit();
        });
      }
    } finally {
      submitButton.disabled = false;
    }
  });
}
