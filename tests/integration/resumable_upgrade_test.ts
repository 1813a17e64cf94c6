/**
 * `Upload-Complete: ?1` invites an upgrade of an ordinary request to a resumable upload (the
 * draft's "Upgrading To Resumable Uploads"), whose data must still be processed "according to the
 * method and header fields in the initial request". A request a resumable upload cannot process
 * so — a form, `Content-Range`, `X-OC-Mtime` — is answered as the plain upload it is, exactly as
 * without the field; with `?0` (a resumable upload on purpose) it is refused and leaves nothing.
 * A probe found every one of them taken over: the raw multipart body stored as the file, a form to
 * a folder refused for want of a file name, a range's piece replacing the whole file, the time
 * dropped.
 * @module
 */

import { assert, assertEquals } from "../support/assert.ts";
import { filesBelow, request, withUploadServer } from "./upload_fixture.ts";

const BOUNDARY = "wsbound";

/** A multipart form with one file part named `filename` holding `text`. */
function form(filename: string, text: string): string {
  return `--${BOUNDARY}\r\nContent-Disposition: form-data; name="f"; filename="${filename}"\r\n` +
    `Content-Type: text/plain\r\n\r\n${text}\r\n--${BOUNDARY}--\r\n`;
}

const FORM_TYPE: [string, string] = ["Content-Type", `multipart/form-data; boundary=${BOUNDARY}`];
const UPGRADE: [string, string] = ["Upload-Complete", "?1"];

/** The files of the share, the resumable state folder left out. */
async function shared(root: string): Promise<string[]> {
  return (await filesBelow(root)).filter((p) => !p.startsWith(".wireserve-uploads/"));
}

Deno.test("a multipart form with Upload-Complete: ?1 stores its files as it does without", async () => {
  await withUploadServer({}, async (s) => {
    const plain = await request(s.port, "POST", "/files/a/", [FORM_TYPE], form("x.txt", "plain"));
    const upgraded = await request(
      s.port,
      "POST",
      "/files/b/",
      [FORM_TYPE, UPGRADE],
      form("ios.txt", "small"),
    );
    assertEquals([plain.status, upgraded.status], [201, 201], upgraded.text);
    assertEquals(upgraded.header("upload-complete"), undefined);
    assertEquals(await Deno.readTextFile(`${s.root}/b/ios.txt`), "small");
    // To a file URL too: the form's files, never its raw body as the file.
    const toFile = await request(
      s.port,
      "POST",
      "/files/formfile.txt",
      [FORM_TYPE, UPGRADE],
      form("x.txt", "in the form"),
    );
    const withoutField = await request(
      s.port,
      "POST",
      "/files/formfile2.txt",
      [FORM_TYPE],
      form("x.txt", "in the form"),
    );
    assertEquals([toFile.status, withoutField.status], [201, 201]);
    assertEquals(await shared(s.root), [
      "a/x.txt",
      "b/ios.txt",
      "formfile.txt/x.txt",
      "formfile2.txt/x.txt",
    ]);
  });
});

Deno.test("the new-folder form with Upload-Complete: ?1 makes the folder", async () => {
  await withUploadServer({ allowMkdir: true }, async (s) => {
    const res = await request(
      s.port,
      "POST",
      "/files/",
      [["Content-Type", "application/x-www-form-urlencoded"], UPGRADE],
      "mkdir=newf",
    );
    assertEquals(res.status, 201, res.text);
    assert((await Deno.stat(`${s.root}/newf`)).isDirectory);
  });
});

Deno.test("a PUT of a piece (Content-Range) with Upload-Complete: ?1 is refused and the file stays", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.writeTextFile(`${s.root}/f.txt`, "abcdef");
    const res = await request(
      s.port,
      "PUT",
      "/files/f.txt",
      [["Content-Range", "bytes 3-5/6"], UPGRADE],
      "XYZ",
    );
    assertEquals(res.status, 400, res.text);
    assertEquals(await Deno.readTextFile(`${s.root}/f.txt`), "abcdef");
    // A range naming the whole body is the plain upload it is (curl -C - -T).
    const whole = await request(
      s.port,
      "PUT",
      "/files/f.txt",
      [["Content-Range", "bytes 0-2/3"], UPGRADE],
      "new",
    );
    assertEquals([whole.status, whole.header("location")], [204, undefined]);
    assertEquals(await Deno.readTextFile(`${s.root}/f.txt`), "new");
  });
});

Deno.test("a PUT with X-OC-Mtime and Upload-Complete: ?1 keeps the time", async () => {
  await withUploadServer({}, async (s) => {
    const seconds = 981_173_106;
    const res = await request(
      s.port,
      "PUT",
      "/files/t.txt",
      [["X-OC-Mtime", String(seconds)], UPGRADE],
      "t",
    );
    assertEquals([res.status, res.header("x-oc-mtime")], [201, "accepted"]);
    assertEquals((await Deno.stat(`${s.root}/t.txt`)).mtime!.getTime(), seconds * 1000);
  });
});

Deno.test("Upload-Complete: ?0 with a field only a plain upload honours is refused, nothing made", async () => {
  await withUploadServer({}, async (s) => {
    const cases: Array<[string, Array<[string, string]>, string]> = [
      ["/files/r.txt", [["Content-Range", "bytes 3-5/6"]], "XYZ"],
      ["/files/m.txt", [["X-OC-Mtime", "981173106"]], "m"],
      ["/files/d/", [FORM_TYPE], form("x.txt", "x")],
    ];
    for (const [path, fields, body] of cases) {
      const res = await request(s.port, "POST", path, [...fields, ["Upload-Complete", "?0"]], body);
      assertEquals([res.status, res.header("location")], [400, undefined], path);
      assert(res.text.startsWith("A resumable upload cannot honour"), res.text);
    }
    assertEquals(await shared(s.root), []);
    // An ordinary upgrade still becomes a resumable upload.
    const upgraded = await request(s.port, "PUT", "/files/u.txt", [UPGRADE], "u");
    assertEquals([upgraded.status, upgraded.header("upload-complete")], [201, "?1"]);
  });
});
