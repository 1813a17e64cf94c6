/**
 * Access log lines: the exact text of each format, escaping of hostile request fields, and
 * "off" installing no callback at all.
 */

import type { AccessEntry } from "../../src/http/access_entry.ts";
import { LineSink } from "../../src/log/line_sink.ts";
import {
  accessLogger,
  escapeClf,
  formatCombined,
  formatCommon,
  formatJson,
} from "../../src/log/access_log.ts";
import { assert, assertEquals } from "../support/assert.ts";

const ENTRY: AccessEntry = {
  remoteAddress: "127.0.0.1",
  method: "GET",
  target: "/files/a%20b.txt?x=1",
  version: "HTTP/1.1",
  status: 200,
  bodyBytes: 1234,
  durationMs: 1.23456,
  userAgent: "curl/8.5.0",
  referer: undefined,
};
/** 2026-11-22T05:09:56.789Z */
const NOW = Date.UTC(2026, 10, 22, 5, 9, 56, 789);
const CLF_TIME = "22/Nov/2026:05:09:56 +0000";
const ISO_TIME = "2026-11-22T05:09:56.789Z";

Deno.test("formatCommon writes CLF with the duration appended", () => {
  assertEquals(
    formatCommon(ENTRY, CLF_TIME),
    '127.0.0.1 - - [22/Nov/2026:05:09:56 +0000] "GET /files/a%20b.txt?x=1 HTTP/1.1" 200 1234 1.235ms',
  );
});

Deno.test("formatCommon writes - for a response without body bytes", () => {
  const line = formatCommon({ ...ENTRY, status: 304, bodyBytes: 0 }, CLF_TIME);
  assert(line.includes('" 304 - '), line);
});

Deno.test("an exchange cut short says why, with - (null in JSON) when no status went out", () => {
  const cut = { ...ENTRY, status: 0, bodyBytes: 0, ended: "shutdown" as const };
  assertEquals(
    formatCommon(cut, CLF_TIME),
    '127.0.0.1 - - [22/Nov/2026:05:09:56 +0000] "GET /files/a%20b.txt?x=1 HTTP/1.1" - - 1.235ms ended=shutdown',
  );
  assert(formatCombined(cut, CLF_TIME).endsWith('"curl/8.5.0" 1.235ms ended=shutdown'));
  const json = JSON.parse(formatJson({ ...cut, status: 200, ended: "client-gone" }, ISO_TIME));
  assertEquals([json.status, json.ended], [200, "client-gone"]);
  assertEquals(JSON.parse(formatJson(cut, ISO_TIME)).status, null);
  assertEquals("ended" in JSON.parse(formatJson(ENTRY, ISO_TIME)), false);
});

Deno.test("formatCombined adds referer and user agent before the duration", () => {
  assertEquals(
    formatCombined({ ...ENTRY, referer: "http://x/" }, CLF_TIME),
    '127.0.0.1 - - [22/Nov/2026:05:09:56 +0000] "GET /files/a%20b.txt?x=1 HTTP/1.1" 200 1234 ' +
      '"http://x/" "curl/8.5.0" 1.235ms',
  );
});

Deno.test("formatCombined escapes quotes, backslashes, controls and high bytes", () => {
  const agent = 'evil" \\ \x1b[31m\n127.0.0.1 - - fake\xff';
  const line = formatCombined({ ...ENTRY, userAgent: agent }, CLF_TIME);
  assert(line.endsWith('"evil\\x22 \\x5C \\x1B[31m\\x0A127.0.0.1 - - fake\\xFF" 1.235ms'), line);
  assertEquals(line.split("\n").length, 1);
});

Deno.test("escapeClf leaves printable ASCII alone", () => {
  const text = "GET /a-b_c.d~e!$&'()*+,;=:@ HTTP/1.1";
  assertEquals(escapeClf(text), text);
});

Deno.test("formatJson writes one object with every field, non-ASCII escaped", () => {
  const line = formatJson({ ...ENTRY, userAgent: 'caf\xe9\x7f"\\\n' }, ISO_TIME);
  assert(/^[\x20-\x7e]+$/.test(line), line);
  assertEquals(JSON.parse(line), {
    time: "2026-11-22T05:09:56.789Z",
    remote: "127.0.0.1",
    method: "GET",
    target: "/files/a%20b.txt?x=1",
    version: "HTTP/1.1",
    status: 200,
    bytes: 1234,
    durationMs: 1.235,
    referer: null,
    userAgent: 'caf\xe9\x7f"\\\n',
  });
});

Deno.test("accessLogger json lines carry the clock's time", async () => {
  const chunks: string[] = [];
  const sink = new LineSink({
    write: (p) => {
      chunks.push(new TextDecoder().decode(p));
      return Promise.resolve(p.length);
    },
  });
  accessLogger("json", sink, () => NOW)!(ENTRY);
  await sink.flush();
  assertEquals(JSON.parse(chunks.join("")).time, ISO_TIME);
});

Deno.test("accessLogger installs no callback when the log is off", () => {
  assertEquals(
    accessLogger("off", new LineSink({ write: (p) => Promise.resolve(p.length) })),
    undefined,
  );
});

Deno.test("accessLogger writes one line per response through the sink", async () => {
  const chunks: string[] = [];
  const sink = new LineSink({
    write: (p) => {
      chunks.push(new TextDecoder().decode(p));
      return Promise.resolve(p.length);
    },
  });
  const log = accessLogger("common", sink, () => NOW)!;
  log(ENTRY);
  log({ ...ENTRY, status: 404 });
  await sink.flush();
  const lines = chunks.join("").split("\n");
  assertEquals(lines.length, 3);
  assertEquals(lines[0], formatCommon(ENTRY, CLF_TIME));
  assert(lines[1].includes('" 404 1234 '), lines[1]);
  assertEquals(lines[2], "");
});
