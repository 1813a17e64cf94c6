/**
 * The paths of the sample documents (`documents.ts`), apart so that the route table names them
 * without loading the documents (the table loads its handlers on demand).
 * @module
 */

/** The sample documents' paths. */
export const DOCUMENT_PATHS = [
  "/json",
  "/xml",
  "/html",
  "/encoding/utf8",
  "/forms/post",
  "/robots.txt",
  "/deny",
] as const;

/** One sample document's path. */
export type DocumentPath = typeof DOCUMENT_PATHS[number];
