/**
 * Form uploads over the real server: curl -F with two files (one over 1 MiB), hostile and
 * duplicate filenames, a form cut off mid-body, the redirect for a browser form, and the limits.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { RawClient } from "../support/server.ts";
import {
  curlRun,
  filesBelow,
  head,
  pattern,
  request,
  settledFiles,
  withUploadServer,
} from "./upload_fixture.ts";

const BOUNDARY = "----wireserveTestBoundary7MA4YWxk";
const FORM: [string, string] = ["Content-Type", `multipart/form-data; boundary=${BOUNDARY}`];

/** A form body: each part is [filename or null for a field, content]. */
function form(parts: Array<[string | null, string | Uint8Array]>, close = true): Uint8Array {
  const enc = new TextEncoder();
  const pieces: Uint8Array[] = [];
  for (const [filename, content] of parts) {
    const disposition = filename === null
      ? 'form-data; name="field"'
      : `form-data; name="file"; filename="${filename}"`;
    pieces.push(enc.encode(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    pieces.push(typeof content === "string" ? enc.encode(content) : content);
    pieces.push(enc.encode("\r\n"));
  }
  if (close) pieces.push(enc.encode(`--${BOUNDARY}--\r\n`));
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

Deno.test("curl -F stores two files into the folder and answers a JSON listing", async () => {
  await withUploadServer({}, async (s) => {
    const dir = await Deno.makeTempDir();
    const big = pattern(2 * 1024 * 1024 + 3, 11);
    await Deno.writeFile(`${dir}/big.bin`, big);
    await Deno.writeTextFile(`${dir}/notes.txt`, "some notes\r\n--with dashes\r\n");
    try {
      const run = await curlRun([
        "-F",
        `a=@${dir}/big.bin`,
        "-F",
        `b=@${dir}/notes.txt;filename=../../escape/notes.txt`,
        "-F",
        "comment=just a field",
        s.url("/files/up/new/"),
      ]);
      assertEquals(run.status, 201);
      assertEquals(JSON.parse(run.body), {
        stored: [
          { name: "big.bin", url: "/files/up/new/big.bin", size: big.length },
          { name: "notes.txt", url: "/files/up/new/notes.txt", size: 27 },
        ],
      });
      assertEquals(await Deno.readFile(`${s.root}/up/new/big.bin`), big);
      assertEquals(
        await Deno.readTextFile(`${s.root}/up/new/notes.txt`),
        "some notes\r\n--with dashes\r\n",
      );
      assertEquals(await filesBelow(s.root), ["up/new/big.bin", "up/new/notes.txt"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("a plain HTML form post is redirected (303) back to the folder listing", async () => {
  await withUploadServer({}, async (s) => {
    const res = await request(s.port, "POST", "/files/inbox/", [
      FORM,
      ["Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
      ["Sec-Fetch-Mode", "navigate"],
    ], form([["a.txt", "A"]]));
    assertEquals([res.status, res.header("location")], [303, "/files/inbox/"]);
    const viaFetch = await request(s.port, "POST", "/files/inbox/", [
      FORM,
      ["Accept", "text/html"],
      ["Sec-Fetch-Mode", "cors"],
    ], form([["b.txt", "B"]]));
    assertEquals(viaFetch.status, 201);
    assertEquals(await filesBelow(s.root), ["inbox/a.txt", "inbox/b.txt"]);
  });
});

Deno.test("a refused filename in a form stores nothing at all, not even the good files", async () => {
  await withUploadServer({}, async (s) => {
    for (const bad of ["CON.txt", "a\x01b", "trailing.", ".env", "a:b"]) {
      const res = await request(
        s.port,
        "POST",
        "/files/f/",
        [FORM],
        form([["good.txt", "ok"], [bad, "x"]]),
      );
      assertEquals(res.status, 400, bad);
    }
    assertEquals(await settledFiles(s.root, []), []);
    // the folder made for the form is removed again
    assertEquals(await Array.fromAsync(Deno.readDir(s.root)), []);
  });
});

Deno.test("two files of the same name in one form get 400 and nothing is stored", async () => {
  await withUploadServer({}, async (s) => {
    const res = await request(
      s.port,
      "POST",
      "/files/",
      [FORM],
      form([["x.txt", "1"], ["dir/x.txt", "2"]]),
    );
    assertEquals(res.status, 400);
    assertEquals(await filesBelow(s.root), []);
  });
});

Deno.test("a form without files answers 400 and creates nothing, not even its folder", async () => {
  await withUploadServer({}, async (s) => {
    const res = await request(s.port, "POST", "/files/", [FORM], form([[null, "v"], ["", ""]]));
    assertEquals([res.status, res.text], [400, "The form holds no file: pick at least one\n"]);
    const into = await request(s.port, "POST", "/files/new/deeper/", [FORM], form([[null, "v"]]));
    assertEquals(into.status, 400);
    assertEquals(await Array.fromAsync(Deno.readDir(s.root)), []);
    // Fields beside a file are skipped, the file stored.
    const mixed = await request(s.port, "POST", "/files/", [FORM], form([[null, "v"], ["a", "A"]]));
    assertEquals(mixed.status, 201);
    assertEquals(await filesBelow(s.root), ["a"]);
  });
});

Deno.test("a browser form with an error gets it as a small HTML page", async () => {
  await withUploadServer({}, async (s) => {
    const res = await request(s.port, "POST", "/files/", [
      FORM,
      ["Accept", "text/html,application/xhtml+xml,*/*;q=0.8"],
      ["Sec-Fetch-Mode", "navigate"],
    ], form([["", ""]]));
    assertEquals(res.status, 400);
    assertEquals(res.header("content-type"), "text/html; charset=utf-8");
    assert(res.text.includes("<h1>400 Bad Request</h1>"), res.text);
    assert(res.text.includes("The form holds no file: pick at least one"), res.text);
    assert(!res.text.includes("<script"), res.text);
  });
});

Deno.test("a form cut off before its closing boundary stores nothing", async () => {
  await withUploadServer({}, async (s) => {
    const res = await request(
      s.port,
      "POST",
      "/files/",
      [FORM],
      form([["a.txt", "complete part"]], false),
    );
    assertEquals(res.status, 400);
    assertEquals(await filesBelow(s.root), []);
  });
});

Deno.test("a client that disconnects mid-form leaves no file and no temp file", async () => {
  await withUploadServer({}, async (s) => {
    const body = form([["done.txt", "first part complete"], ["big.bin", pattern(3 * 1024 * 1024)]]);
    const c = await RawClient.connect(s.port);
    await c.send(head("POST", "/files/", [FORM, ["Content-Length", String(body.length)]]));
    await c.send(body.subarray(0, 2 * 1024 * 1024));
    await new Promise((r) => setTimeout(r, 100));
    c.close();
    assertEquals(await settledFiles(s.root, []), []);
  });
});

Deno.test("--no-overwrite refuses a form that names an existing file with 409", async () => {
  await withUploadServer({ noOverwrite: true }, async (s) => {
    await Deno.writeTextFile(`${s.root}/old.txt`, "old");
    const res = await request(
      s.port,
      "POST",
      "/files/",
      [FORM],
      form([["new.txt", "n"], ["old.txt", "x"]]),
    );
    assertEquals(res.status, 409);
    assertEquals(await filesBelow(s.root), ["old.txt"]);
    assertEquals(await Deno.readTextFile(`${s.root}/old.txt`), "old");
  });
});

Deno.test("a form over the upload limit gets 413 and stores nothing", async () => {
  await withUploadServer({ maxUploadBytes: 10_000 }, async (s) => {
    const body = form([["a.bin", pattern(20_000)]]);
    const res = await request(s.port, "POST", "/files/", [FORM], body);
    assertEquals(res.status, 413);
    assertEquals(await filesBelow(s.root), []);
  });
});

Deno.test("POST to a folder without a form gets 415; a form onto a file path gets 409", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.writeTextFile(`${s.root}/file`, "x");
    assertEquals((await request(s.port, "POST", "/files/dir/", [], "raw")).status, 415);
    assertEquals(
      (await request(s.port, "POST", "/files/file", [FORM], form([["a", "b"]]))).status,
      409,
    );
    assertEquals(await filesBelow(s.root), ["file"]);
  });
});

/** A one-part form body with `boundary` and the part's raw header block `headBlock`. */
function rawForm(boundary: string, headBlock: string, content = "x"): string {
  return `--${boundary}\r\n${headBlock}\r\n\r\n${content}\r\n--${boundary}--\r\n`;
}

Deno.test("a form whose boundary is missing, empty or too long gets 400, not 415", async () => {
  await withUploadServer({}, async (s) => {
    const part = 'Content-Disposition: form-data; name="file"; filename="h.txt"';
    const cases: Array<[string, string]> = [
      ["multipart/form-data", rawForm("XYZ", part)],
      ["multipart/form-data; boundary=" + "x".repeat(71), rawForm("x".repeat(71), part)],
      ['multipart/form-data; boundary=""', rawForm("", part)],
    ];
    for (const [type, body] of cases) {
      for (const path of ["/files/dir/", "/files/file.txt"]) {
        const res = await request(s.port, "POST", path, [["Content-Type", type]], body);
        assertEquals(res.status, 400, `${type} to ${path}`);
        assert(new TextDecoder().decode(res.body).includes("boundary"), "the message names it");
      }
    }
    assertEquals(await filesBelow(s.root), []);
  });
});

Deno.test("a folded part header is unfolded (RFC 5322 §2.2.3), as Go's mime/multipart does", async () => {
  await withUploadServer({}, async (s) => {
    const folded = 'Content-Disposition: form-data; name="file";\r\n filename="folded.txt"';
    const res = await request(s.port, "POST", "/files/dir/", [FORM], rawForm(BOUNDARY, folded));
    assertEquals(res.status, 201);
    assertEquals(await filesBelow(s.root), ["dir/folded.txt"]);
  });
});

Deno.test("a part with two Content-Disposition fields is refused 400 and stores nothing", async () => {
  await withUploadServer({}, async (s) => {
    const twice = 'Content-Disposition: form-data; name="file"; filename="first.txt"\r\n' +
      'Content-Disposition: form-data; name="file"; filename="second.txt"';
    const res = await request(s.port, "POST", "/files/dir/", [FORM], rawForm(BOUNDARY, twice));
    assertEquals(res.status, 400);
    assertEquals(await filesBelow(s.root), []);
  });
});

Deno.test("a file part whose filename* cannot be read refuses the form; a filename beside it is used", async () => {
  await withUploadServer({}, async (s) => {
    const good = 'Content-Disposition: form-data; name="file"; filename="good.txt"';
    for (const star of ["ISO-8859-1''caf%E9.txt", "FOO''x.txt", "UTF-8''%zz.txt"]) {
      const unreadable = `Content-Disposition: form-data; name="file"; filename*=${star}`;
      // alone, and beside a good file: all or nothing, never the good one only
      for (const body of [rawForm(BOUNDARY, unreadable), twoParts(good, unreadable)]) {
        const res = await request(s.port, "POST", "/files/dir/", [FORM], body);
        assertEquals(res.status, 400, star);
        assertEquals(
          res.text,
          "Refused name: cannot be read (a filename* not in UTF-8, and no filename)\n",
        );
      }
    }
    assertEquals(await filesBelow(s.root), []);
    const withPlain = 'Content-Disposition: form-data; name="file"; ' +
      "filename*=ISO-8859-1''caf%E9.txt; filename=\"cafe.txt\"";
    const res = await request(s.port, "POST", "/files/dir/", [FORM], rawForm(BOUNDARY, withPlain));
    assertEquals(res.status, 201, res.text);
    assertEquals(await filesBelow(s.root), ["dir/cafe.txt"]);
  });
});

/** A two-part form body: `first` and `second` are the parts' raw header blocks. */
function twoParts(first: string, second: string): string {
  return `--${BOUNDARY}\r\n${first}\r\n\r\none\r\n--${BOUNDARY}\r\n${second}\r\n\r\ntwo\r\n` +
    `--${BOUNDARY}--\r\n`;
}

Deno.test("a form part named like the server's own is refused as reserved (not dotfile), as a PUT is", async () => {
  await withUploadServer({}, async (s) => {
    for (const name of [".wireserve-uploads", ".wireserve-dav"]) {
      const res = await request(s.port, "POST", "/files/dir/", [FORM], form([[name, "x"]]));
      assertEquals([res.status, res.text], [400, "Refused name: reserved\n"], name);
      const put = await request(s.port, "PUT", `/files/dir/${name}`, [], "x");
      assertEquals([put.status, put.text], [400, "Refused name: reserved\n"], name);
    }
    assertEquals(await filesBelow(s.root), []);
  });
});

Deno.test("--max-upload bounds a form's whole body: one file of exactly the limit is 413", async () => {
  const limit = 10_000;
  await withUploadServer({ maxUploadBytes: limit }, async (s) => {
    const atLimit = await request(
      s.port,
      "POST",
      "/files/",
      [FORM],
      form([["a.bin", pattern(limit)]]),
    );
    assertEquals(atLimit.status, 413);
    // The body itself at the limit passes: what is counted is the request body (docs/limits.md).
    const overhead = form([["a.bin", ""]]).length;
    const fits = form([["a.bin", pattern(limit - overhead)]]);
    assertEquals(fits.length, limit);
    const res = await request(s.port, "POST", "/files/", [FORM], fits);
    assertEquals(res.status, 201, res.text);
    assertEquals(await filesBelow(s.root), ["a.bin"]);
  });
});
