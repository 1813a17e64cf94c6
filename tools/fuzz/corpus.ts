/**
 * The fuzzer's seeds: valid requests for every feature, as structures (method, target, fields,
 * a body that is raw or chunked) so mutations can work at the level of tokens and framing before
 * the bytes are written. Each one is answered with a 2xx–4xx by a server started on the fixture
 * tree of `fixture.ts`.
 *
 * This module must not know the server's code, sockets or the oracles.
 * @module
 */

/** One chunk of a chunked body, its framing kept apart so it can be bent. */
export interface Chunk {
  /** The chunk-size as written (hex). */
  size: string;
  /** Chunk extensions, with their leading ";". */
  ext: string;
  data: Uint8Array;
  /** What follows the data (CRLF when valid). */
  end: string;
}

/** One request, before serialization. */
export interface RequestSpec {
  method: string;
  target: string;
  version: string;
  headers: Array<[string, string]>;
  /** The line ending used in the head (CRLF when valid). */
  eol: string;
  /** A raw body (sent as is, after the head), or null. */
  body: Uint8Array | null;
  /** A chunked body, or null; the last chunk and trailers follow the chunks. */
  chunks: Chunk[] | null;
  /** The last-chunk line ("0" when valid). */
  lastChunk: string;
  trailers: Array<[string, string]>;
}

/** The id placeholder in tus PATCH targets: the run substitutes an upload it created. */
export const TUS_ID_PLACEHOLDER = "TUSID0000000000000000000000000000";

const encoder = new TextEncoder();
const HEX_RADIX = 16;
const CRLF = "\r\n";
const HOST = "127.0.0.1";
/** An HTTP date in the past, for the conditional requests. */
const PAST_DATE = "Sat, 01 Jan 2000 00:00:00 GMT";
const MULTIPART_BOUNDARY = "----fuzzboundary7MA4YWxkTrZu0gW";

/** A chunk carrying `text`, framed correctly. */
export function chunkOf(data: Uint8Array): Chunk {
  return { size: data.length.toString(HEX_RADIX), ext: "", data, end: CRLF };
}

function req(
  method: string,
  target: string,
  headers: Array<[string, string]> = [],
  body: string | null = null,
  chunked = false,
): RequestSpec {
  const all: Array<[string, string]> = [["Host", HOST], ...headers];
  const bytes = body === null ? null : encoder.encode(body);
  let chunks: Chunk[] | null = null;
  if (bytes !== null && chunked) {
    all.push(["Transfer-Encoding", "chunked"]);
    const cut = Math.floor(bytes.length / 2);
    chunks = [chunkOf(bytes.subarray(0, cut)), chunkOf(bytes.subarray(cut))];
  } else if (bytes !== null) {
    all.push(["Content-Length", String(bytes.length)]);
  }
  return {
    method,
    target,
    version: "HTTP/1.1",
    headers: all,
    eol: CRLF,
    body: chunked ? null : bytes,
    chunks,
    lastChunk: "0",
    trailers: [],
  };
}

const PROPFIND_BODY = `<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:getcontentlength/><D:getlastmodified/><D:resourcetype/>
</D:prop></D:propfind>`;
const LOCK_BODY = `<?xml version="1.0" encoding="utf-8"?>
<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope>
<D:locktype><D:write/></D:locktype><D:owner><D:href>fuzz</D:href></D:owner></D:lockinfo>`;
const PROPPATCH_BODY = `<?xml version="1.0" encoding="utf-8"?>
<D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:fuzz"><D:set><D:prop><Z:color>red</Z:color>
</D:prop></D:set></D:propertyupdate>`;
const MULTIPART_BODY = [
  `--${MULTIPART_BOUNDARY}`,
  `Content-Disposition: form-data; name="file"; filename="form.txt"`,
  "Content-Type: text/plain",
  "",
  "form file contents",
  `--${MULTIPART_BOUNDARY}`,
  `Content-Disposition: form-data; name="note"`,
  "",
  "a field",
  `--${MULTIPART_BOUNDARY}--`,
  "",
].join(CRLF);

