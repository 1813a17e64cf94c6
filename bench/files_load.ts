/**
 * Load for the file benchmark besides wrk: single large downloads with curl (speed as curl
 * measured it), and several downloads at once while a server's RSS is sampled.
 *
 * This module must not start servers or judge results.
 * @module
 */

import { rssKiB } from "./proc.ts";

/** Longest a single download may take before curl gives up. */
const CURL_MAX_SECONDS = 120;
/** How often RSS is read while downloads run. */
const RSS_SAMPLE_MS = 20;

/** One finished download. */
export interface Download {
  /** Bytes per second, as curl's `speed_download` reports it. */
  bytesPerSec: number;
  /** Bytes received. */
  bytes: number;
  status: number;
}

/** Downloads `url` with curl into /dev/null. */
export async function curlDownload(url: string): Promise<Download> {
  const out = await new Deno.Command("curl", {
    args: [
      "-s",
      "-o",
      "/dev/null",
      "--max-time",
      String(CURL_MAX_SECONDS),
      "-w",
      "%{http_code} %{size_download} %{speed_download}",
      url,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const [status, bytes, speed] = new TextDecoder().decode(out.stdout).trim().split(" ").map(
    Number,
  );
  return { status, bytes, bytesPerSec: speed };
}

/** RSS of a server before and during concurrent downloads. */
export interface MemoryUnderLoad {
  /** RSS (KiB) right before the downloads, after a quiet pause. */
  idleKiB: number;
  /** Highest RSS (KiB) sampled while they ran. */
  peakKiB: number;
  /** The downloads, each checked for status and size by the caller. */
  downloads: Download[];
}

/**
 * Measures `pid`'s RSS while `clients` curls fetch `url` at once. `quietMs` lets the server
 * settle first (timers, GC) so idle is idle.
 */
export async function memoryUnderDownloads(
  pid: number,
  url: string,
  clients: number,
  quietMs: number,
): Promise<MemoryUnderLoad | null> {
  await new Promise((r) => setTimeout(r, quietMs));
  const idle = await rssKiB(pid);
  if (idle === null) return null;
  let peak = idle;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const rss = await rssKiB(pid);
      if (rss !== null && rss > peak) peak = rss;
      await new Promise((r) => setTimeout(r, RSS_SAMPLE_MS));
    }
  })();
  try {
    const downloads = await Promise.all(Array.from({ length: clients }, () => curlDownload(url)));
    return { idleKiB: idle, peakKiB: peak, downloads };
  } finally {
    running = false;
    await sampler;
  }
}
