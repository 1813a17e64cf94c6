/**
 * A settings file's text (the env file, a PEM certificate or key), read with a bound: a path
 * that names something endless (`--env-file /dev/zero`) or huge grew memory by 200 MB a second
 * until the process was killed, before any check could refuse it.
 *
 * This module must not parse what it reads.
 * @module
 */

/** More than any settings file, certificate chain or key needs. */
export const MAX_SETTINGS_FILE_BYTES = 1024 * 1024;

/** What a file holds past the bound (the caller says it in its own words). */
export class FileTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`larger than ${maxBytes / 1024 / 1024} MiB`);
  }
}

/** The UTF-8 text of `path`; throws `FileTooLarge` past `maxBytes`, or the read's own error. */
export async function readSmallText(
  path: string,
  maxBytes: number = MAX_SETTINGS_FILE_BYTES,
): Promise<string> {
  using file = await Deno.open(path);
  const buf = new Uint8Array(maxBytes + 1);
  let filled = 0;
  while (filled < buf.length) {
    const n = await file.read(buf.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  if (filled > maxBytes) throw new FileTooLarge(maxBytes);
  return new TextDecoder().decode(buf.subarray(0, filled));
}
