/**
 * Tests for `HeadReader` over a real BufferedReader: field names keep the case they were sent
 * in (interned or not), and a head that follows another on the same reader comes out with its
 * own bytes, never the strings it may borrow from the previous one. Every input is fed whole,
 * split in two at every byte offset, and one byte at a time.
 */

import assert from "node:assert/strict";
import { HttpError } from "../../src/http/errors.ts";
import { HeadReader, INCOMPLETE, readRequestHead } from "../../src/http/head_reader.ts";
import { makeLimits } from "../../src/http/limits.ts";
import type { RequestHead } from "../../src/http/request_head.ts";
import { bytes, feedings, readerOver } from "./byte_feed.ts";

const LIMITS = makeLimits();

/** Everything a head shows that the reuse could get wrong, comparable with `deepEqual`. */
interface Seen {
  method: string;
  target: string;
  path: string;
  query: string;
  host: string;
  names: string[];
  values: string[];
  keys: string[];
}

type Outcome = Seen | { error: string };

function seen(head: RequestHead | HttpError | null): Outcome {
  if (head === null) return { error: "stream ended" };
  if (head instanceof HttpError) return { error: head.kind };
  const { method, target, path, query, host } = head;
  const { names, values, keys } = head.headers;
  return {
    method,
    target,
    path,
    query,
    host,
    names: [...names],
    values: [...values],
    keys: [...keys],
  };
}

/** Reads heads one after another through one `HeadReader`, as a connection does. */
async function readAll(pieces: Uint8Array[], count: number): Promise<Outcome[]> {
  const reader = readerOver(pieces);
  const heads = new HeadReader(reader, LIMITS);
  const out: Outcome[] = [];
  try {
    for (let n = 0; n < count; n++) {
      heads.release();
      heads.begin();
      let head: RequestHead | HttpError | typeof INCOMPLETE | null = heads.advance();
      while (head === INCOMPLETE) head = await reader.fill() ? heads.advance() : heads.stopped();
      out.push(seen(head));
    }
  } finally {
    heads.release();
    await reader.cancel();
  }
  return out;
}

/** Reads `input` through one HeadReader however it is split; every feeding must give `expected`. */
async function assertHeads(input: string, expected: Outcome[], label: string): Promise<void> {
  for (const feeding of feedings(bytes(input))) {
    assert.deepEqual(
      await readAll(feeding.pieces, expected.length),
      expected,
      `${label}, ${feeding.label}`,
    );
  }
}

/** The head a single `GET target` with these field lines must give. */
function get(target: string, fields: Array<[string, string]>, host?: string): Seen {
  const q = target.indexOf("?");
  return {
    method: "GET",
    target,
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? "" : target.slice(q + 1),
    host: host ?? fields.find(([n]) => n.toLowerCase() === "host")![1],
    names: fields.map(([n]) => n),
    values: fields.map(([, v]) => v),
    keys: fields.map(([n]) => n.toLowerCase()),
  };
}

/** The raw bytes of `GET target HTTP/1.1` with these field lines. */
function wire(target: string, fields: Array<[string, string]>): string {
  return `GET ${target} HTTP/1.1\r\n${fields.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`;
}

/** [field name as sent, the lookup key]: interned (known) names and others alike. */
const NAME_CASES: Array<[string, string]> = [
  ["Host", "host"],
  ["host", "host"],
  ["HOST", "host"],
  ["hOsT", "host"],
  ["User-Agent", "user-agent"],
  ["user-agent", "user-agent"],
  ["USER-AGENT", "user-agent"],
  ["X-Custom", "x-custom"],
  ["x-custom", "x-custom"],
  ["X-CUSTOM", "x-custom"],
];

for (const [name, key] of NAME_CASES) {
  Deno.test(`HeadReader keeps the field name ${JSON.stringify(name)} as sent with key ${key}`, async () => {
    // Host first (case as sent when that is the name under test), then the name under test.
    const fields: Array<[string, string]> = key === "host"
      ? [[name, "a.example"]]
      : [["Host", "a.example"], [name, "v"]];
    await assertHeads(wire("/", fields), [get("/", fields)], name);
  });
}

/** [method as sent]: the interned common methods and near misses, each kept exactly. */
const METHODS = [
  "GET",
  "PUT",
  "HEAD",
  "POST",
  "PATCH",
  "DELETE",
  "OPTIONS",
  "get",
  "GEt",
  "GEX",
  "PUX",
  "HEAX",
  "POSt",
  "PATCX",
  "DELETe",
  "OPTIONs",
  "BREW",
];

