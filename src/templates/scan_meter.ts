/**
 * A count of the characters the heading scans look at (`heading_text.ts`, `link_text.ts`), so a
 * test can bound the work a hostile heading costs without timing it.
 *
 * This module must not know anything but the count.
 * @module
 */

/** Characters looked at so far; pass one to `headingText`, nothing else reads it. */
export interface ScanMeter {
  steps: number;
}
