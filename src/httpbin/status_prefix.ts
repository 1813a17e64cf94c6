/**
 * Where the code list starts in `/status/…`: the route table's and the handler's, apart so that
 * the table names its path without loading the handler (the table loads its handlers on demand).
 * @module
 */

/** Where the code list starts in `/status/…`. */
export const STATUS_PREFIX = "/status/";