for (const method of METHODS) {
  Deno.test(`HeadReader gives the method ${method} exactly as sent`, async () => {
    const reader = readerOver([bytes(`${method} / HTTP/1.1\r\nHost: h\r\n\r\n`)]);
    try {
      const head = await readRequestHead(reader, LIMITS);
      assert.ok(head !== null && !(head instanceof HttpError));
      assert.equal(head.method, method);
    } finally {
      await reader.cancel();
    }
  });
}

/** [what changes, first head's target and fields, second head's]: reuse must not leak. */
const FOLLOWING: Array<
  [string, [string, Array<[string, string]>], [string, Array<[string, string]>]]
> = [
  [
    "the Host value has the same length and other bytes",
    ["/", [["Host", "a.example"]]],
    ["/", [["Host", "b.example"]]],
  ],
  [
    "the Host value differs only in its last byte",
    ["/", [["Host", "a.example:8081"]]],
    ["/", [["Host", "a.example:8082"]]],
  ],
  [
    "the Host name changes case and keeps its value",
    ["/", [["Host", "a.example"]]],
    ["/", [["host", "a.example"]]],
  ],
  [
    "the target has the same length and other bytes",
    ["/echo/aaa", [["Host", "h"]]],
    ["/echo/bbb", [["Host", "h"]]],
  ],
  [
    "the target differs only in its query",
    ["/a?x=1", [["Host", "h"]]],
    ["/a?x=2", [["Host", "h"]]],
  ],
  [
    "the target gains a query of the same total length",
    ["/abcdef", [["Host", "h"]]],
    ["/ab?def", [["Host", "h"]]],
  ],
  [
    "an unknown name at the same index changes and its value keeps its length",
    ["/", [["Host", "h"], ["X-One", "aaa"]]],
    ["/", [["Host", "h"], ["X-Two", "bbb"]]],
  ],
  [
    "an unknown name at the same index changes and its value stays the same",
    ["/", [["Host", "h"], ["X-One", "same"]]],
    ["/", [["Host", "h"], ["X-Two", "same"]]],
  ],
  [
    "an unknown name at the same index changes only in case",
    ["/", [["Host", "h"], ["X-Custom", "1"]]],
    ["/", [["Host", "h"], ["x-custom", "1"]]],
  ],
  [
    "a known name at the same index becomes another known name, same value length",
    ["/", [["Host", "h"], ["Accept", "a/b"]]],
    ["/", [["Host", "h"], ["Origin", "x/y"]]],
  ],
  [
    "a known name at the same index becomes an unknown one with the same value",
    ["/", [["Host", "h"], ["Accept", "*/*"]]],
    ["/", [["Host", "h"], ["X-Accep", "*/*"]]],
  ],
  [
    "an unknown name at the same index becomes a known one with the same value",
    ["/", [["Host", "h"], ["X-Accep", "*/*"]]],
    ["/", [["Host", "h"], ["Accept", "*/*"]]],
  ],
  [
    "fields move to other indexes, one with a new value of the same length",
    ["/", [["Host", "h.test"], ["User-Agent", "curl/8.1"], ["Accept", "*/*"]]],
    ["/", [["User-Agent", "curl/8.2"], ["Accept", "*/*"], ["Host", "h.test"]]],
  ],
  [
    "the values swap places between two fields of the same value length",
    ["/", [["Host", "h"], ["X-A", "111"], ["X-B", "222"]]],
    ["/", [["Host", "h"], ["X-A", "222"], ["X-B", "111"]]],
  ],
  [
    "the second head has more fields than the first",
    ["/", [["Host", "h"]]],
    ["/", [["Host", "h"], ["X-New", "n"], ["Accept", "*/*"]]],
  ],
  [
    "the second head has fewer fields than the first",
    ["/", [["Host", "h"], ["X-Old", "o"], ["Accept", "*/*"]]],
    ["/", [["Host", "h"]]],
  ],
];

for (const [what, [firstTarget, firstFields], [secondTarget, secondFields]] of FOLLOWING) {
  Deno.test(`HeadReader gives the second head its own bytes when ${what}`, async () => {
    await assertHeads(
      wire(firstTarget, firstFields) + wire(secondTarget, secondFields),
      [get(firstTarget, firstFields), get(secondTarget, secondFields)],
      what,
    );
  });
}

