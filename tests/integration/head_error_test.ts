/**
 * A HEAD request the engine refuses with a canned error still gets a response without content
 * (RFC 9110 §9.3.2, RFC 9112 §6.3 rule 1): its client stops reading at the empty line, so error
 * text after it would be taken as the start of the next response. Real server, raw TCP.
 */

import { startApp } from "../support/app_server.ts";
import { appConfig } from "../../src/app/app_config.ts";
import { ERROR_KINDS, type ErrorKind } from "../../src/http/errors.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";

/** HEAD requests refused at each stage after the request line, with the error each gets. */
const CASES: Array<{ name: string; request: string; error: ErrorKind }> = [
  {
    name: "a repeated Host (refused while the head is read)",
    request: "HEAD /echo/x HTTP/1.1\r\nHost: t\r\nHost: u\r\n\r\n",
    error: "badHost",
  },
  {
    name: "whitespace before a colon",
    request: "HEAD /echo/x HTTP/1.1\r\nHost: t\r\nX : y\r\n\r\n",
    error: "badHeader",
  },
  {
    name: "differing Content-Length (refused once the head is parsed)",
    request: "HEAD /echo/x HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
    error: "badFraming",
  },
  {
    name: "an unknown expectation",
    request: "HEAD /echo/x HTTP/1.1\r\nHost: t\r\nExpect: x\r\n\r\n",
    error: "expectationFailed",
  },
  {
    name: "a malformed chunked body its handler reads",
    request: "HEAD /anything HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    error: "badChunk",
  },
];

Deno.test("a HEAD request refused with a canned error gets the error's head and no content", async (t) => {
  await expectHeadsWithoutContent(t, CASES);
});

/**
 * HEAD requests whose request line itself is refused: the method token and the space after it
 * were read, so the method is known even though the rest of the line is bad.
 */
const LINE_CASES: Array<{ name: string; request: string; error: ErrorKind }> = [
  {
    name: "a version other than 1.x",
    request: "HEAD / HTTP/3.0\r\nHost: t\r\n\r\n",
    error: "versionNotSupported",
  },
  { name: "asterisk-form", request: "HEAD * HTTP/1.1\r\nHost: t\r\n\r\n", error: "badTarget" },
  {
    name: "a control byte in the target",
    request: "HEAD /a\x01b HTTP/1.1\r\nHost: t\r\n\r\n",
    error: "badTarget",
  },
  { name: "no version", request: "HEAD /\r\nHost: t\r\n\r\n", error: "badRequestLine" },
  {
    name: "a request line over the limit",
    request: `HEAD /${"a".repeat(9000)} HTTP/1.1\r\nHost: t\r\n\r\n`,
    error: "uriTooLong",
  },
];

Deno.test("a HEAD request whose request line is refused gets the error's head and no content", async (t) => {
  await expectHeadsWithoutContent(t, LINE_CASES);
});

/** Sends each case on its own connection and checks the refusal is a head alone, then a close. */
async function expectHeadsWithoutContent(
  t: Deno.TestContext,
  cases: Array<{ name: string; request: string; error: ErrorKind }>,
): Promise<void> {
  const srv = await startApp(appConfig());
  try {
    for (const c of cases) {
      await t.step(c.name, async () => {
        const client = await RawClient.connect(srv.port);
        try {
          await client.send(c.request);
          const all = await client.readAll();
          const { status, text } = ERROR_KINDS[c.error];
          assert(all.startsWith(`HTTP/1.1 ${status} `), all.slice(0, 200));
          assert(all.includes("\r\nConnection: close\r\n"), all);
          // The length the GET's text would have (RFC 9110 §8.6), and nothing after the head.
          assert(all.includes(`\r\nContent-Length: ${text.length + 1}\r\n`), all);
          assert(all.endsWith("\r\n\r\n"), `content after the head: ${JSON.stringify(all)}`);
        } finally {
          client.close();
        }
      });
    }
  } finally {
    await srv.close();
  }
  assertEquals(srv.errors, []);
}

Deno.test("a HEAD request whose head stalls gets 408 without content", async () => {
  const srv = await startApp(appConfig(), { headerTimeoutMs: 200 });
  const client = await RawClient.connect(srv.port);
  try {
    await client.send("HEAD /echo/x HTTP/1.1\r\nHost: t\r\n");
    const all = await client.readAll();
    assert(all.startsWith("HTTP/1.1 408 "), all);
    assert(all.endsWith("\r\n\r\n"), `content after the head: ${JSON.stringify(all)}`);
  } finally {
    client.close();
    await srv.close();
  }
  assertEquals(srv.errors, []);
});
