/**
 * Browser tests that need issue 16's server side (built on the ui-server branch, see
 * /work/brief/UI_CONTRACT.md): `?q=` search, `?zip`, the `WireserveBasic` challenge for requests
 * marked `X-Wireserve-UI: 1`, `/api/qr`, `lanUrls`, and the listing's upload form. They are
 * written against the contract and skipped until both branches are merged: then set
 * {@link SERVER_PARTS_LANDED} to true (or run with `WIRESERVE_UI_CONTRACT=1`).
 * @module
 */

/** Whether the server side of issue 16 is in this tree. */
export const SERVER_PARTS_LANDED: boolean = false ||
  Deno.env.get("WIRESERVE_UI_CONTRACT") === "1";
