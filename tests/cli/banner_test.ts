/**
 * The start-up banner and warnings: URLs for loopback, one address and every interface; the
 * mode and limits; the warning for writes open to the network.
 */

import { appConfig } from "../../src/app/app_config.ts";
import {
  type BannerInput,
  bannerLines,
  type InterfaceAddress,
  isLoopback,
  urls,
  warningLines,
} from "../../src/cli/banner.ts";
import type { Config } from "../../src/cli/config.ts";
import { checkStartup } from "../../src/cli/startup_checks.ts";
import { VERSION } from "../../src/version.ts";
import { assert, assertEquals } from "../support/assert.ts";

const INTERFACES: InterfaceAddress[] = [
  { family: "IPv4", address: "127.0.0.1" },
  { family: "IPv6", address: "::1" },
  { family: "IPv4", address: "192.168.1.20" },
  { family: "IPv6", address: "fe80::1" },
  { family: "IPv6", address: "2001:db8::5" },
  { family: "IPv4", address: "192.168.1.20" },
];

function input(overrides: Partial<Config> = {}, hostname = "127.0.0.1"): BannerInput {
  const config: Config = {
    app: appConfig({ directory: "/srv/share" }),
    hostname,
    port: 8000,
    tls: null,
    limits: {},
    shutdownTimeoutMs: 10_000,
    log: "common",
    quiet: false,
    workers: 2,
    ...overrides,
  };
  return { config, addr: { hostname, port: 8123 }, interfaces: INTERFACES };
}

Deno.test("urls shows the bound loopback address with the real port", () => {
  assertEquals(urls(input()), ["http://127.0.0.1:8123/"]);
});

Deno.test("urls lists loopback then each IPv4 LAN address when bound to 0.0.0.0", () => {
  assertEquals(urls(input({}, "0.0.0.0")), ["http://127.0.0.1:8123/", "http://192.168.1.20:8123/"]);
});

Deno.test("urls lists IPv6 addresses too, without link-local ones, when bound to ::", () => {
  assertEquals(urls(input({}, "::")), [
    "http://[::1]:8123/",
    "http://192.168.1.20:8123/",
    "http://[2001:db8::5]:8123/",
  ]);
});

Deno.test("urls writes a link-local host's zone as RFC 6874 asks, though the system drops it", () => {
  // --host fe80::1%eth0: the listener reports "fe80::1", the zone is in the config only.
  const linkLocal = (hostname: string, bound: string): BannerInput => {
    const base = input({ hostname });
    return { ...base, addr: { hostname: bound, port: 8123 } };
  };
  assertEquals(urls(linkLocal("fe80::1%eth0", "fe80::1")), ["http://[fe80::1%25eth0]:8123/"]);
  assertEquals(urls(linkLocal("fe80::1%eth0", "fe80::1%eth0")), ["http://[fe80::1%25eth0]:8123/"]);
  assertEquals(urls(linkLocal("fe80::1%3", "fe80::1")), ["http://[fe80::1%253]:8123/"]);
  assertEquals(urls(linkLocal("::1", "::1")), ["http://[::1]:8123/"]);
  const lines = bannerLines(linkLocal("fe80::1%eth0", "fe80::1"));
  assert(lines.includes("  open       http://[fe80::1%25eth0]:8123/"), lines.join("\n"));
});

Deno.test("urls uses https when TLS is on", () => {
  assertEquals(urls(input({ tls: { certFile: "c", keyFile: "k" } }, "localhost")), [
    "https://localhost:8123/",
  ]);
});

Deno.test("bannerLines shows folder, mode, access and limits", () => {
  assertEquals(bannerLines(input()), [
    `wireserve ${VERSION}`,
    "  open       http://127.0.0.1:8123/",
    "  sharing    /srv/share  at /files/",
    "  mode       read-write · no delete · no mkdir",
    "  web root   built-in UI · dotfiles hidden",
    "  access     no credentials needed",
    "  limits     upload 1G · shutdown wait 10s",
    "  workers    2 (one thread each)",
    "  log        common access log to stdout · Ctrl+C to stop",
  ]);
});

Deno.test("bannerLines describes a locked-down configuration", () => {
  const app = appConfig({
    directory: "/d",
    readOnly: true,
    token: "t",
    authAll: true,
    cors: true,
    www: "/site",
    spa: true,
    templates: true,
    hide: ["private/", "*.key"],
    maxUploadBytes: 500 * 1024 * 1024,
  });
  const tls = { certFile: "c", keyFile: "k" };
  const lines = bannerLines(input({ app, log: "off", tls, workers: 1 }));
  assertEquals(lines.slice(3), [
    "  mode       read-only",
    "  web root   /site · templates · spa · dotfiles hidden",
    "  private    private/  *.key  (--hide)",
    "  access     everything needs Bearer credentials · cors on · https",
    "  limits     shutdown wait 10s",
    "  workers    1 (one thread)",
    "  log        access log off · Ctrl+C to stop",
  ]);
});

/** A folder named to attack the terminal: an escape sequence, a line break, a C1 CSI, an RLO. */
const HOSTILE = "/tmp/x\x1b[31mRED\nfake line\u009b2J\u202e";
/** What a terminal would act on, or what reorders a line: none may reach the output raw. */
// deno-lint-ignore no-control-regex
const RAW_CONTROL = /[\x00-\x1f\x7f-\x9f\u202e]/;
const HOSTILE_SHOWN = '"/tmp/x\\u001b[31mRED\\nfake line\\u009b2J\\u202e"';

