/**
 * wireserve's version: printed by `--version`, shown in the banner and the UI. The release
 * workflow refuses a tag `vX.Y.Z` that differs from it.
 *
 * This module must not import anything.
 * @module
 */

/** The version, without a leading "v". */
export const VERSION = "0.1.0";
