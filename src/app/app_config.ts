/**
 * Everything the app (routes and handlers) is configured with, and the defaults. The CLI builds
 * one of these from flags and environment; tests build one with `appConfig({...})`.
 *
 * This module must not read flags, the environment or the disk.
 * @module
 */

/** The app's configuration. Sizes in bytes, times in milliseconds or seconds as named. */
export interface AppConfig {
  /** Folder shared at /files/ (absolute or relative to the working directory). */
  directory: string;
  /** Folder served at / instead of the embedded UI, or null for the UI in `www/`. */
  www: string | null;
  /** Answer unknown extensionless paths under / with /index.html (single-page apps). */
  spa: boolean;
  /** Serve and list dotfiles. */
  dotfiles: boolean;
  /** Follow symlinks whose target is outside the root. */
  followSymlinks: boolean;
  /**
   * `--hide` patterns: paths under the web root and the shared folder that are never listed,
   * served or written (see `hidden_paths.ts`).
   */
  hide: readonly string[];
  /**
   * Absolute paths of the settings files wireserve read (`.env`, `--env-file`): private wherever
   * a served folder holds them, like `hide` (see `secret_files.ts`). Plain strings: the config is
   * cloned into every worker.
   */
  secretFiles: readonly string[];
  /** Render `${…}` placeholders in the .html files of `www` (never in the embedded UI). */
  templates: boolean;
  /** Cache-Control max-age for files in seconds, or null for `no-cache`. */
  cacheSeconds: number | null;
  /**
   * How long a file's metadata (and a small file's bytes) is trusted before the disk is checked
   * again, in milliseconds; 0 checks on every request. Edits show up within this time.
   */
  statCacheMs: number;
  /**
   * Most entries a folder listing (`/files/<folder>/`, HTML or JSON) shows; past it the page is
   * marked truncated, and a zip of a folder it would truncate is refused (413). Search and
   * templates keep their own, smaller cap.
   */
  maxListingEntries: number;
  /** Largest accepted upload. */
  maxUploadBytes: number;
  /** Refuse every write. */
  readOnly: boolean;
  /** Refuse writes that would replace an existing file (409). */
  noOverwrite: boolean;
  /**
   * Where resumable uploads keep their partial data and records, or null for
   * `<directory>/.wireserve-uploads` (never served, listed or writable).
   */
  resumableDir: string | null;
  /** How long an untouched incomplete resumable upload is kept, in milliseconds. */
  resumableExpiryMs: number;
  /** Most incomplete resumable uploads at once. */
  resumableMaxUploads: number;
  /** Most bytes reserved by incomplete resumable uploads at once. */
  resumableMaxBytes: number;
  /** Allow DELETE on /files/. */
  allowDelete: boolean;
  /** Allow creating folders (MKCOL) on /files/. */
  allowMkdir: boolean;
  /** Basic credentials "user:pass" protecting writes (or everything with authAll), or null. */
  auth: string | null;
  /** Bearer token protecting writes (or everything with authAll), or null. */
  token: string | null;
  /** Protect reads too, not only writes. */
  authAll: boolean;
  /** Reflect the Origin for CORS, with preflight. */
  cors: boolean;
  /** Largest body /inspect and /anything capture. */
  maxCaptureBytes: number;
  /** Longest /delay in seconds. */
  maxDelaySeconds: number;
  /** Largest /bytes, /stream-bytes, /range and /drip size. */
  maxGeneratedBytes: number;
  /** Allow /redirect-to to send clients to other hosts. */
  allowExternalRedirects: boolean;
  /** Version string shown by the UI's info endpoint. */
  version: string;
  /**
   * A random key (hex) made once per process, in the main thread, and cloned into every worker
   * with the rest of the config: what is signed with it in one worker (a digest-auth nonce)
   * verifies in any other, without shared state. Not a flag: nothing outlives the process.
   */
  processKey: string;
}

/** Bytes of {@link AppConfig.processKey}: 256 bits, as HMAC-SHA-256 keys are best sized. */
const PROCESS_KEY_BYTES = 32;

/** Defaults: safe on a LAN, generous for a single user. */
export const DEFAULT_APP_CONFIG: Readonly<AppConfig> = Object.freeze({
  directory: ".",
  www: null,
  spa: false,
  dotfiles: false,
  followSymlinks: false,
  hide: [],
  secretFiles: [],
  templates: false,
  cacheSeconds: null,
  statCacheMs: 1000,
  maxListingEntries: 100_000,
  maxUploadBytes: 1024 * 1024 * 1024,
  readOnly: false,
  noOverwrite: false,
  resumableDir: null,
  resumableExpiryMs: 24 * 60 * 60 * 1000,
  resumableMaxUploads: 1000,
  resumableMaxBytes: 100 * 1024 * 1024 * 1024,
  allowDelete: false,
  allowMkdir: false,
  auth: null,
  token: null,
  authAll: false,
  cors: false,
  maxCaptureBytes: 1024 * 1024,
  maxDelaySeconds: 10,
  maxGeneratedBytes: 100 * 1024 * 1024,
  allowExternalRedirects: false,
  version: "0.1.0",
  processKey: crypto.getRandomValues(new Uint8Array(PROCESS_KEY_BYTES)).toHex(),
});

/** Defaults overridden by `overrides`. */
export function appConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return { ...DEFAULT_APP_CONFIG, ...overrides };
}
