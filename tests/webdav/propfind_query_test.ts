/**
 * What a PROPFIND asks for and one resource's answer to it, without a request or a disk: what
 * each query needs read, and a name `DAV:include` repeats answered once.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { countedList } from "./counted_list.ts";
import type { Described } from "../../src/webdav/live_props.ts";
import {
  describeOne,
  namedCount,
  needsDeadProps,
  needsLocks,
  parsePropfindQuery,
  type PropfindQuery,
} from "../../src/webdav/propfind_query.ts";
import { parseXml } from "../../src/webdav/xml_tree.ts";

const query = (inner: string): PropfindQuery =>
  parsePropfindQuery(
    parseXml(`<D:propfind xmlns:D="DAV:" xmlns:T="urn:x-test:">${inner}</D:propfind>`),
  )!;

Deno.test("a PROPFIND query needs locks when it names a live property, dead ones otherwise", () => {
  const cases: Array<[string, string, boolean, boolean]> = [
    // name, body, needs dead properties, needs locks
    ["allprop", "<D:allprop/>", true, true],
    ["propname", "<D:propname/>", true, true],
    ["prop: dead only", "<D:prop><T:color/></D:prop>", true, false],
    ["prop: lockdiscovery only", "<D:prop><D:lockdiscovery/></D:prop>", false, true],
    ["prop: both", "<D:prop><D:getetag/><T:color/></D:prop>", true, true],
    ["prop: a DAV: name that is not live", "<D:prop><D:quota-used-bytes/></D:prop>", true, false],
  ];
  for (const [name, body, dead, locks] of cases) {
    const q = query(body);
    assertEquals([needsDeadProps(q), needsLocks(q)], [dead, locks], name);
  }
});

Deno.test("allprop with include answers a repeated name once, in the 404 propstat too", () => {
  const info = Deno.statSync(import.meta.filename!);
  const d: Described = {
    segments: ["a.txt"],
    isDir: false,
    info,
    locks: [],
    nowMs: 0,
    lockable: true,
  };
  const q = query(
    "<D:allprop/><D:include><T:missing/><T:missing/><D:getetag/><D:getetag/></D:include>",
  );
  const text = describeOne(d, [], q, "/files/a.txt");
  assertEquals(text.split("<D:getetag>").length - 1, 1);
  assertEquals(text.split('<missing xmlns="urn:x-test:"/>').length - 1, 1, text);
});

Deno.test("a prop query lists a repeated name once, so it is answered once", () => {
  const q = query("<D:prop><T:a/><D:getetag/><T:a/><T:b/><D:getetag/><T:a/></D:prop>");
  assertEquals(q, {
    kind: "prop",
    names: [{ ns: "urn:x-test:", local: "a" }, { ns: "DAV:", local: "getetag" }, {
      ns: "urn:x-test:",
      local: "b",
    }],
  });
  assertEquals(namedCount(q), 3);
});

Deno.test("describeOne reads each dead property a bounded number of times, however many names are asked", () => {
  const d: Described = {
    segments: ["a.txt"],
    isDir: false,
    info: Deno.statSync(import.meta.filename!),
    locks: [],
    nowMs: 0,
    lockable: true,
  };
  const STORED = 2_000;
  const ASKED = 1_000;
  const stored = Array.from(
    { length: STORED },
    (_, i) => ({ ns: "urn:s", name: `p${i}`, xml: "" }),
  );
  const absent = Array.from({ length: ASKED }, (_, i) => ({ ns: "urn:a", local: `n${i}` }));
  const queries: Array<[string, PropfindQuery]> = [
    ["prop", { kind: "prop", names: [...absent, { ns: "urn:s", local: "p7" }] }],
    ["allprop with include", { kind: "allprop", include: absent }],
  ];
  for (const [what, q] of queries) {
    const dead = countedList(stored);
    const text = describeOne(d, dead.list, q, "/files/a.txt");
    assertEquals(text.split('xmlns="urn:a"/>').length - 1, ASKED, what);
    // A scan of the stored properties per name asked read them 1,000 times each (2,000,000).
    assert(dead.reads() <= 3 * STORED, `${what}: ${dead.reads()} reads`);
  }
});
