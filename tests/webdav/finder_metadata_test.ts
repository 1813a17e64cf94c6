/**
 * Finder's metadata names are recognised from the raw path, encoded or not.
 */

import { assertEquals } from "../support/assert.ts";
import { isFinderMetadata } from "../../src/webdav/finder_metadata.ts";

Deno.test("isFinderMetadata knows AppleDouble files and the volume names, nothing else", () => {
  const cases: Array<[string, boolean]> = [
    ["/files/._photo.jpg", true],
    ["/files/dir/._x", true],
    ["/files/%2E_x", true],
    ["/files/.DS_Store", true],
    ["/files/dir/.DS_Store/", true],
    ["/files/.Trashes", true],
    ["/files/.Spotlight-V100", true],
    ["/files/._", true],
    ["/files/photo.jpg", false],
    ["/files/._dir/file.txt", false],
    ["/files/.env", false],
    ["/files/_x", false],
    ["/files/%2Fx", false],
    ["/files/%zz", false],
  ];
  for (const [path, want] of cases) assertEquals(isFinderMetadata(path), want, path);
});