/** Every seed request, named. */
export function corpus(): Array<{ name: string; request: RequestSpec }> {
  const tusMeta = `filename ${btoa("tus.bin")}`;
  const entries: Array<[string, RequestSpec]> = [
    ["get-small", req("GET", "/files/small.txt")],
    ["get-range", req("GET", "/files/big.bin", [["Range", "bytes=0-99"]])],
    ["get-ranges", req("GET", "/files/big.bin", [["Range", "bytes=0-9,100-199,-50"]])],
    ["get-suffix-range", req("GET", "/files/big.bin", [["Range", "bytes=-1000"]])],
    [
      "get-if-range",
      req("GET", "/files/big.bin", [["Range", "bytes=10-20"], ["If-Range", PAST_DATE]]),
    ],
    [
      "get-conditional",
      req("GET", "/files/small.txt", [["If-None-Match", `"abc", W/"def"`], [
        "If-Modified-Since",
        PAST_DATE,
      ]]),
    ],
    ["get-gzip", req("GET", "/files/docs/readme.md", [["Accept-Encoding", "gzip, br;q=0.5"]])],
    ["head-big", req("HEAD", "/files/big.bin")],
    ["head-range", req("HEAD", "/files/big.bin", [["Range", "bytes=5-"]])],
    ["get-listing", req("GET", "/files/docs/", [["Accept", "application/json"]])],
    ["get-listing-html", req("GET", "/files/")],
    ["get-ui", req("GET", "/")],
    ["get-info", req("GET", "/api/info")],
    ["get-echo", req("GET", "/echo/hello%20world", [["Accept-Encoding", "gzip"]])],
    ["get-user-agent", req("GET", "/user-agent", [["User-Agent", "fuzz/1.0"]])],
    ["post-inspect", req("POST", "/inspect/x?y=1", [["Content-Type", "text/plain"]], "hello")],
    [
      "post-anything-chunked",
      req("POST", "/anything", [["Content-Type", "application/json"]], `{"a":[1,2,3]}`, true),
    ],
    ["get-status", req("GET", "/status/418")],
    ["get-bytes", req("GET", "/bytes/300")],
    ["get-stream-bytes", req("GET", "/stream-bytes/2000?chunk_size=100")],
    ["get-redirect", req("GET", "/redirect/2")],
    ["get-drip", req("GET", "/drip?numbytes=10&duration=0.1")],
    ["put-raw", req("PUT", "/files/up/raw.txt", [["Content-Type", "text/plain"]], "raw body")],
    ["put-chunked", req("PUT", "/files/up/chunked.txt", [], "chunked upload body", true)],
    [
      "put-continue",
      req("PUT", "/files/up/continue.txt", [["Expect", "100-continue"]], "after continue"),
    ],
    [
      "post-multipart",
      req("POST", "/files/up/", [[
        "Content-Type",
        `multipart/form-data; boundary=${MULTIPART_BOUNDARY}`,
      ]], MULTIPART_BODY),
    ],
    ["delete", req("DELETE", "/files/up/raw.txt")],
    ["mkcol", req("MKCOL", "/files/up/newdir/")],
    ["options-files", req("OPTIONS", "/files/")],
    ["options-star", req("OPTIONS", "*")],
    [
      "propfind",
      req(
        "PROPFIND",
        "/files/",
        [["Depth", "1"], ["Content-Type", "application/xml"]],
        PROPFIND_BODY,
      ),
    ],
    ["propfind-empty", req("PROPFIND", "/files/docs/", [["Depth", "0"]])],
    [
      "proppatch",
      req("PROPPATCH", "/files/small.txt", [["Content-Type", "application/xml"]], PROPPATCH_BODY),
    ],
    [
      "lock",
      req("LOCK", "/files/up/locked.txt", [["Timeout", "Second-5"], ["Depth", "0"]], LOCK_BODY),
    ],
    [
      "unlock",
      req("UNLOCK", "/files/up/locked.txt", [["Lock-Token", "<urn:uuid:00000000-fuzz>"]]),
    ],
    [
      "copy",
      req("COPY", "/files/small.txt", [["Destination", "/files/up/copy.txt"], ["Overwrite", "T"]]),
    ],
    [
      "move",
      req("MOVE", "/files/up/copy.txt", [["Destination", "http://127.0.0.1/files/up/moved.txt"]]),
    ],
    [
      "tus-create",
      req("POST", "/files/up/", [["Tus-Resumable", "1.0.0"], ["Upload-Length", "10"], [
        "Upload-Metadata",
        tusMeta,
      ]]),
    ],
    [
      "tus-create-with-upload",
      req("POST", "/files/up/", [
        ["Tus-Resumable", "1.0.0"],
        ["Upload-Length", "5"],
        ["Upload-Metadata", tusMeta],
        ["Content-Type", "application/offset+octet-stream"],
      ], "12345"),
    ],
    [
      "tus-patch",
      req("PATCH", `/api/uploads/${TUS_ID_PLACEHOLDER}`, [
        ["Tus-Resumable", "1.0.0"],
        ["Upload-Offset", "0"],
        ["Content-Type", "application/offset+octet-stream"],
      ], "abc"),
    ],
    ["tus-head", req("HEAD", `/api/uploads/${TUS_ID_PLACEHOLDER}`, [["Tus-Resumable", "1.0.0"]])],
    [
      "draft-create",
      req("POST", "/files/up/draft.bin", [["Upload-Complete", "?0"], [
        "Upload-Draft-Interop-Version",
        "6",
      ]], "part"),
    ],
    ["http10", {
      ...req("GET", "/files/small.txt", [["Connection", "keep-alive"]]),
      version: "HTTP/1.0",
    }],
    ["absolute-form", req("GET", "http://127.0.0.1/files/small.txt")],
    ["close", req("GET", "/echo/bye", [["Connection", "close"]])],
  ];
  return entries.map(([name, request]) => ({ name, request }));
}

/** The bytes of `r` as a client would write them. */
export function serialize(r: RequestSpec): Uint8Array {
  let head = `${r.method} ${r.target} ${r.version}${r.eol}`;
  for (const [name, value] of r.headers) head += `${name}: ${value}${r.eol}`;
  head += r.eol;
  const parts: Uint8Array[] = [encoder.encode(head)];
  if (r.body !== null) parts.push(r.body);
  if (r.chunks !== null) {
    for (const c of r.chunks) {
      parts.push(encoder.encode(`${c.size}${c.ext}${CRLF}`), c.data, encoder.encode(c.end));
    }
    let tail = `${r.lastChunk}${CRLF}`;
    for (const [name, value] of r.trailers) tail += `${name}: ${value}${CRLF}`;
    parts.push(encoder.encode(tail + CRLF));
  }
  return concat(parts);
}

/** `parts` joined. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A deep copy, so a mutation never touches the corpus. */
export function cloneRequest(r: RequestSpec): RequestSpec {
  return {
    ...r,
    headers: r.headers.map(([n, v]) => [n, v]),
    body: r.body === null ? null : r.body.slice(),
    chunks: r.chunks === null ? null : r.chunks.map((c) => ({ ...c, data: c.data.slice() })),
    trailers: r.trailers.map(([n, v]) => [n, v]),
  };
}
