/**
 * Test support for resumable uploads: the upload fixture's real app over a temp root, plus small
 * helpers for tus requests with fetch.
 * @module
 */

export { filesBelow, withUploadServer } from "../integration/upload_fixture.ts";
export { exists } from "../support/paths.ts";

/** A tus request with `Tus-Resumable: 1.0.0` and `headers`. */
export function tusFetch(
  url: string,
  method: string,
  headers: Record<string, string> = {},
  body?: BodyInit,
): Promise<Response> {
  return fetch(url, { method, headers: { "Tus-Resumable": "1.0.0", ...headers }, body });
}

/** Base64 of UTF-8 text (for Upload-Metadata). */
export function b64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}
