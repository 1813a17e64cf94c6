/**
 * Names on disk that no string can name. Deno reads a file name that is not valid UTF-8 with
 * U+FFFD in place of the bad bytes, and has no API that takes the bytes back: the name it gives
 * opens nothing, so no URL and no path built from it reaches the entry. What walks a folder to
 * remove or copy it must tell such an entry apart from one that vanished meanwhile.
 *
 * This module must not know about HTTP.
 * @module
 */

import { join } from "node:path";

/**
 * Whether `name`, as `Deno.readDir(dir)` gave it, was decoded lossily (bytes that are not UTF-8):
 * it holds U+FFFD and nothing is at that name. A real U+FFFD in a valid name is found, and is
 * not lossy.
 */
export async function isLossyName(dir: string, name: string): Promise<boolean> {
  if (!name.includes("\uFFFD")) return false;
  try {
    await Deno.lstat(join(dir, name));
    return false;
  } catch (err) {
    return err instanceof Deno.errors.NotFound;
  }
}
