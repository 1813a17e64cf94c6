/**
 * Making the resumable uploads' state folder (mode 0700), and whether it would be served as part
 * of the shared folder. `--resumable-dir` must lie outside it, and the CLI compares the spellings;
 * this compares the real paths, once the folder exists, so a symlink on the way cannot put it back
 * inside (`--resumable-dir /srv/alias/state` with `alias -> /srv/share/docs`).
 *
 * Security reasoning:
 * - refuse: a state folder inside the shared folder under any other name than the reserved one
 *   is listed, served, searched, zipped and writable like any folder — other clients' partial
 *   uploads, their metadata, and records a client could rewrite to redirect an upload.
 * - allow: the default place, `<shared folder>/.wireserve-uploads`, or anything below a folder of
 *   that reserved name: the read and write sides never serve, list or write it, at any depth.
 * - refuse: the default place only while it is a real folder, looked at again at each use by the
 *   store (`upload_store.ts`): a link there made every partial upload, record and lock file land
 *   wherever it led, and their removal delete there.
 *
 * This module must not know about HTTP.
 * @module
 */

import { realSegmentsInside } from "../app/real_path_inside.ts";
import { isStateFolderName, makeStateFolder, STATE_FOLDER_MODE } from "../app/state_folder.ts";

/** The state folder would be served: resumable uploads stay off rather than publish it. */
export class StateFolderServed extends Error {
  constructor() {
    super("Cannot keep resumable uploads: the state folder is inside the shared folder");
    this.name = "StateFolderServed";
  }
}

/**
 * Whether the folder `stateDir` really lies inside the shared folder `root` outside every reserved
 * state-folder name. A root that cannot be resolved serves nothing: false.
 */
export async function stateFolderServed(stateDir: string, root: string): Promise<boolean> {
  const inside = await realSegmentsInside(stateDir, root);
  return inside !== null && !inside.some(isStateFolderName);
}

/**
 * Makes the state folder `stateDir` (0700, with its parents) and, given the shared folder `root`,
 * throws {@link StateFolderServed} when it really lies inside it; null `root` checks nothing (a
 * store that only sweeps). `inShare`: the reserved folder inside the share, made alone (the share
 * exists) and refused when something else than a real folder stands there (`StateFolderNotReal`).
 */
export async function prepareStateFolder(
  stateDir: string,
  root: string | null,
  inShare = false,
): Promise<void> {
  // refuse: the share's own state folder is never reached through a link (src/app/state_folder.ts)
  if (inShare) await makeStateFolder(stateDir, STATE_FOLDER_MODE);
  else await Deno.mkdir(stateDir, { recursive: true, mode: STATE_FOLDER_MODE });
  // refuse: a state folder the shared folder reaches (through a symlink on the way) would
  // publish every partial upload and let a client rewrite its record
  if (root !== null && await stateFolderServed(stateDir, root)) {
    await Deno.remove(stateDir).catch(() => {}); // not recursive: only if still empty
    throw new StateFolderServed();
  }
}
