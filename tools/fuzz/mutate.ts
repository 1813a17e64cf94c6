/**
 * Mutations of a request, at three levels: tokens of the head (method, target, version, field
 * names and values, separators, line endings), framing (Content-Length, Transfer-Encoding, chunk
 * sizes and ends, trailers, Expect, body length) and raw bytes of the serialized request
 * (flips, inserts, deletions, duplications, long runs, truncation). Every choice comes from the
 * `Random` it is given.
 *
 * This module must not know sockets or the oracles.
 * @module
 */

import { type Chunk, chunkOf, cloneRequest, type RequestSpec } from "./corpus.ts";
import type { Random } from "./random.ts";

const encoder = new TextEncoder();

/** Tokens that have broken HTTP parsers somewhere. */
const INTERESTING_TOKENS = [
  "",
  " ",
  "0",
  "-1",
  "+1",
  "1.5",
  "0x10",
  "00000000000000000000001",
  "99999999999999999999",
  "18446744073709551616",
  "9007199254740993",
  "chunked",
  "Chunked",
  "chunked, chunked",
  "gzip, chunked",
  "chunked, gzip",
  "identity",
  "100-continue",
  "close",
  "keep-alive, close",
  "Upgrade",
  "h2c",
  "HTTP/1.0",
  "HTTP/1.2",
  "HTTP/2.0",
  "HTTP/1.1 ",
  "http/1.1",
  "bytes=0-",
  "bytes=-0",
  "bytes=5-1",
  "bytes=0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0",
  "bytes=99999999999999999999-",
  "*",
  "/",
  "..",
  "/files/../../../etc/passwd",
  "/files/%2e%2e/%2e%2e/etc/passwd",
  "/files/%00",
  "/files/..%2f..%2f",
  "/files/.wireserve-uploads/",
  "/files/up/.x.wireserve-0123456789abcdef.tmp",
  "/files/%ff%fe",
  "\u00e9",
  "\u0000",
  "\t",
  "a\rb",
  "a\nb",
  ";",
  ",",
  ":",
  '"',
  "=",
  "Infinity",
  "?0",
  "?1",
  "Second-0",
  "Second-99999999999",
  "<urn:uuid:x>",
  "(<urn:uuid:x>)",
  "</files/small.txt> (Not <DAV:no-lock>)",
];
const METHODS = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "OPTIONS",
  "TRACE",
  "CONNECT",
  "PATCH",
  "PROPFIND",
  "PROPPATCH",
  "MKCOL",
  "COPY",
  "MOVE",
  "LOCK",
  "UNLOCK",
  "get",
  "G ET",
  "BREW",
  "",
];
const FIELD_NAMES = [
  "Content-Length",
  "Transfer-Encoding",
  "Host",
  "Expect",
  "Connection",
  "Range",
  "If-Range",
  "If-None-Match",
  "If-Match",
  "If-Modified-Since",
  "Content-Type",
  "Content-Encoding",
  "Accept-Encoding",
  "Authorization",
  "Destination",
  "Depth",
  "Overwrite",
  "If",
  "Lock-Token",
  "Timeout",
  "Tus-Resumable",
  "Upload-Offset",
  "Upload-Length",
  "Upload-Metadata",
  "Upload-Complete",
  "Upload-Draft-Interop-Version",
  "Upload-Checksum",
  "Origin",
  "Trailer",
  "Te",
  "Upgrade",
];
const LINE_ENDINGS = ["\n", "\r", "\r\r\n", "\n\r", " \r\n"];
const INTERESTING_BYTES = [0x00, 0x09, 0x0a, 0x0d, 0x20, 0x22, 0x2c, 0x3a, 0x3b, 0x7f, 0x80, 0xff];
/** Longest run a mutation inserts: past the 32 KiB head limit, under a second of writing. */
const MAX_RUN_BYTES = 40 * 1024;
const HEX_RADIX = 16;

type Mutation = (r: RequestSpec, rnd: Random) => void;