Deno.test("HeadReader gives a third head its own bytes when it repeats the first, not the second", async () => {
  const a: Array<[string, string]> = [["Host", "a.example"], ["X-Id", "1"]];
  const b: Array<[string, string]> = [["Host", "b.example"], ["X-Id", "2"]];
  await assertHeads(
    wire("/one", a) + wire("/two", b) + wire("/one", a),
    [get("/one", a), get("/two", b), get("/one", a)],
    "a, b, a",
  );
});

Deno.test("HeadReader gives equal values when a head repeats the previous one exactly", async () => {
  const fields: Array<[string, string]> = [
    ["Host", "a.example"],
    ["User-Agent", "curl/8.5.0"],
    ["Accept", "*/*"],
    ["X-Custom", "a fairly long value, past the short-decode length"],
  ];
  const input = wire("/echo/some/path?q=1", fields);
  const expected = get("/echo/some/path?q=1", fields);
  // JavaScript cannot tell a reused string from an equal copy (`===` and Object.is compare
  // contents), so equality of every value is what can be pinned.
  await assertHeads(input + input + input, [expected, expected, expected], "repeated");
});

Deno.test("HeadReader refuses a Host of the same length as a valid one before it when it is invalid", async () => {
  // The last valid Host is remembered to skip its check: a same-length look-alike must be checked.
  const valid: Array<[string, string]> = [["Host", "a.example"]];
  const invalid: Array<[string, string]> = [["Host", "a.exampl@"]];
  await assertHeads(
    wire("/", valid) + wire("/", invalid),
    [get("/", valid), { error: "badHost" }],
    "valid then invalid Host",
  );
});

Deno.test("a request line refused once is refused again when it repeats on the same reader", async () => {
  const refused = "GET * HTTP/1.1\r\n";
  await assertHeads(
    `${refused}${refused}Host: a\r\n\r\n`,
    [{ error: "badTarget" }, { error: "badTarget" }],
    "asterisk-form without OPTIONS, twice",
  );
});

/** Refused request lines, and the method `HeadReader.method` must give for each afterwards. */
const REFUSED_LINES: Array<[string, string, string | null]> = [
  ["a bad version", "HEAD / HTTP/3.0\r\nHost: a\r\n\r\n", "HEAD"],
  ["asterisk-form", "HEAD * HTTP/1.1\r\nHost: a\r\n\r\n", "HEAD"],
  ["a control byte in the target", "PROPFIND /\x01 HTTP/1.1\r\n\r\n", "PROPFIND"],
  ["an overlong line", `HEAD /${"a".repeat(9000)} HTTP/1.1\r\n\r\n`, "HEAD"],
  ["a method token ended by a tab", "HEAD\t/ HTTP/1.1\r\n\r\n", null],
  ["a method token ended by the line end", "HEAD\r\n\r\n", null],
];

Deno.test("HeadReader gives the method of a refused request line once its token and space came", async () => {
  for (const [what, input, method] of REFUSED_LINES) {
    const all = feedings(bytes(input));
    // The long line's thousands of split points say nothing its first and last few do not.
    const fed = all.length > 100 ? [...all.slice(0, 20), ...all.slice(-20)] : all;
    for (const { label, pieces } of fed) {
      const reader = readerOver(pieces);
      const heads = new HeadReader(reader, LIMITS);
      heads.begin();
      let head: RequestHead | HttpError | typeof INCOMPLETE | null = heads.advance();
      while (head === INCOMPLETE) head = await reader.fill() ? heads.advance() : heads.stopped();
      assert.ok(head instanceof HttpError, `${what}, ${label}`);
      assert.equal(heads.method, method, `${what}, ${label}`);
    }
  }
});

Deno.test("a repeated request line and fields give the same head, and one changed byte is seen", async () => {
  const first = wire("/same?q=1", [["Host", "a"], ["X-Y", "z"]]);
  const changed = wire("/same?q=2", [["Host", "a"], ["X-Y", "y"]]);
  await assertHeads(
    first + first + changed,
    [
      get("/same?q=1", [["Host", "a"], ["X-Y", "z"]]),
      get("/same?q=1", [["Host", "a"], ["X-Y", "z"]]),
      get("/same?q=2", [["Host", "a"], ["X-Y", "y"]]),
    ],
    "repeat then change",
  );
});

