/**
 * The URLs a phone on the LAN can open: none on loopback, the bound address when it is a LAN
 * one, every non-loopback interface (no link-local IPv6) when bound to every interface.
 */

import {
  type InterfaceAddress,
  lanUrls,
  serverUrls,
  urlHost,
  withZone,
} from "../../src/app/lan_urls.ts";
import { assertEquals } from "../support/assert.ts";

const INTERFACES: InterfaceAddress[] = [
  { family: "IPv4", address: "127.0.0.1" },
  { family: "IPv6", address: "::1" },
  { family: "IPv4", address: "192.168.1.20" },
  { family: "IPv6", address: "fe80::1" },
  { family: "IPv6", address: "2001:db8::5" },
];

Deno.test("lanUrls is empty when bound to loopback", () => {
  assertEquals(lanUrls("127.0.0.1", 8000, false, INTERFACES), []);
  assertEquals(lanUrls("::1", 8000, false, INTERFACES), []);
  assertEquals(lanUrls("localhost", 8000, true, INTERFACES), []);
});

Deno.test("lanUrls lists each LAN address when bound to every interface", () => {
  assertEquals(lanUrls("0.0.0.0", 8123, false, INTERFACES), ["http://192.168.1.20:8123/"]);
  assertEquals(lanUrls("::", 8123, true, INTERFACES), [
    "https://192.168.1.20:8123/",
    "https://[2001:db8::5]:8123/",
  ]);
});

Deno.test("lanUrls is the bound address when it is a LAN one", () => {
  assertEquals(lanUrls("192.168.1.20", 80, false, []), ["http://192.168.1.20:80/"]);
});

Deno.test("serverUrls puts the loopback URL first", () => {
  assertEquals(serverUrls("0.0.0.0", 1, false, INTERFACES), [
    "http://127.0.0.1:1/",
    "http://192.168.1.20:1/",
  ]);
});

Deno.test("lanUrls keeps a link-local host's zone, written %25 (RFC 6874)", () => {
  assertEquals(lanUrls("fe80::1%eth0", 8000, false, []), ["http://[fe80::1%25eth0]:8000/"]);
  assertEquals(urlHost("fe80::1%en 0"), "[fe80::1%25en%200]");
  assertEquals(urlHost("192.168.1.2"), "192.168.1.2");
  assertEquals(withZone("fe80::1", "fe80::1%eth0"), "fe80::1%eth0");
  assertEquals(withZone("fe80::1%eth0", "fe80::1%eth0"), "fe80::1%eth0");
  assertEquals(withZone("192.168.1.2", "192.168.1.2"), "192.168.1.2");
});