/** Mutations of the head's tokens. */
const TOKEN_MUTATIONS: Mutation[] = [
  (r, rnd) => r.method = rnd.pick(METHODS),
  (r, rnd) => r.target = rnd.pick(INTERESTING_TOKENS),
  (r, rnd) => r.target += rnd.pick(INTERESTING_TOKENS),
  (r, rnd) => r.target = r.target.replace("/", "/" + rnd.pick(["./", "../", "%2f", "//", "~"])),
  (r, rnd) => r.version = rnd.pick(INTERESTING_TOKENS),
  (r, rnd) => r.eol = rnd.pick(LINE_ENDINGS),
  (r, rnd) => setField(r, rnd.pick(FIELD_NAMES), rnd.pick(INTERESTING_TOKENS)),
  (r, rnd) => r.headers.push([rnd.pick(FIELD_NAMES), rnd.pick(INTERESTING_TOKENS)]),
  (r, rnd) => {
    if (r.headers.length > 0) r.headers.splice(rnd.below(r.headers.length), 1);
  },
  (r, rnd) => {
    if (r.headers.length > 0) r.headers.push(r.headers[rnd.below(r.headers.length)]);
  },
  (r, rnd) => {
    if (r.headers.length < 2) return;
    const i = rnd.below(r.headers.length);
    const j = rnd.below(r.headers.length);
    [r.headers[i], r.headers[j]] = [r.headers[j], r.headers[i]];
  },
  (r, rnd) => {
    if (r.headers.length === 0) return;
    const i = rnd.below(r.headers.length);
    const [n, v] = r.headers[i];
    r.headers[i] = [rnd.pick([n.toUpperCase(), n.toLowerCase(), n + " ", " " + n, n + "\t"]), v];
  },
  (r, rnd) => {
    if (r.headers.length === 0) return;
    const i = rnd.below(r.headers.length);
    const [n, v] = r.headers[i];
    // obs-fold, a value split over two lines (RFC 9112 §5.2).
    r.headers[i] = [n, rnd.pick([`${v}\r\n ${v}`, `\r\n\t${v}`, `${v}\r\n`, ` ${v} `, `${v}\0`])];
  },
  (r, rnd) => {
    if (r.headers.length === 0) return;
    const i = rnd.below(r.headers.length);
    r.headers[i] = [r.headers[i][0], r.headers[i][1] + rnd.pick(INTERESTING_TOKENS)];
  },
  (r, rnd) => r.headers.push(["X-Long", "v".repeat(rnd.between(1, MAX_RUN_BYTES))]),
  (r, rnd) => {
    const many = rnd.between(50, 150);
    for (let i = 0; i < many; i++) r.headers.push([`X-F${i}`, "1"]);
  },
];

/** Mutations of the body's framing. */
const FRAMING_MUTATIONS: Mutation[] = [
  (r, rnd) => {
    const length = bodyLength(r);
    setField(
      r,
      "Content-Length",
      rnd.pick([
        String(length + 1),
        String(Math.max(0, length - 1)),
        "0",
        "1099511627776",
        "99999999999999999999",
        `${length}, ${length}`,
        `${length},${length + 1}`,
        ` ${length}`,
        `+${length}`,
        `-${length}`,
        `0x${length.toString(HEX_RADIX)}`,
      ]),
    );
  },
  (r) => r.headers.push(["Content-Length", String(bodyLength(r))]),
  (r, rnd) => r.headers.push(["Transfer-Encoding", rnd.pick(["chunked", "identity", "gzip"])]),
  (r) => toChunked(r),
  (r) => toRaw(r),
  (r, rnd) => {
    toChunked(r);
    const c = rnd.pick(r.chunks!);
    c.size = rnd.pick([
      "ffffffffffffffff",
      "10000000000", // 1 TiB, far past any --max-upload
      "fffffff",
      "-1",
      " 3",
      "3 ",
      "0x3",
      "",
      "g",
      (c.data.length + 1).toString(HEX_RADIX),
      "0" + c.size,
      "00000000000000000000000000000003",
    ]);
  },
  (r, rnd) => {
    toChunked(r);
    rnd.pick(r.chunks!).ext = rnd.pick([
      ";a=b",
      ';a="b;c"',
      ";",
      "; a = b",
      ";" + "e".repeat(rnd.between(1, 8 * 1024)),
      ";a=b".repeat(rnd.between(1, 2000)),
    ]);
  },
  (r, rnd) => {
    toChunked(r);
    rnd.pick(r.chunks!).end = rnd.pick(["", "\n", "\r", "XX", "\r\n\r\n"]);
  },
  (r, rnd) => {
    toChunked(r);
    r.lastChunk = rnd.pick(["", "00", "0;x=y", "0 ", "1"]);
  },
  (r, rnd) => {
    toChunked(r);
    const many = rnd.between(1, 3000);
    for (let i = 0; i < many; i++) r.chunks!.push(chunkOf(encoder.encode("x")));
  },
  (r, rnd) => {
    toChunked(r);
    r.trailers.push([rnd.pick(FIELD_NAMES), rnd.pick(INTERESTING_TOKENS)]);
    if (rnd.chance(0.2)) r.trailers.push(["X-T", "t".repeat(rnd.between(1, 20 * 1024))]);
  },
  (r, rnd) => setField(r, "Expect", rnd.pick(["100-continue", "100-Continue", "200-ok", ""])),
  (r, rnd) => {
    if (r.body === null) return;
    r.body = r.body.subarray(0, rnd.below(r.body.length + 1));
  },
  (r, rnd) => {
    const extra = encoder.encode(rnd.pick([
      "GET /files/small.txt HTTP/1.1\r\nHost: x\r\n\r\n",
      "0\r\n\r\n",
      "\r\n",
      "x".repeat(rnd.between(1, 1000)),
    ]));
    r.body = r.body === null ? extra : join(r.body, extra);
  },
  (r, rnd) => {
    // A large declared body that is actually sent: crosses --max-upload and --max-capture.
    const size = rnd.between(1, 100 * 1024);
    r.body = new Uint8Array(size).fill(0x61);
    r.chunks = null;
    setField(r, "Content-Length", String(size));
    r.headers = r.headers.filter(([n]) => n.toLowerCase() !== "transfer-encoding");
  },
];

