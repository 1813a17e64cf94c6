/**
 * `POST /files/<dir>/?zip` with the names as an urlencoded form, over the real server: the
 * selection too long for a URL (the request line's 8 KiB) still comes back as its archive, the
 * form is bounded (ZIP_FORM_MAX_BYTES, 413 one byte past it), its names follow the query's rules,
 * and a POST asking for a zip is never an upload while an upload without `?zip` still is.
 */

import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { curlRun, request, withUploadServer } from "./upload_fixture.ts";
import { ZIP_FORM_MAX_BYTES } from "../../src/files/zip_form.ts";

const HAS_UNZIP = await new Deno.Command("unzip", { args: ["-v"], stdout: "null", stderr: "null" })
  .output().then((o) => o.success, () => false);

const FORM: Array<[string, string]> = [["Content-Type", "application/x-www-form-urlencoded"]];

/** `count` files named like a camera's, 30-odd bytes each, in `dir`. */
async function manyFiles(dir: string, count: number): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  const names = [];
  for (let i = 0; i < count; i++) {
    const name = `holiday photo ${String(i).padStart(4, "0")} (edited).txt`;
    await Deno.writeTextFile(join(dir, name), `file ${i}`);
    names.push(name);
  }
  return names;
}

function formOf(names: readonly string[]): string {
  const body = new URLSearchParams();
  for (const n of names) body.append("name", n);
  return body.toString();
}

Deno.test({
  name: "POST ?zip with 600 names in a form gives the archive of those names, past what GET takes",
  ignore: !HAS_UNZIP,
  fn: async () => {
    await withUploadServer({}, async (s) => {
      const names = await manyFiles(join(s.root, "big"), 700);
      const chosen = names.slice(0, 600);
      const body = formOf(chosen);
      // The same selection in the query passes the request line's limit.
      const query = await request(s.port, "GET", `/files/big/?zip&${body}`);
      assertEquals(query.status, 414);
      const dir = await Deno.makeTempDir();
      try {
        await Deno.writeTextFile(join(dir, "form"), body);
        const out = join(dir, "sel.zip");
        const got = await curlRun([
          "-o",
          out,
          "-H",
          "Content-Type: application/x-www-form-urlencoded",
          "--data-binary",
          `@${join(dir, "form")}`,
          s.url("/files/big/?zip"),
        ]);
        assertEquals(got.status, 200);
        assert(/filename="big\.zip"/.test(got.heads[0]), got.heads[0]);
        const list = await new Deno.Command("unzip", { args: ["-Z1", out] }).output();
        const inZip = new TextDecoder().decode(list.stdout).split("\n").filter((l) => l !== "");
        assertEquals(inZip.sort(), [...chosen].sort());
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  },
});

Deno.test("POST ?zip takes a form of ZIP_FORM_MAX_BYTES and answers 413 one byte past it", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.writeTextFile(join(s.root, "a.txt"), "a");
    // Empty parts are skipped, so "&" pads the form to the size wanted without more names.
    const start = "name=a.txt";
    const atLimit = start + "&".repeat(ZIP_FORM_MAX_BYTES - start.length);
    const ok = await request(s.port, "POST", "/files/?zip", FORM, atLimit);
    assertEquals(ok.status, 200);
    const past = await request(s.port, "POST", "/files/?zip", FORM, atLimit + "&");
    assertEquals(past.status, 413);
  });
});

Deno.test("POST ?zip names follow the query's rules: missing 404, a path 400, bad escape 400", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.mkdir(join(s.root, "sub"));
    await Deno.writeTextFile(join(s.root, "sub/a.txt"), "a");
    await Deno.writeTextFile(join(s.root, ".secret"), "dotfile");
    for (const name of ["nope", ".secret"]) {
      const res = await request(s.port, "POST", "/files/?zip", FORM, formOf([name]));
      assertEquals(res.status, 404, name);
    }
    for (const body of ["name=..", "name=sub%2Fa.txt", "name=", "name=%zz"]) {
      assertEquals((await request(s.port, "POST", "/files/?zip", FORM, body)).status, 400, body);
    }
    // A file, or a folder named without its "/", has no zip form.
    assertEquals((await request(s.port, "POST", "/files/sub/a.txt?zip", FORM, "")).status, 404);
    assertEquals((await request(s.port, "POST", "/files/sub?zip", FORM, "name=a.txt")).status, 404);
  });
});

Deno.test("a POST asking ?zip is never an upload; a multipart POST without it still is", async () => {
  await withUploadServer({}, async (s) => {
    await Deno.mkdir(join(s.root, "in"));
    const boundary = "XyZ";
    const multipart = `--${boundary}\r\n` +
      `Content-Disposition: form-data; name="file"; filename="up.txt"\r\n` +
      `Content-Type: text/plain\r\n\r\nuploaded\r\n--${boundary}--\r\n`;
    const fields: Array<[string, string]> = [
      ["Content-Type", `multipart/form-data; boundary=${boundary}`],
    ];
    const asZip = await request(s.port, "POST", "/files/in/?zip", fields, multipart);
    assertEquals(asZip.status, 415);
    const raw = await request(s.port, "POST", "/files/in/x.txt?zip", [], "raw");
    assertEquals(raw.status, 415);
    assertEquals([...Deno.readDirSync(join(s.root, "in"))].length, 0);
    const upload = await request(s.port, "POST", "/files/in/", fields, multipart);
    assert(upload.status >= 200 && upload.status < 300, String(upload.status));
    assertEquals(await Deno.readTextFile(join(s.root, "in/up.txt")), "uploaded");
    // The new-folder form (urlencoded, no ?zip) is still the uploads' too.
    const mkdir = await request(s.port, "POST", "/files/in/", FORM, "mkdir=made");
    assertEquals(mkdir.status, 403); // --allow-mkdir is off here: refused, but not taken for a zip
  });
});
