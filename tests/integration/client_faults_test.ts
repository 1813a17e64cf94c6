/**
 * Clients that reset (close mid-transfer), half-close or stall at each phase of each feature,
 * against a spawned wireserve (issue 18): after each, the server answers a probe, no temp file
 * is left in the shared folder, its open descriptors (/proc/<pid>/fd) return to the baseline,
 * and nothing is reported on stderr as a failure.
 * @module
 */

import { assert, assertEquals } from "../support/assert.ts";
import { RawClient, startServer } from "../support/server.ts";
import { testHandler } from "../support/test_handler.ts";
import { spawnWireserve } from "../support/wireserve_process.ts";
import { filesBelow, head, pattern, request } from "./upload_fixture.ts";

/** A file large enough that a range of it does not fit in the socket buffers. */
const BIG_FILE_BYTES = 16 * 1024 * 1024;
/** A declared body far larger than what the client sends before it goes. */
const DECLARED_BYTES = 1024 * 1024;
/** The stall clocks the server runs with (short, so a stall ends quickly). */
const STALL_TIMEOUT = "1s";
/** How long the server may take to tidy up after a client went. */
const SETTLE_MS = 8000;
const POLL_MS = 50;

type Action = "close" | "half-close" | "stall";

interface Phase {
  name: string;
  /** What the client sends before it goes (given a tus upload's path). */
  bytes(upload: string): string | Uint8Array;
}

const partial = pattern(64 * 1024, 9);
const withBody = (h: string) => {
  const head = new TextEncoder().encode(h);
  const out = new Uint8Array(head.length + partial.length);
  out.set(head);
  out.set(partial, head.length);
  return out;
};

const PHASES: Phase[] = [
  { name: "mid-head", bytes: () => "GET /files/probe.txt HTTP/1.1\r\nHost: t\r\nX-Half: " },
  {
    name: "mid-body (PUT, Content-Length)",
    bytes: () => withBody(head("PUT", "/files/raw.bin", [["Content-Length", `${DECLARED_BYTES}`]])),
  },
  {
    name: "mid-trailer (PUT, chunked)",
    bytes: () =>
      head("PUT", "/files/chunked.bin", [["Transfer-Encoding", "chunked"]]) +
      "5\r\nhello\r\n0\r\nX-Trailer: hal",
  },
  {
    name: "mid-part (POST multipart)",
    bytes: () =>
      withBody(
        head("POST", "/files/", [
          ["Content-Type", "multipart/form-data; boundary=XyZ"],
          ["Content-Length", `${DECLARED_BYTES}`],
        ]) +
          '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="part.bin"\r\n' +
          "Content-Type: application/octet-stream\r\n\r\n",
      ),
  },
  {
    name: "waiting for 100-continue",
    bytes: () =>
      head("PUT", "/files/expect.bin", [
        ["Expect", "100-continue"],
        ["Content-Length", `${DECLARED_BYTES}`],
      ]),
  },
  {
    name: "mid-range-response",
    bytes: () => head("GET", "/files/big.bin", [["Range", `bytes=1-${BIG_FILE_BYTES - 2}`]]),
  },
  {
    name: "mid-zip-download",
    bytes: () => head("GET", "/files/?zip"),
  },
  {
    name: "mid-body (PROPFIND)",
    bytes: () =>
      head("PROPFIND", "/files/", [
        ["Depth", "1"],
        ["Content-Type", "application/xml"],
        ["Content-Length", "400"],
      ]) + '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:pr',
  },
  {
    name: "mid-body (resumable PATCH)",
    bytes: (upload) =>
      withBody(head("PATCH", upload, [
        ["Tus-Resumable", "1.0.0"],
        ["Upload-Offset", "0"],
        ["Content-Type", "application/offset+octet-stream"],
        ["Content-Length", `${DECLARED_BYTES}`],
      ])),
  },
];

const ACTIONS: Action[] = ["close", "half-close", "stall"];

/** Open descriptors of `pid`, counted by `ls` (Deno grants reads below /proc only with -A). */
async function openFds(pid: number): Promise<number> {
  const out = await new Deno.Command("sh", { args: ["-c", `ls /proc/${pid}/fd | wc -l`] })
    .output();
  return Number(new TextDecoder().decode(out.stdout).trim());
}

/** Files below `root` that are not the resumable store's own (its partial data is by design). */
async function leftFiles(root: string): Promise<string[]> {
  return (await filesBelow(root)).filter((f) => !f.startsWith(".wireserve-uploads/"));
}

