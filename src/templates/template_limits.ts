/**
 * The bounds of rendering one page: whatever a template (or a folder it lists) holds, a render
 * reads, loops and writes a bounded amount, and the cache of rendered pages stays bounded. Each
 * is listed in docs/limits.md with what happens past it.
 *
 * This module must not know anything but numbers.
 * @module
 */

/** Largest page, include or Markdown file read as a source; past it, an error box. */
export const MAX_SOURCE_BYTES = 1024 * 1024;
/** Deepest chain of includes (a page including a partial is depth 1); past it, an error box. */
export const MAX_INCLUDE_DEPTH = 8;
/** Longest rendered page in characters (UTF-16 units); past it rendering stops, error box. */
export const MAX_RENDERED_CHARS = 4 * 1024 * 1024;
/** Most entries one `folder(...)` yields (its `limit` may ask for fewer). */
export const MAX_FOLDER_ENTRIES = 1000;
/**
 * Most names one `folder(...)` looks at to find its first MAX_FOLDER_ENTRIES by name; a folder
 * holding more is an error box. Every name is compared (and weighs one render step), and in the
 * worst disk order each is stat'ed: 100,000 bounds that to a fraction of a second.
 */
export const MAX_FOLDER_NAMES = 100_000;
/** Most loop iterations in one render, all loops together; past it, an error box. */
export const MAX_LOOP_ITERATIONS = 10_000;
/**
 * Most steps one render takes, includes and loops together: every node walked (text, value,
 * `if`, `include`, …) and every loop iteration is one. Past it rendering stops, error box. A
 * page including a partial 5,000 times that itself includes one 5,000 times is 25 million steps
 * (measured: over a minute of one worker) though every other bound holds; real pages take a few
 * thousand.
 */
export const MAX_RENDER_STEPS = 200_000;
/**
 * Steps a render takes before it lets the worker's other requests run (one timer turn, so
 * sockets are polled too); a page shorter than this never waits.
 */
export const STEPS_PER_TURN = 10_000;
/**
 * Most `${for}` and `${if}` blocks open at once in one file; the block past it is an error box
 * and the rest of the file is not shown. Without it, 4,000 nested blocks (96 KB) overflowed the
 * render's stack (a 500), and 55,000 unclosed ones took 26 s to parse; real pages nest a few.
 */
export const MAX_NESTING = 100;
/** Longest placeholder between `${` and `}`; a longer one is an error box. */
export const MAX_PLACEHOLDER_CHARS = 1000;
/** Bytes read from the top of each listed Markdown file for its title, date and description. */
export const META_READ_BYTES = 16 * 1024;
/** Rendered bytes the page cache holds (all pages and query variants together). */
export const MAX_RENDER_CACHE_BYTES = 16 * 1024 * 1024;
/** Rendered variants the page cache holds. */
export const MAX_RENDER_CACHE_ENTRIES = 1024;
/** Rendered variants of the root's `404.html` kept apart (one per missing path it shows). */
export const MAX_ERROR_PAGE_CACHE_ENTRIES = 64;
/** Listed files whose title, date and description are remembered between renders. */
export const MAX_META_CACHE_ENTRIES = 4096;

/**
 * Bytes of Markdown source that weigh one render step, at each use: a file is rendered in one
 * synchronous go (once per render), and markdown-it with the sanitiser takes 0.2–1.5 s per MiB
 * depending on what it holds (measured; blank lines 0.6 s and render to nothing). A 1 MiB file
 * weighs 104,858 steps, so one page shows at most ~1.9 MiB of Markdown, about 2 s of one worker
 * at worst. At 100 bytes a step a page could render 20 distinct 1 MiB files (tens of seconds).
 */
export const MARKDOWN_BYTES_PER_STEP = 10;
