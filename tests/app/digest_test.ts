/** RFC 9530 digests: reading the request fields, choosing an algorithm, hashing and formatting. */

import { createHash } from "node:crypto";
import {
  BodyDigests,
  expectedDigests,
  formatDigest,
  preferredAlgorithm,
} from "../../src/app/digest.ts";
import { HeaderFields } from "../../src/http/header_fields.ts";
import { assert, assertEquals } from "../support/assert.ts";

function fields(pairs: Array<[string, string]>): HeaderFields {
  const h = new HeaderFields();
  for (const [n, v] of pairs) h.add(n, v);
  return h;
}

const BODY = new TextEncoder().encode('{"hello": "world"}\n');
const sha = (alg: string, data: Uint8Array) =>
  new Uint8Array(createHash(alg).update(data).digest());
const b64 = (data: Uint8Array) => data.toBase64();

Deno.test("expectedDigests reads sha-256 and sha-512 from both fields and skips unknown ones", () => {
  const s256 = b64(sha("sha256", BODY));
  const s512 = b64(sha("sha512", BODY));
  const got = expectedDigests(fields([
    ["Content-Digest", `md5=:AAAA:, sha-256=:${s256}:`],
    ["Repr-Digest", `sha-512=:${s512}:`],
  ]));
  assert(got.ok);
  assertEquals(got.expected.map((e) => [e.field, e.algorithm]), [
    ["content-digest", "sha-256"],
    ["repr-digest", "sha-512"],
  ]);
});

Deno.test("expectedDigests refuses a malformed field and a supported member that is not bytes", () => {
  assertEquals(expectedDigests(fields([["Content-Digest", "sha-256=abc def"]])).ok, false);
  assertEquals(expectedDigests(fields([["Repr-Digest", "sha-256=42"]])).ok, false);
  assertEquals(expectedDigests(fields([["Repr-Digest", "unixsum=42"]])).ok, true);
  const none = expectedDigests(fields([]));
  assertEquals(none.ok && none.expected.length, 0);
});

Deno.test("BodyDigests accepts a body hashed in pieces when its digests match", () => {
  const check = new BodyDigests([
    { field: "content-digest", algorithm: "sha-256", value: sha("sha256", BODY) },
    { field: "repr-digest", algorithm: "sha-512", value: sha("sha512", BODY) },
  ], "sha-256");
  for (let i = 0; i < BODY.length; i += 5) check.update(BODY.subarray(i, i + 5));
  assertEquals(check.finish(), null);
  assertEquals(check.result("sha-256"), sha("sha256", BODY));
});

Deno.test("BodyDigests reports the digest that does not match, including a wrong length", () => {
  const wrong = sha("sha256", BODY);
  wrong[0] ^= 1;
  const check = new BodyDigests(
    [{ field: "repr-digest", algorithm: "sha-256", value: wrong }],
    null,
  );
  check.update(BODY);
  assertEquals(check.finish()?.field, "repr-digest");
  const short = new BodyDigests([
    { field: "content-digest", algorithm: "sha-256", value: sha("sha256", BODY).subarray(0, 16) },
  ], null);
  short.update(BODY);
  assertEquals(short.finish()?.field, "content-digest");
});

Deno.test("formatDigest writes a one-member dictionary with a byte sequence", () => {
  const value = formatDigest("sha-256", sha("sha256", BODY));
  assertEquals(value, `sha-256=:${b64(sha("sha256", BODY))}:`);
  const back = expectedDigests(fields([["Repr-Digest", value]]));
  assert(back.ok);
  assertEquals(back.expected[0].value, sha("sha256", BODY));
});

Deno.test("preferredAlgorithm follows Want-Repr-Digest weights and defaults to sha-256", () => {
  const cases: Array<[string | undefined, string | null]> = [
    [undefined, "sha-256"],
    ["sha-512=3, sha-256=1", "sha-512"],
    ["sha-256=10, sha-512=3", "sha-256"],
    ["sha-512=1", "sha-512"],
    ["sha-256=0, sha-512=2", "sha-512"],
    ["md5=10", "sha-256"],
    ["sha-256=0, sha-512=0", null],
    // Refusing only the default leaves the other, not the refused default (RFC 9530 §4).
    ["sha-256=0", "sha-512"],
    ["sha-256=0, md5=5", "sha-512"],
    ["not a dictionary!", "sha-256"],
  ];
  for (const [want, alg] of cases) assertEquals(preferredAlgorithm(want), alg, String(want));
});
