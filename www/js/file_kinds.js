/**
 * What a file is, from its name: the icon it gets and how the page previews it. Pure, no DOM.
 * The server decides the real Content-Type; this only picks a picture and a viewer, so a wrong
 * guess shows a plain icon or a "cannot preview" note, never the wrong bytes.
 * @module
 */

const EXTENSIONS = {
  image: "png jpg jpeg gif webp avif bmp ico svg",
  video: "mp4 m4v webm ogv mov",
  audio: "mp3 m4a aac oga ogg opus wav flac",
  pdf: "pdf",
  markdown: "md markdown",
  code: "js mjs cjs ts tsx jsx json css scss html htm xml py rb go rs java kt c h cc cpp hpp cs " +
    "sh bash zsh fish ps1 sql php pl lua swift dart r toml yaml yml ini cfg conf diff patch",
  text: "txt text log csv tsv env srt vtt rst adoc org tex",
  archive: "zip tar gz tgz bz2 xz zst 7z rar",
};

const KIND_OF_EXTENSION = new Map();
for (const [kind, list] of Object.entries(EXTENSIONS)) {
  for (const ext of list.split(" ")) KIND_OF_EXTENSION.set(ext, kind);
}
/** Names without an extension that are text all the same. */
const TEXT_NAMES = new Set(["readme", "license", "makefile", "dockerfile", "changelog", "notice"]);

/**
 * The kind of a file named `name`: "image", "video", "audio", "pdf", "markdown", "code", "text",
 * "archive" or "file" (anything else).
 */
export function fileKind(name) {
  const lower = name.toLowerCase();
  const dot = lower.lastIndexOf(".");
  if (dot <= 0) return TEXT_NAMES.has(lower) ? "text" : "file";
  return KIND_OF_EXTENSION.get(lower.slice(dot + 1)) ?? "file";
}

/** Whether the page can show a file of `kind` in its preview dialog. */
export function previewable(kind) {
  return kind !== "file" && kind !== "archive";
}

/** Icon outlines on a 16×16 grid, one per kind (folder included). */
export const ICON_PATHS = {
  folder: "M1.5 3.5h4.5l1.5 1.5h7v8.5h-13z",
  file: "M3.5 1.5h6l3 3v10h-9z M9.5 1.5v3h3",
  image: "M2 2.5h12v11h-12z M2 11l3.5-3.5 3 3 2-2 3.5 3.5 M10.5 6a1 1 0 1 0 0.01 0",
  video: "M1.5 3.5h9v9h-9z M10.5 7l4-2.5v7l-4-2.5",
  audio: "M6 12.5a2 2 0 1 1-0.01 0z M8 12.5v-10l5 2v3l-5-2",
  pdf: "M3.5 1.5h6l3 3v10h-9z M9.5 1.5v3h3 M5.5 9h5 M5.5 11.5h5 M5.5 6.5h2",
  markdown: "M1.5 3.5h13v9h-13z M3.5 10.5v-5l2 2.5 2-2.5v5 M11.5 5.5v5 M10 9l1.5 1.5 1.5-1.5",
  code: "M5.5 4.5l-3.5 3.5 3.5 3.5 M10.5 4.5l3.5 3.5-3.5 3.5 M9 3l-2 10",
  text: "M3.5 1.5h6l3 3v10h-9z M9.5 1.5v3h3 M5.5 7.5h5 M5.5 10h5 M5.5 12.5h3",
  archive: "M2.5 2.5h11v11h-11z M7 2.5v2h2v-2 M7 4.5h2v2h-2z M7 6.5v2h2v-2 M6.5 10h3v2h-3z",
  // The row actions
  download: "M8 2v8 M4.5 6.5l3.5 3.5 3.5-3.5 M2.5 13.5h11",
  link:
    "M6.5 9.5l3-3 M7 4.5l1.5-1.5a2.5 2.5 0 0 1 3.5 3.5l-1.5 1.5 M9 11.5l-1.5 1.5a2.5 2.5 0 0 1-3.5-3.5l1.5-1.5",
  rename: "M10.5 2.5l3 3-8 8h-3v-3z M9 4l3 3",
  delete: "M2.5 4.5h11 M6 4.5v-2h4v2 M4 4.5l0.7 9h6.6l0.7-9 M6.5 7v4.5 M9.5 7v4.5",
};