/** `request` changed by one to three mutations of its tokens and framing. */
export function mutateRequest(request: RequestSpec, rnd: Random): RequestSpec {
  const r = cloneRequest(request);
  const count = rnd.between(1, 3);
  for (let i = 0; i < count; i++) {
    rnd.pick(rnd.chance(0.5) ? TOKEN_MUTATIONS : FRAMING_MUTATIONS)(r, rnd);
  }
  return r;
}

/** `bytes` changed by one to four byte-level mutations. */
export function mutateBytes(bytes: Uint8Array, rnd: Random): Uint8Array {
  let b = bytes;
  const count = rnd.between(1, 4);
  for (let i = 0; i < count; i++) {
    const at = rnd.below(b.length + 1);
    switch (rnd.below(7)) {
      case 0: // flip a bit
        if (b.length > 0) {
          b = b.slice();
          b[Math.min(at, b.length - 1)] ^= 1 << rnd.below(8);
        }
        break;
      case 1: // an interesting byte in place
        if (b.length > 0) {
          b = b.slice();
          b[Math.min(at, b.length - 1)] = rnd.pick(INTERESTING_BYTES);
        }
        break;
      case 2: // insert interesting bytes
        b = join(b.subarray(0, at), Uint8Array.of(rnd.pick(INTERESTING_BYTES)), b.subarray(at));
        break;
      case 3: // delete a range
        b = join(b.subarray(0, at), b.subarray(Math.min(b.length, at + rnd.between(1, 16))));
        break;
      case 4: { // duplicate a range
        const end = Math.min(b.length, at + rnd.between(1, 64));
        b = join(b.subarray(0, end), b.subarray(at, end), b.subarray(end));
        break;
      }
      case 5: // a long run of one byte
        b = join(
          b.subarray(0, at),
          new Uint8Array(rnd.between(1, MAX_RUN_BYTES)).fill(
            rnd.pick([0x41, 0x20, 0x0d, 0x0a, 0x00]),
          ),
          b.subarray(at),
        );
        break;
      default: // truncate
        b = b.subarray(0, at);
    }
  }
  return b;
}

function setField(r: RequestSpec, name: string, value: string): void {
  const lower = name.toLowerCase();
  const i = r.headers.findIndex(([n]) => n.toLowerCase() === lower);
  if (i >= 0) r.headers[i] = [r.headers[i][0], value];
  else r.headers.push([name, value]);
}

function bodyLength(r: RequestSpec): number {
  return r.body?.length ?? r.chunks?.reduce((n, c) => n + c.data.length, 0) ?? 0;
}

function toChunked(r: RequestSpec): void {
  if (r.chunks !== null) return;
  const data = r.body ?? encoder.encode("data");
  const cut = Math.floor(data.length / 2);
  r.chunks = [chunkOf(data.subarray(0, cut)), chunkOf(data.subarray(cut))];
  r.body = null;
  r.headers = r.headers.filter(([n]) => n.toLowerCase() !== "content-length");
  setField(r, "Transfer-Encoding", "chunked");
}

function toRaw(r: RequestSpec): void {
  if (r.chunks === null) return;
  r.body = join(...r.chunks.map((c: Chunk) => c.data));
  r.chunks = null;
  r.headers = r.headers.filter(([n]) => n.toLowerCase() !== "transfer-encoding");
  setField(r, "Content-Length", String(r.body.length));
}

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
