/**
 * `SharedListings`: concurrent listings of a folder share one read and one sort per order, a
 * write between (the change board moved) makes the next listing read afresh, the shared read
 * counts its places once, and the work stops once every request that wanted it has gone.
 */

import { ChangeBoard } from "../../src/app/change_board.ts";
import { heldEntries } from "../../src/files/held_entries.ts";
import { type Listing, type ListingEntry, readListing } from "../../src/files/listing.ts";
import {
  type FolderReader,
  ListingAbandoned,
  SharedListings,
} from "../../src/files/shared_listings.ts";
import { localCount } from "../../src/http/shared_count.ts";
import { assert, assertEquals, assertRejects } from "../support/assert.ts";

const FOLDER = { fsPath: "/srv/big", realDir: "/srv/big" };
const STREAM_FROM = 3;

function entry(name: string, size: number): ListingEntry {
  return { name, type: "file", size, mtime: null };
}

/** A reader counting its calls, each answering `entries` once `gate` opens. */
function countingReader(entries: () => ListingEntry[]) {
  const calls: AbortSignal[] = [];
  let open = () => {};
  const gate = new Promise<void>((resolve) => open = resolve);
  const read: FolderReader = async (_dir, hold, signal) => {
    calls.push(signal);
    await gate;
    signal.throwIfAborted();
    const listed = entries();
    if (!hold(listed.length)) throw new Error("refused");
    return { entries: listed, truncated: false } satisfies Listing;
  };
  return { read, calls, open };
}

function listings(board: ChangeBoard | null = new ChangeBoard(), maxAgeMs = 60_000) {
  const held = heldEntries(localCount(), 1_000);
  return { reads: new SharedListings(board, maxAgeMs, held, STREAM_FROM), held, board };
}

const files = () => [entry("b", 1), entry("a", 3), entry("c", 2)];

Deno.test("concurrent listings of a folder share one read and one sort per order", async () => {
  const { reads, held } = listings();
  const reader = countingReader(files);
  const signal = new AbortController().signal;
  const asked = [
    reads.sorted(FOLDER, "name", "asc", signal, reader.read),
    reads.sorted(FOLDER, "name", "asc", signal, reader.read),
    reads.sorted(FOLDER, "size", "desc", signal, reader.read),
  ];
  reader.open();
  const [byName, again, bySize] = await Promise.all(asked);
  assertEquals(reader.calls.length, 1, "one read for three requests");
  assert(byName.entries === again.entries, "one sort for one order");
  assertEquals(byName.entries.map((e) => e.name), ["a", "b", "c"]);
  assertEquals(bySize.entries.map((e) => e.name), ["a", "c", "b"]);
  assertEquals(held.count.value, 3, "the shared entries are counted once");
  // Still held by an answer being sent: a later request joins it too.
  const later = await reads.sorted(FOLDER, "name", "asc", signal, reader.read);
  assertEquals(reader.calls.length, 1);
  for (const lent of [byName, again, bySize, later]) lent.release();
  byName.release(); // given back once, however often
  assertEquals([held.count.value, reads.size], [0, 0]);
});

Deno.test("a write to the folder between makes the next listing read afresh", async () => {
  const { reads, board } = listings();
  let names = ["old"];
  const reader = countingReader(() => names.map((n) => entry(n, 1)));
  const signal = new AbortController().signal;
  const first = reads.sorted(FOLDER, "name", "asc", signal, reader.read);
  // The write lands (and bumps its folder on the board) while the first read is in flight.
  names = ["new", "old"];
  board!.changed(`${FOLDER.fsPath}/new`);
  const second = reads.sorted(FOLDER, "name", "asc", signal, reader.read);
  reader.open();
  const [a, b] = await Promise.all([first, second]);
  assertEquals(reader.calls.length, 2, "the read begun before the write is not joined");
  assertEquals(b.entries.map((e) => e.name), ["new", "old"]);
  a.release();
  b.release();
});

Deno.test("listings are not shared without a change board to tell a write", async () => {
  const { reads } = listings(null);
  const reader = countingReader(files);
  const signal = new AbortController().signal;
  const asked = [1, 2].map(() => reads.sorted(FOLDER, "name", "asc", signal, reader.read));
  reader.open();
  for (const lent of await Promise.all(asked)) lent.release();
  assertEquals(reader.calls.length, 2);
});

Deno.test("a shared read stops once every request that wanted it has gone", async () => {
  const { reads, held } = listings();
  const reader = countingReader(files);
  const clients = [new AbortController(), new AbortController()];
  const asked = clients.map((c) => reads.sorted(FOLDER, "name", "asc", c.signal, reader.read));
  clients[0].abort();
  await assertRejects(() => asked[0], ListingAbandoned);
  assert(!reader.calls[0].aborted, "another request still waits for the read");
  clients[1].abort();
  await assertRejects(() => asked[1], ListingAbandoned);
  assert(reader.calls[0].aborted, "nobody waits: the read is told to stop");
  reader.open();
  await new Promise((r) => setTimeout(r, 0));
  assertEquals([held.count.value, reads.size], [0, 0]);
});

Deno.test("readListing stops between batches once its signal aborts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-shared-" });
  try {
    for (let i = 0; i < 3_000; i += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, j) => Deno.writeTextFile(`${dir}/f${i + j}`, "x")),
      );
    }
    const stop = new AbortController();
    let described = 0;
    const allowed = () => {
      // The client goes after the first thousand entries were described.
      if (++described === 1_000) stop.abort(new ListingAbandoned());
      return Promise.resolve(true);
    };
    await assertRejects(
      () => readListing(dir, { dotfiles: false, allowed, maxEntries: 10_000, signal: stop.signal }),
      ListingAbandoned,
    );
    assertEquals(described, 1_000, "no entry described after the abort");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