Deno.test("a head that extends, shortens or repeats the last one never changes that one's fields", async () => {
  const first = wire("/", [["Host", "a"], ["X-A", "1"]]);
  const longer = wire("/", [["Host", "a"], ["X-A", "1"], ["X-B", "2"]]);
  const shorter = wire("/", [["Host", "a"]]);
  const reader = readerOver([bytes(first + longer + first + shorter + first)]);
  const heads = new HeadReader(reader, LIMITS);
  const got: RequestHead[] = [];
  try {
    for (let n = 0; n < 5; n++) {
      heads.release();
      heads.begin();
      let head: RequestHead | HttpError | typeof INCOMPLETE | null = heads.advance();
      while (head === INCOMPLETE) head = await reader.fill() ? heads.advance() : heads.stopped();
      assert(head !== null && !(head instanceof HttpError), `head ${n}`);
      got.push(head);
    }
  } finally {
    heads.release();
    await reader.cancel();
  }
  const entries = got.map((h) => h.headers.entries());
  const firstFields = [["Host", "a"], ["X-A", "1"]];
  assert.deepEqual(entries, [
    firstFields,
    [...firstFields, ["X-B", "2"]],
    firstFields,
    [["Host", "a"]],
    firstFields,
  ]);
  assert.deepEqual(got[0].headers.entries(), firstFields, "the first head is as it was");
});

/**
 * A field line that spells one of the last head's lines and then one more byte before a bare LF:
 * the repeat fast path compares the bytes before the line's last one, so that last byte must be
 * the CR (RFC 9112 §2.2). Taken as a repeat, `Content-Length: 10` + LF read as
 * `Content-Length: 1`, and the body's other nine bytes became the next request.
 */
const REPEAT_THEN_BARE_LF: Array<[string, string, string]> = [
  ["a digit lengthening Content-Length", "Content-Length: 1", "0"],
  ["a letter after the Host value", "Host: a.example", "Z"],
  ["a NUL after the value", "X-Id: 1", "\x00"],
  ["a space after the value", "X-Id: 1", " "],
  ["a tab after the value", "X-Id: 1", "\t"],
];

for (const [what, line, extra] of REPEAT_THEN_BARE_LF) {
  Deno.test(`HeadReader refuses a line repeating the last head's with ${what} and a bare LF`, async () => {
    // Heads only: the reader does not take the body Content-Length announces.
    const fields: Array<[string, string]> = [
      ["Host", "a.example"],
      ["X-Id", "1"],
      ["Content-Length", "1"],
    ];
    const lines = fields.map(([n, v]) => `${n}: ${v}`);
    const second = `GET / HTTP/1.1\r\n${
      lines.map((l) => l === line ? `${l}${extra}\n` : `${l}\r\n`).join("")
    }\r\n`;
    await assertHeads(wire("/", fields) + second, [get("/", fields), { error: "badHeader" }], what);
  });
}

/** The first head read by a new HeadReader over `input` (a new connection's first request). */
async function firstHead(input: string): Promise<RequestHead | HttpError | null> {
  const reader = readerOver([bytes(input)]);
  const heads = new HeadReader(reader, LIMITS);
  heads.begin();
  let head: RequestHead | HttpError | typeof INCOMPLETE | null = heads.advance();
  while (head === INCOMPLETE) head = await reader.fill() ? heads.advance() : heads.stopped();
  heads.release();
  await reader.cancel();
  return head;
}

Deno.test("a new connection's first head shares the last accepted head's fields only when it repeats them", async () => {
  const fields: Array<[string, string]> = [["Host", "a.example"], ["Connection", "close"]];
  const first = await firstHead(wire("/x", fields));
  const again = await firstHead(wire("/y", fields));
  assert.ok(first !== null && !(first instanceof HttpError));
  assert.ok(again !== null && !(again instanceof HttpError));
  // Clients that open a connection per request send the same fields each time: not parsed again.
  assert.equal(again.headers, first.headers);
  const changed: Array<[string, string]> = [["Host", "a.example"], ["Connection", "clos3"]];
  assert.deepEqual(seen(await firstHead(wire("/y", changed))), get("/y", changed));
  assert.deepEqual(seen(first), get("/x", fields));
});
