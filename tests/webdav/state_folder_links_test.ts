/**
 * A `.wireserve-dav` folder that is not a real folder — a symlink leading out of the share, put
 * there by anyone who writes in it — is never written, read or removed through, and the files
 * the server keeps in a real one (records, the lock file) are used only as plain files standing
 * there: a DELETE leaves what the link leads to alone, a PROPPATCH refuses (the handler throws
 * `StateFolderNotReal`: a 500 with the path in the server's log), a PROPFIND finds no properties
 * there, a COPY or MOVE of a file with properties refuses before anything moves.
 */

import { join } from "node:path";
import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { StateFolderNotReal } from "../../src/app/state_folder.ts";
import { readDeadProps, updateDeadProps } from "../../src/webdav/dead_props.ts";
import { type DavApp, propfindBody, proppatchBody, withDav } from "./webdav_fixture.ts";

const ALL = { allowDelete: true, allowMkdir: true };
const NS = "urn:x";
/** A record the server would read as one property whose value is a secret of the outside. */
const OUTSIDE_RECORD = JSON.stringify({ props: [{ ns: NS, name: "secret", xml: "OUTSIDE" }] });

/** `fn` with the app over a share and a folder `outside` it, removed after. */
async function withOutside(fn: (app: DavApp, outside: string) => Promise<void>): Promise<void> {
  const outside = await Deno.makeTempDir({ prefix: "wireserve-dav-outside-" });
  try {
    await withDav(ALL, (app) => fn(app, outside));
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
}

/** The names in `dir`, sorted. */
function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

/** `share/sub` holding `g.txt` and `victim`, its `.wireserve-dav` a link to `outside`. */
async function linkedSub(app: DavApp, outside: string): Promise<string> {
  const sub = join(app.root, "sub");
  await Deno.mkdir(sub);
  await Deno.writeTextFile(join(sub, "g.txt"), "g");
  await Deno.writeTextFile(join(sub, "victim"), "v");
  await Deno.writeTextFile(join(outside, "p-victim"), "precious");
  await Deno.writeTextFile(join(outside, "p-g.txt"), OUTSIDE_RECORD);
  await Deno.writeTextFile(join(outside, "self"), OUTSIDE_RECORD);
  await Deno.symlink(outside, join(sub, ".wireserve-dav"));
  return sub;
}

const SET = proppatchBody([[NS, "p", "1"]]);

Deno.test("DELETE of a file leaves alone what a linked .wireserve-dav leads to", async () => {
  await withOutside(async (app, outside) => {
    const sub = await linkedSub(app, outside);
    assertEquals((await app.call("DELETE", "/files/sub/victim")).status, 204);
    assertEquals(names(sub), [".wireserve-dav", "g.txt"]);
    assertEquals(await Deno.readTextFile(join(outside, "p-victim")), "precious");
  });
});

Deno.test("PROPPATCH through a linked .wireserve-dav refuses and writes nothing there", async () => {
  await withOutside(async (app, outside) => {
    await linkedSub(app, outside);
    for (const path of ["/files/sub/g.txt", "/files/sub/", "/files/sub/victim"]) {
      await assertRejects(() => app.call("PROPPATCH", path, [], SET), StateFolderNotReal, path);
    }
    assertEquals(names(outside), ["p-g.txt", "p-victim", "self"], "no record, temp or lock file");
    assertEquals(await Deno.readTextFile(join(outside, "p-g.txt")), OUTSIDE_RECORD);
  });
});

Deno.test("the share root's .wireserve-dav as a link: a PROPPATCH of the root writes nothing there", async () => {
  await withOutside(async (app, outside) => {
    await Deno.symlink(outside, join(app.root, ".wireserve-dav"));
    await assertRejects(() => app.call("PROPPATCH", "/files/", [], SET), StateFolderNotReal);
    assertEquals(names(outside), []);
  });
});

Deno.test("PROPFIND reads no properties through a linked .wireserve-dav", async () => {
  await withOutside(async (app, outside) => {
    await linkedSub(app, outside);
    for (const depth of ["0", "1"]) {
      for (const path of ["/files/sub/", "/files/sub/g.txt"]) {
        const res = await app.call("PROPFIND", path, [["Depth", depth]], "");
        assertEquals(res.status, 207, path);
        assert(!res.text.includes("OUTSIDE"), `${path} Depth ${depth}: ${res.text}`);
      }
    }
    const named = await app.call(
      "PROPFIND",
      "/files/sub/g.txt",
      [["Depth", "0"]],
      propfindBody(
        `{${NS}}secret`,
      ),
    );
    assert(!named.text.includes("OUTSIDE"), named.text);
  });
});

Deno.test("MOVE and COPY of a file with properties refuse a linked .wireserve-dav at the destination", async () => {
  await withOutside(async (app, outside) => {
    await linkedSub(app, outside);
    await Deno.writeTextFile(join(app.root, "a.txt"), "a");
    assertEquals((await app.call("PROPPATCH", "/files/a.txt", [], SET)).status, 207);
    for (const method of ["MOVE", "COPY"]) {
      await assertRejects(
        () => app.call(method, "/files/a.txt", [["Destination", "/files/sub/a.txt"]]),
        StateFolderNotReal,
        method,
      );
    }
    // Onto a file there: refused before the destination is replaced, so nothing is lost.
    for (const method of ["MOVE", "COPY"]) {
      await assertRejects(
        () => app.call(method, "/files/a.txt", [["Destination", "/files/sub/g.txt"]]),
        StateFolderNotReal,
        `${method} over g.txt`,
      );
    }
    assertEquals(names(outside), ["p-g.txt", "p-victim", "self"]);
    assertEquals(names(join(app.root, "sub")), [".wireserve-dav", "g.txt", "victim"], "not moved");
    assertEquals(await Deno.readTextFile(join(app.root, "sub", "g.txt")), "g", "kept");
    assertEquals(await Deno.readTextFile(join(app.root, "a.txt")), "a");
  });
});

Deno.test("MOVE and COPY out of a folder whose .wireserve-dav is a link bring nothing of it", async () => {
  await withOutside(async (app, outside) => {
    await linkedSub(app, outside);
    const copied = await app.call("COPY", "/files/sub/g.txt", [["Destination", "/files/c.txt"]]);
    assertEquals(copied.status, 201);
    const moved = await app.call("MOVE", "/files/sub/g.txt", [["Destination", "/files/m.txt"]]);
    assertEquals(moved.status, 201);
    for (const path of ["/files/c.txt", "/files/m.txt"]) {
      const res = await app.call("PROPFIND", path, [["Depth", "0"]], "");
      assert(!res.text.includes("OUTSIDE"), res.text);
    }
    assertEquals(names(outside), ["p-g.txt", "p-victim", "self"], "nothing taken from there");
  });
});

Deno.test("a lock file that is a link in a real .wireserve-dav is never opened through", async () => {
  await withOutside(async (app, outside) => {
    await Deno.writeTextFile(join(app.root, "f.txt"), "f");
    await Deno.mkdir(join(app.root, ".wireserve-dav"));
    const made = join(outside, "made-by-the-server");
    await Deno.symlink(made, join(app.root, ".wireserve-dav", "lock"));
    await assertRejects(() => app.call("PROPPATCH", "/files/f.txt", [], SET), StateFolderNotReal);
    assertEquals(names(outside), [], "the open with create made nothing where the link leads");
  });
});

Deno.test("a record that is a link in a real .wireserve-dav is not read, and a write replaces the link", async () => {
  await withOutside(async (app, outside) => {
    await Deno.writeTextFile(join(app.root, "f.txt"), "f");
    await Deno.mkdir(join(app.root, ".wireserve-dav"));
    await Deno.writeTextFile(join(outside, "record"), OUTSIDE_RECORD);
    const record = join(app.root, ".wireserve-dav", "p-f.txt");
    await Deno.symlink(join(outside, "record"), record);
    assertEquals(await readDeadProps(join(app.root, "f.txt"), false), []);
    const found = await app.call("PROPFIND", "/files/", [["Depth", "1"]], "");
    assert(!found.text.includes("OUTSIDE"), found.text);
    assertEquals((await app.call("PROPPATCH", "/files/f.txt", [], SET)).status, 207);
    assert(!(await Deno.lstat(record)).isSymlink, "the record replaced the link");
    assertEquals(await Deno.readTextFile(join(outside, "record")), OUTSIDE_RECORD);
  });
});

Deno.test({
  name: "a record that is a FIFO is not waited on: no properties, at once",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await withDav(ALL, async (app) => {
      await Deno.writeTextFile(join(app.root, "f.txt"), "f");
      await Deno.mkdir(join(app.root, ".wireserve-dav"));
      const fifo = join(app.root, ".wireserve-dav", "p-f.txt");
      assert((await new Deno.Command("mkfifo", { args: [fifo] }).output()).success);
      const read = readDeadProps(join(app.root, "f.txt"), false);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((r) => timer = setTimeout(() => r("late"), 3000));
      const first = await Promise.race([read, late]);
      clearTimeout(timer);
      if (first === "late") {
        // Let the open waiting on the FIFO go (a writer comes and leaves) before failing.
        (await Deno.open(fifo, { write: true })).close();
        await read;
      }
      assertEquals(first, [], "the read waited on the FIFO");
      const res = await app.call("PROPFIND", "/files/f.txt", [["Depth", "0"]], "");
      assertEquals(res.status, 207);
    });
  },
});

Deno.test("updateDeadProps makes a missing .wireserve-dav as a real folder and writes through it", async () => {
  await withDav(ALL, async (app) => {
    const file = join(app.root, "f.txt");
    await Deno.writeTextFile(file, "f");
    await updateDeadProps(file, false, () => [{ ns: NS, name: "p", xml: "1" }]);
    const props = await Deno.lstat(join(app.root, ".wireserve-dav"));
    assert(props.isDirectory && !props.isSymlink);
    assertEquals((await readDeadProps(file, false)).map((p) => p.name), ["p"]);
  });
});