Deno.test("bannerLines quotes and escapes a folder with control characters, one line each", () => {
  const app = appConfig({ directory: HOSTILE, www: `${HOSTILE}/www` });
  const lines = bannerLines(input({ app }));
  assertEquals(lines[2], `  sharing    ${HOSTILE_SHOWN}  at /files/`);
  assertEquals(
    lines[4],
    `  web root   ${HOSTILE_SHOWN.slice(0, -1)}/www" · dotfiles hidden`,
  );
  for (const line of lines) assert(!RAW_CONTROL.test(line), JSON.stringify(line));
});

Deno.test("warningLines quotes and escapes a folder with control characters", () => {
  const app = appConfig({ directory: HOSTILE, www: `${HOSTILE}/www`, templates: true });
  const lines = warningLines(input({ app }, "0.0.0.0"));
  assertEquals(lines.length, 2);
  assert(lines[0].includes(`--www ${HOSTILE_SHOWN.slice(0, -1)}/www", where`), lines[0]);
  assert(lines[1].includes(`upload into ${HOSTILE_SHOWN} (add`), lines[1]);
  for (const line of lines) assert(!RAW_CONTROL.test(line), JSON.stringify(line));
});

Deno.test("bannerLines lists the LAN URLs under the first", () => {
  const lines = bannerLines(input({}, "0.0.0.0"));
  assertEquals(lines[2], "             http://192.168.1.20:8123/  (network)");
});

Deno.test("warningLines warns when writes are open to the network without credentials", () => {
  const lines = warningLines(input({}, "0.0.0.0"));
  assertEquals(lines.length, 1);
  assert(lines[0].startsWith("wireserve: warning: listening on the network with writes open"));
  assert(lines[0].includes("/srv/share"));
});

Deno.test("warningLines stays quiet on loopback or when writes are closed or protected", () => {
  assertEquals(warningLines(input()), []);
  assertEquals(warningLines(input({ app: appConfig({ readOnly: true }) }, "0.0.0.0")), []);
  const tls = { certFile: "c", keyFile: "k" };
  assertEquals(warningLines(input({ app: appConfig({ auth: "a:b" }), tls }, "0.0.0.0")), []);
});

Deno.test("warningLines warns when credentials would cross the network in clear text", () => {
  const lines = warningLines(input({ app: appConfig({ auth: "a:b" }) }, "192.168.1.20"));
  assertEquals(lines, [
    "wireserve: warning: credentials cross 192.168.1.20 in clear text without --tls-cert/--tls-key",
  ]);
});

Deno.test("isLoopback knows the loopback names and ranges", () => {
  for (const h of ["127.0.0.1", "127.1.2.3", "::1", "localhost", "::ffff:127.0.0.1"]) {
    assert(isLoopback(h), h);
  }
  for (const h of ["0.0.0.0", "::", "192.168.1.2", "10.0.0.1"]) assert(!isLoopback(h), h);
});

Deno.test("warningLines warns when uploads can land in --www, templated or not", () => {
  const warn = (app: Partial<Parameters<typeof appConfig>[0]>) =>
    warningLines(input({ app: appConfig({ templates: true, ...app }) }));
  const inside = warn({ directory: "/srv/site", www: "/srv/site/public" });
  assertEquals(inside.length, 1);
  assert(inside[0].startsWith("wireserve: warning: uploads to /files/ can land in --www"));
  assertEquals(warn({ directory: "/srv", www: "/srv" }).length, 1);
  assertEquals(warn({ directory: "/srv/site/uploads", www: "/srv/site" }).length, 1);
  assertEquals(warn({ directory: "/srv/share", www: "/srv/site" }), [], "apart");
  assertEquals(warn({ directory: "/srv/sitex", www: "/srv/site" }), [], "a prefix is not a parent");
  assertEquals(warn({ directory: "/srv", www: "/srv/site", readOnly: true }), [], "read-only");
  assert(inside[0].includes("rendered as templates"), inside[0]);
  const plain = warn({ directory: "/srv", www: "/srv/site", templates: false });
  assertEquals(plain.length, 1, "a plain site serves uploaded pages as its own too");
  assert(!plain[0].includes("templates") && plain[0].includes("without the sandbox"), plain[0]);
  assertEquals(warn({ directory: "/srv", www: "/srv/site", templates: false, readOnly: true }), []);
});

Deno.test("warningLines compares real paths: a symlinked --www inside the share still warns", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-banner-" });
  try {
    await Deno.mkdir(`${dir}/share/site`, { recursive: true });
    await Deno.symlink(`${dir}/share/site`, `${dir}/site`);
    await Deno.symlink(`${dir}/share`, `${dir}/share-link`);
    const warn = async (app: Partial<Parameters<typeof appConfig>[0]>) => {
      const base = input({ app: appConfig({ templates: true, ...app }) });
      const checked = await checkStartup(base.config, new Map());
      assert(checked.ok, checked.ok ? "" : checked.message);
      return warningLines({ ...base, realFolders: checked.realFolders });
    };
    const www = await warn({ directory: `${dir}/share`, www: `${dir}/site` });
    assertEquals(www.length, 1, "the link to a folder of the share");
    assert(www[0].includes(`--www ${dir}/site,`), www[0]);
    assertEquals((await warn({ directory: `${dir}/share-link`, www: `${dir}/site` })).length, 1);
    assertEquals(
      await warn({ directory: `${dir}/site`, www: `${dir}/share-link` }).then((w) => w.length),
      1,
    );
    await Deno.mkdir(`${dir}/apart`);
    assertEquals(await warn({ directory: `${dir}/apart`, www: `${dir}/site` }), [], "apart");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bannerLines shows no upload limit on a read-only server", () => {
  const lines = bannerLines(input({ app: appConfig({ directory: "/d", readOnly: true }) }));
  assert(lines.includes("  limits     shutdown wait 10s"), lines.join("\n"));
  assert(!lines.some((l) => l.includes("upload")), lines.join("\n"));
});