async function settle(check: () => Promise<boolean> | boolean): Promise<boolean> {
  const deadline = Date.now() + SETTLE_MS;
  while (!await check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return true;
}

Deno.test({
  name:
    "clients that reset, half-close or stall at each phase leave no temp file, no descriptor, no failure log",
  ignore: Deno.build.os !== "linux",
  async fn(t) {
    const root = await Deno.makeTempDir({ prefix: "wireserve-client-faults-" });
    await Deno.writeTextFile(`${root}/probe.txt`, "probe\n");
    await Deno.writeFile(`${root}/big.bin`, pattern(BIG_FILE_BYTES, 8));
    const proc = spawnWireserve([
      root,
      "--port",
      "0",
      "--header-timeout",
      STALL_TIMEOUT,
      "--body-timeout",
      STALL_TIMEOUT,
    ]);
    try {
      const port = await proc.port();
      const pid = proc.child.pid;
      const probe = async () => (await request(port, "GET", "/files/probe.txt")).status === 200;
      assert(await probe());
      // Warm up every feature once so lazily opened things are in the baseline.
      await request(port, "GET", "/files/big.bin", [["Range", "bytes=0-9"]]);
      await (await fetch(`http://127.0.0.1:${port}/files/?zip`)).body?.cancel();
      const baselineFiles = await leftFiles(root);
      await new Promise((r) => setTimeout(r, 200));
      const baselineFds = await openFds(pid);

      for (const phase of PHASES) {
        for (const action of ACTIONS) {
          await t.step(`${phase.name}: ${action}`, async () => {
            const created = await request(port, "POST", "/files/", [
              ["Tus-Resumable", "1.0.0"],
              ["Upload-Length", `${DECLARED_BYTES}`],
              ["Upload-Metadata", `filename ${btoa(`tus-${crypto.randomUUID()}.bin`)}`],
            ]);
            assertEquals(created.status, 201, created.text);
            const upload = created.header("location")!;
            const client = await RawClient.connect(port);
            await client.send(phase.bytes(upload));
            if (action === "close") {
              await new Promise((r) => setTimeout(r, 100));
              client.close();
            } else if (action === "half-close") {
              await client.closeWrite();
              await client.readAll(SETTLE_MS);
              client.close();
            } else {
              // Stalled: the server's clocks must end it (the range answer waits on the write
              // clock, which is longer: the client is dropped by us after the others).
              const answering = phase.name === "mid-range-response" ||
                phase.name === "mid-zip-download";
              await client.closedByServer(answering ? 100 : SETTLE_MS);
              client.close();
            }
            assert(await probe(), "the server does not answer after the fault");
            // A handler tidies up after the client has gone: give it a moment.
            let leftover: string[] = [];
            await settle(async () => {
              leftover = (await leftFiles(root)).filter((f) =>
                !baselineFiles.includes(f) && !f.startsWith("tus-")
              );
              return leftover.length === 0;
            });
            assertEquals(leftover, [], "files left behind");
            assert(
              await settle(async () => await openFds(pid) <= baselineFds),
              `descriptors: ${await openFds(pid)} > baseline ${baselineFds}`,
            );
          });
        }
      }
      assert(!/failed:/.test(proc.stderr()), `stderr reports failures:\n${proc.stderr()}`);
    } finally {
      proc.child.kill("SIGTERM");
      await proc.exit();
      await Deno.remove(root, { recursive: true });
    }
  },
});

/**
 * A client that half-closes before its body ends still reads why its request failed (RFC 9112
 * §8: the server may answer an incomplete message before closing). Reads through
 * `conn.readable` closed the whole socket at end of stream, so these clients got no answer.
 */
const CUT_BODIES: Array<[string, string]> = [
  ["Content-Length, the rest expected in the read buffer", "Content-Length: 10\r\n\r\nabc"],
  [
    "Content-Length, the rest expected straight into the big body buffer",
    `Content-Length: 5000\r\n\r\n${"a".repeat(1000)}`,
  ],
  ["chunked, mid-data", "Transfer-Encoding: chunked\r\n\r\n5\r\nab"],
  ["chunked, mid-size line", "Transfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n1"],
  ["chunked, mid-trailers", "Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX-T: 1\r\n"],
];

for (const [what, rest] of CUT_BODIES) {
  Deno.test(`a client half-closing before its body ends (${what}) gets 400 and the reason`, async () => {
    // A small big-body buffer, so the 5000-byte body takes the path that reads straight into it.
    const srv = startServer(testHandler, { bodyReadBufferBytes: 1024 });
    const c = await RawClient.connect(srv.port);
    try {
      await c.send(`POST /body HTTP/1.1\r\nHost: t\r\n${rest}`);
      await c.closeWrite();
      const raw = await c.readAll(3000);
      assert(raw.startsWith("HTTP/1.1 400 Bad Request\r\n"), JSON.stringify(raw));
      assert(raw.includes("Connection: close\r\n"), raw);
      assert(raw.endsWith("\r\n\r\nConnection closed before the body ended\n"), raw);
      assertEquals(srv.errors, []);
    } finally {
      c.close();
      await srv.close();
    }
  });
}

Deno.test("a client half-closing before its body ends gets 400 from a handler reading into its own buffer (uploads)", async () => {
  // The upload path: `readInto` straight into the handler's buffer, the read allowed to take it.
  const srv = startServer(async (req) => {
    let view = new Uint8Array(64 * 1024);
    for (;;) {
      const got = await req.body.readInto!(view, false);
      if (got === null) return { status: 204 };
      view = new Uint8Array(got.buffer as ArrayBuffer);
    }
  });
  const c = await RawClient.connect(srv.port);
  try {
    await c.send(
      `PUT /up HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n${"a".repeat(70000)}`,
    );
    await c.closeWrite();
    const raw = await c.readAll(3000);
    assert(raw.startsWith("HTTP/1.1 400 Bad Request\r\n"), JSON.stringify(raw));
    assert(raw.endsWith("\r\n\r\nConnection closed before the body ended\n"), raw);
    assertEquals(srv.errors, []);
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("a client half-closing before a body its handler did not read ends still gets that answer, then the close", async () => {
  // The engine writes the answer, then drains the unread body to keep the connection; the drain
  // meets the end of stream and the connection closes.
  const srv = startServer(testHandler);
  const c = await RawClient.connect(srv.port);
  try {
    await c.send("POST /noread HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
    await c.closeWrite();
    const raw = await c.readAll(3000);
    assert(raw.startsWith("HTTP/1.1 200 OK\r\n"), JSON.stringify(raw));
    assert(raw.endsWith("\r\n\r\nnot reading your body"), raw);
    assertEquals(srv.errors, []);
  } finally {
    c.close();
    await srv.close();
  }
});
