/**
 * Files from the outside world: drag-and-drop of files and whole folders (walking folder entries
 * with `webkitGetAsEntry`, which Chromium, Firefox and Safari all implement) and the file and
 * folder pickers, each file with its path relative to what was dropped or picked.
 * @module
 */

/** Every file below a dropped folder entry, with its path relative to the drop. */
async function walkEntry(entry, out) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    out.push({ file, path: entry.fullPath.replace(/^\/+/, "") });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = entry.createReader();
  // readEntries answers in batches (Chromium: 100 at a time) until it returns an empty one.
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await walkEntry(child, out);
  }
}

/**
 * The files of a drop. `webkitGetAsEntry` must be called before the first await: the browser
 * empties the DataTransfer once the drop event has been handled.
 */
export async function filesFromDrop(dataTransfer) {
  const items = [...(dataTransfer.items ?? [])].filter((item) => item.kind === "file");
  const entries = items.map((item) => item.webkitGetAsEntry?.() ?? null);
  if (entries.length === 0 || entries.some((e) => e === null)) {
    return [...dataTransfer.files].map((file) => ({ file, path: file.name }));
  }
  const out = [];
  for (const entry of entries) await walkEntry(entry, out);
  return out;
}

/** The files chosen in a picker; a folder picker gives each file's path inside the folder. */
export function filesFromInput(input) {
  return [...input.files].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/**
 * Handles drops anywhere on `area` (the whole page), highlighting `zone` and showing `overlay`
 * while files hover. When `accepting()` is
 * false (a read-only server) the drop is still caught — otherwise the browser would navigate
 * away to show the dropped file — and `onRefused()` says why nothing happens.
 */
export function watchDrops({ area, zone, overlay, accepting, onFiles, onRefused, onError }) {
  let dragDepth = 0; // enter/leave fire for every child element crossed
  const hover = (on) => {
    zone.classList.toggle("is-over", on);
    overlay.hidden = !on;
  };
  area.addEventListener("dragenter", (e) => {
    if (!accepting() || !carriesFiles(e)) return;
    dragDepth += 1;
    hover(true);
  });
  area.addEventListener("dragleave", () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) hover(false);
  });
  // Only drags that carry files are ours: text dragged into the filter box still drops there.
  const carriesFiles = (e) => e.dataTransfer?.types.includes("Files") === true;
  area.addEventListener("dragover", (e) => {
    if (!carriesFiles(e)) return;
    e.preventDefault(); // without this the browser would open the dropped file instead
    e.dataTransfer.dropEffect = accepting() ? "copy" : "none";
  });
  area.addEventListener("drop", async (e) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    dragDepth = 0;
    hover(false);
    if (!accepting()) return onRefused();
    try {
      onFiles(await filesFromDrop(e.dataTransfer));
    } catch {
      onError();
    }
  });
}
