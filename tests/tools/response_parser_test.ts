/**
 * The fuzzer's response oracle: well-formed streams parse whole; each named fault a server could
 * make is reported — so the fuzzer cannot pass a server that sends it.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { parseResponseStream } from "../../tools/fuzz/response_parser.ts";

const ok = (body: string, extra = "") =>
  `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;

Deno.test("response parser reads pipelined, chunked, interim, 204/304 and close-delimited answers", () => {
  const stream = [
    "HTTP/1.1 100 Continue\r\n\r\n",
    ok("hello"),
    "HTTP/1.1 204 No Content\r\nX: y\r\n\r\n",
    "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: v\r\n\r\n",
    "HTTP/1.1 418 \r\n\r\nuntil the close",
  ].join("");
  const r = parseResponseStream(new TextEncoder().encode(stream));
  assertEquals(r.error, null);
  assertEquals(r.responses.map((x) => [x.status, x.bodyBytes]), [
    [100, 0],
    [200, 5],
    [204, 0],
    [304, 0],
    [200, 5],
    [418, 15],
  ]);
});

Deno.test("response parser takes a body-less answer as HEAD's only when HEAD was possible", () => {
  const stream = new TextEncoder().encode(
    "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n" + ok("x"),
  );
  assertEquals(parseResponseStream(stream, { mayBeHead: true }).error, null);
  assert(parseResponseStream(stream).error !== null, "without HEAD the next response is its body");
});

const FAULTS: Array<[string, string]> = [
  ["bare_lf_in_head", "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n"],
  ["bare_cr_in_field", "HTTP/1.1 200 OK\r\nX: a\rb\r\nContent-Length: 0\r\n\r\n"],
  ["obs_fold", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 0\r\n\r\n"],
  ["http10_status_line", "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"],
  ["two_digit_status", "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n"],
  ["status_600", "HTTP/1.1 600 Odd\r\nContent-Length: 0\r\n\r\n"],
  ["no_space_after_status", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"],
  ["space_before_colon", "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n"],
  ["nul_in_value", "HTTP/1.1 200 OK\r\nX: a\0b\r\nContent-Length: 0\r\n\r\n"],
  ["two_content_lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx"],
  [
    "cl_with_te",
    "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
  ],
  ["te_not_chunked_last", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"],
  ["signed_content_length", "HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\nx"],
  ["body_on_204", "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"],
  ["framing_on_100", "HTTP/1.1 100 Continue\r\nContent-Length: 0\r\n\r\n" + ok("")],
  ["cut_short_body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"],
  ["cut_short_head", "HTTP/1.1 200 OK\r\nContent-Len"],
  ["bad_chunk_size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"],
  [
    "chunk_without_crlf",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n0\r\n\r\n",
  ],
  ["no_last_chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n"],
  ["garbage_between", ok("a") + "junk" + ok("b")],
  ["bytes_after_close", ok("a", "Connection: close\r\n") + ok("b")],
];

for (const [name, text] of FAULTS) {
  Deno.test(`response parser refuses ${name}`, () => {
    const r = parseResponseStream(Uint8Array.from(text, (c) => c.charCodeAt(0)));
    assert(r.error !== null, `${name} parsed as ${JSON.stringify(r.responses)}`);
  });
}
