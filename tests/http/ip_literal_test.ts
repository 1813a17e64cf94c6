import { assertEquals } from "../support/assert.ts";
import { isIpLiteral } from "../../src/http/ip_literal.ts";

/** Whether the text between the brackets is taken. */
function takes(inside: string): boolean {
  return isIpLiteral(`[${inside}]`, 1, inside.length + 1);
}

Deno.test("isIpLiteral: IPv6 addresses in every RFC 3986 form are taken", () => {
  for (
    const address of [
      "1:2:3:4:5:6:7:8",
      "::",
      "::1",
      "1::",
      "1::8",
      "1:2:3:4:5:6:7::",
      "::2:3:4:5:6:7:8",
      "fe80::abcd:EF01",
      "::ffff:192.0.2.128",
      "1:2:3:4:5:6:10.0.0.1",
      "::0.0.0.0",
      "64:ff9b::255.255.255.255",
    ]
  ) assertEquals(takes(address), true, address);
});

Deno.test("isIpLiteral: IPvFuture is taken", () => {
  for (const future of ["v1.x", "V7.a:b", "vFe.!$&'()*+,;=-._~:"]) {
    assertEquals(takes(future), true, future);
  }
});

Deno.test("isIpLiteral: anything else in brackets is refused", () => {
  for (
    const bad of [
      "",
      "zz",
      ":::::",
      ":",
      ":1",
      "1:",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7:8::",
      "1::2::3",
      ":::1",
      "12345::",
      "g::1",
      "::1.2.3",
      "::1.2.3.4.5",
      "::256.0.0.1",
      "::01.0.0.1",
      "1.2.3.4",
      "1.2.3.4::",
      "1:2:3:4:5:6:7:1.2.3.4",
      "::1%eth0",
      "::1%25eth0",
      "v.x",
      "v1",
      "v1.",
      "vz.x",
      "v1.x/y",
      "v1.x[",
    ]
  ) assertEquals(takes(bad), false, bad);
});
