/**
 * The command line and environment → raw values: flag shapes, errors naming the argument, and
 * precedence (flags, then environment, then .env).
 */

import { collectValues, type ParsedFlags, parseFlags } from "../../src/cli/args.ts";
import { ENV_NAMES, envName, OPTIONS } from "../../src/cli/options.ts";
import { assert, assertEquals } from "../support/assert.ts";

function flags(args: string[]): ParsedFlags {
  const parsed = parseFlags(args);
  assert(parsed.ok, !parsed.ok ? parsed.message : "");
  return parsed;
}

function failure(args: string[]): string {
  const parsed = parseFlags(args);
  assert(!parsed.ok, `expected ${JSON.stringify(args)} to fail`);
  return parsed.message;
}

Deno.test("parseFlags reads long, short, inline and attached values", () => {
  const p = flags(["--port", "1", "-H", "::1", "--www=site", "-dshare", "--cors"]);
  assertEquals(p.flags.get("port")?.value, "1");
  assertEquals(p.flags.get("host")?.value, "::1");
  assertEquals(p.flags.get("www")?.value, "site");
  assertEquals(p.flags.get("directory")?.value, "share");
  assertEquals(p.flags.get("cors")?.value, true);
  assertEquals(p.flags.get("host")?.source, "-H");
});

Deno.test("parseFlags keeps the last value when a flag repeats", () => {
  assertEquals(flags(["-p", "1", "--port", "2"]).flags.get("port")?.value, "2");
});

Deno.test("parseFlags adds up the values of a repeatable flag as one comma list", () => {
  const p = flags(["--hide", "*.key", "--hide=private/", "--port", "1"]);
  assertEquals(p.flags.get("hide")?.value, "*.key,private/");
  assertEquals(p.flags.get("hide")?.source, "--hide");
});

Deno.test("parseFlags takes one DIR, also after --", () => {
  assertEquals(flags(["share"]).positionals, ["share"]);
  assertEquals(flags(["--", "-odd-name"]).positionals, ["-odd-name"]);
});

Deno.test("parseFlags names the argument when it cannot understand it", () => {
  assertEquals(failure(["--bogus"]), "--bogus: unknown option (see --help)");
  assertEquals(failure(["-z"]), "-z: unknown option (see --help)");
  assertEquals(failure(["--x\x1b[2J"]), '"--x\\u001b[2J": unknown option (see --help)');
  assertEquals(failure(["--cors=\u009b2J"]), '--cors: takes no value, got "\\u009b2J"');
  assertEquals(failure(["--port"]), "--port: expected a value (e.g. --port 0)");
  assertEquals(failure(["--port", "--host", "x"]), "--port: expected a value (e.g. --port 0)");
  assertEquals(failure(["--cors=yes"]), '--cors: takes no value, got "yes"');
  assertEquals(failure(["a", "b"]), 'DIR: expected one folder, got 2: "a", "b"');
  assertEquals(failure(["a", "-d", "b"]), "DIR: given together with -d: pass one of them");
});

Deno.test("parseFlags accepts a value starting with a dash when written inline", () => {
  assertEquals(flags(["--directory=-x"]).flags.get("directory")?.value, "-x");
});

Deno.test("collectValues prefers flags, then the environment, then the env file", () => {
  const env = { PORT: "2", WIRESERVE_HOST: "10.0.0.1", WIRESERVE_LOG: "json" };
  const file = { WIRESERVE_PORT: "3", WIRESERVE_HOST: "10.0.0.2", WIRESERVE_CACHE: "60" };
  const v = collectValues(flags(["--log", "off"]), env, file, ".env");
  assertEquals(v.get("log"), { value: "off", source: "--log", fromFlag: true });
  assertEquals(v.get("port"), { value: "2", source: "PORT", fromFlag: false });
  assertEquals(v.get("host"), { value: "10.0.0.1", source: "WIRESERVE_HOST", fromFlag: false });
  assertEquals(v.get("cache"), { value: "60", source: "WIRESERVE_CACHE in .env", fromFlag: false });
  assertEquals(v.has("www"), false);
});

Deno.test("collectValues prefers WIRESERVE_PORT over PORT", () => {
  const v = collectValues(flags([]), { PORT: "1", WIRESERVE_PORT: "2" });
  assertEquals(v.get("port")?.source, "WIRESERVE_PORT");
});

Deno.test("collectValues treats an empty variable as unset", () => {
  const v = collectValues(flags([]), { WIRESERVE_AUTH: "" }, { WIRESERVE_AUTH: "a:b" });
  assertEquals(v.get("auth")?.source, "WIRESERVE_AUTH in .env");
});

Deno.test("collectValues takes DIR as the directory", () => {
  const v = collectValues(flags(["share"]), { WIRESERVE_DIRECTORY: "other" });
  assertEquals(v.get("directory"), { value: "share", source: "DIR", fromFlag: true });
});

Deno.test("every option but help and version has a WIRESERVE_ variable", () => {
  for (const o of OPTIONS) {
    if (o.name === "help" || o.name === "version") assertEquals(o.env, []);
    else assert(o.env.includes(envName(o.name)), o.name);
  }
  assertEquals(new Set(ENV_NAMES).size, ENV_NAMES.length);
});
