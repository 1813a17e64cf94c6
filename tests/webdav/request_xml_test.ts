/**
 * The WebDAV body cap: at the limit it parses, one byte past it is 413 (declared or chunked);
 * an empty body is none; bytes that are not UTF-8 are 400.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { buildRequest } from "../support/request_builder.ts";
import { readXmlBody } from "../../src/webdav/request_xml.ts";

const LIMIT = 64;
/** A body of exactly `n` bytes: an element padded with spaces. */
const sized = (n: number) => "<a/>" + " ".repeat(n - 4);

Deno.test("readXmlBody parses a body at the limit and refuses one byte past it with 413", async () => {
  const at = await readXmlBody(buildRequest({ method: "PROPFIND", body: sized(LIMIT) }), LIMIT);
  assert(at.ok && at.root?.local === "a");
  for (const chunked of [false, true]) {
    const past = await readXmlBody(
      buildRequest({ method: "PROPFIND", body: sized(LIMIT + 1), chunked, pieceBytes: 16 }),
      LIMIT,
    );
    assert(!past.ok);
    assertEquals([past.response.status, past.response.close], [413, true], `chunked ${chunked}`);
  }
});

Deno.test("readXmlBody reads an empty or blank body as none, and refuses bad bytes", async () => {
  for (const body of ["", " \r\n\t"]) {
    const r = await readXmlBody(buildRequest({ method: "PROPFIND", body }));
    assert(r.ok && r.root === null, JSON.stringify(body));
  }
  const latin = await readXmlBody(
    buildRequest({ method: "PROPFIND", body: new Uint8Array([0x3c, 0x61, 0xe9, 0x2f, 0x3e]) }),
  );
  assert(!latin.ok && latin.response.status === 400);
  const dtd = await readXmlBody(buildRequest({ method: "PROPFIND", body: "<!DOCTYPE a><a/>" }));
  assert(!dtd.ok && dtd.response.status === 400);
});

Deno.test("readXmlBody refuses a Content-Encoding other than identity with 415 (RFC 9110 §8.4)", async () => {
  for (const coding of ["gzip", "br", "identity, gzip"]) {
    const r = await readXmlBody(
      buildRequest({ method: "PROPFIND", body: "<a/>", headers: [["Content-Encoding", coding]] }),
    );
    assert(!r.ok, coding);
    assertEquals(r.response.status, 415, coding);
    assert(r.response.headers?.some(([k, v]) => k === "Accept-Encoding" && v === "identity"));
  }
  const identity = await readXmlBody(
    buildRequest({ method: "LOCK", body: "<a/>", headers: [["Content-Encoding", "Identity"]] }),
  );
  assert(identity.ok && identity.root?.local === "a");
});

Deno.test("readXmlBody takes a Content-Encoding of identity with a no-break space for another (415)", async () => {
  // OWS is SP and HTAB only (RFC 9110 §5.6.3): the NBSP (0xA0) is part of the coding.
  for (const coding of ["identity\xA0", "\xA0identity", "\xA0"]) {
    const r = await readXmlBody(
      buildRequest({ method: "PROPFIND", body: "<a/>", headers: [["Content-Encoding", coding]] }),
    );
    assert(!r.ok, JSON.stringify(coding));
    assertEquals(r.response.status, 415, JSON.stringify(coding));
  }
  const ows = await readXmlBody(
    buildRequest({ method: "LOCK", body: "<a/>", headers: [["Content-Encoding", "\tidentity "]] }),
  );
  assert(ows.ok && ows.root?.local === "a");
});
