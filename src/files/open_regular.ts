/**
 * Opening a file that should be a regular file, without waiting on what is not one. Opening a
 * FIFO for reading blocks until a writer opens it, which may be never: a file swapped for a FIFO
 * between the moment its facts were read (a cached stat, a listing) and its open held the request
 * and a runtime thread for good, and kept a graceful shutdown from ending (a probe showed it). So
 * the path is looked at once more just before the open, and only a regular file is opened; what
 * is opened is still checked by its caller (`file.stat()`: size, time, inode), as before.
 *
 * The window left is the one between that look and the open, microseconds instead of up to the
 * stat cache's period: Deno's open takes no O_NONBLOCK.
 *
 * This module must not know HTTP.
 * @module
 */

/** The path named something other than a regular file when it was about to be opened. */
export class NotRegularFile extends Error {
  constructor(path: string) {
    super(`Not a regular file: ${path}`);
    this.name = "NotRegularFile";
  }
}

/**
 * `path` opened for reading when it names a regular file (links followed); throws
 * `NotRegularFile` when it names anything else, and what `Deno.stat` or `Deno.open` throw.
 */
export async function openRegularFile(path: string): Promise<Deno.FsFile> {
  const st = await Deno.stat(path);
  if (!st.isFile) throw new NotRegularFile(path);
  return await Deno.open(path, { read: true });
}

/**
 * {@link openRegularFile} with its look synchronous, for opens on a request's path
 * (`served_root.ts`): a stat never waits on what it looks at, and its round trip to a runtime
 * thread cost more than the call. The open stays asynchronous: a FIFO swapped in between the look
 * and the open then holds a runtime thread, not the event loop (a synchronous open froze its
 * worker for good in a review).
 */
export function openRegularFileQuick(path: string): Promise<Deno.FsFile> {
  const st = Deno.statSync(path);
  if (!st.isFile) throw new NotRegularFile(path);
  return Deno.open(path, { read: true });
}
