/**
 * Test support for what the server may not read: a share where some files and folders have no
 * permissions for it, and wireserve run over it as a real process for which file permissions hold
 * (as another user, or as root without the capabilities that read anything:
 * `withoutReadOverride`). Where that cannot be, the test is skipped and its name says why.
 * @module
 */

import { join } from "node:path";
import { spawnWireserve, withoutReadOverride } from "./wireserve_process.ts";

const WRAPPER = await withoutReadOverride();

/** A test over an unreadable share: its name, whether it must be skipped anyway, its body. */
export function unreadableTest(
  name: string,
  fn: () => Promise<void>,
  skip = false,
): void {
  Deno.test({
    name: name +
      (WRAPPER === null
        ? " (skipped: running as root without setpriv to drop its read override)"
        : ""),
    ignore: WRAPPER === null || skip || Deno.build.os === "windows",
    fn,
  });
}

/** The share as `withUnreadableShare` made it, and the server over it. */
export interface UnreadableShare {
  /** The shared folder. */
  root: string;
  /** `http://127.0.0.1:<port>` */
  base: string;
}

/**
 * Makes a share (`make` fills it), takes the permission bits `modes` gives its paths (relative),
 * runs wireserve over it with `args` as a process the modes hold for, and runs `fn`; then stops
 * the server, gives every path in `modes` its permissions back, runs `afterwards` (what is left
 * on disk can be read again) and removes the share. Only inside an `unreadableTest`.
 */
export async function withUnreadableShare(
  make: (root: string) => Promise<void>,
  modes: Record<string, number>,
  args: readonly string[],
  fn: (share: UnreadableShare) => Promise<void>,
  afterwards: (root: string) => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  if (WRAPPER === null) throw new Error("withUnreadableShare runs only where file modes hold");
  const root = await Deno.makeTempDir({ prefix: "wireserve-unreadable-" });
  await Deno.chmod(root, 0o755);
  await make(root);
  for (const [path, mode] of Object.entries(modes)) await Deno.chmod(join(root, path), mode);
  const p = spawnWireserve([root, "--port", "0", "--log", "off", "--quiet", ...args], {
    wrapper: WRAPPER,
  });
  try {
    await fn({ root, base: `http://127.0.0.1:${await p.port()}` });
  } finally {
    p.child.kill("SIGTERM");
    await p.exit();
    for (const path of Object.keys(modes)) await Deno.chmod(join(root, path), 0o755);
    try {
      await afterwards(root);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  }
}
