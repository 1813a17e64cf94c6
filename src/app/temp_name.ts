/**
 * The names of temporary upload files: the one contract between the features that write files
 * (they stream into a temp name and rename it into place) and the ones that read them (they never
 * list, serve or overwrite a temp name, whatever the flags). A temp name is
 * `.<up to 128 bytes of the final name>.wireserve-<16 hex>.tmp`: it starts with "." so listings
 * that hide dotfiles hide it, and it stays under the 255-byte name limit.
 *
 * This module must not touch the file system or know about HTTP.
 * @module
 */

/**
 * UTF-8 bytes of the final name kept in the temp name: with the 32 bytes of marks around it the
 * temp name stays well under the 255-byte limit.
 */
export const TEMP_NAME_KEEP_BYTES = 128;
/** Random bytes in a temp name: collisions between concurrent uploads are not a concern. */
const TEMP_RANDOM_BYTES = 8;
const TEMP_MARK = ".wireserve-";
const TEMP_SUFFIX = ".tmp";
const TEMP_PATTERN = /^\..*\.wireserve-[0-9a-f]{16}\.tmp$/s;
const HEX_RADIX = 16;
const encoder = new TextEncoder();
const HEX_BYTE_DIGITS = 2;

/** Whether `name` is one of our temporary upload names (listings and writes skip them). */
export function isTempFileName(name: string): boolean {
  return TEMP_PATTERN.test(name);
}

/** A fresh temp name (random, not yet used) for an upload that will become `finalName`. */
export function tempNameFor(finalName: string): string {
  return `.${utf8Prefix(finalName, TEMP_NAME_KEEP_BYTES)}${TEMP_MARK}${randomHex()}${TEMP_SUFFIX}`;
}

/** The longest prefix of `s` of whole characters within `maxBytes` of UTF-8. */
function utf8Prefix(s: string, maxBytes: number): string {
  let bytes = 0;
  let out = "";
  for (const ch of s) {
    bytes += encoder.encode(ch).length;
    if (bytes > maxBytes) break;
    out += ch;
  }
  return out;
}

function randomHex(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(TEMP_RANDOM_BYTES));
  return Array.from(bytes, (b) => b.toString(HEX_RADIX).padStart(HEX_BYTE_DIGITS, "0")).join("");
}
