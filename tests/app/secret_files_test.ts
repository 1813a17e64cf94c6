/**
 * The private paths of a served folder: `--hide` plus the settings file read, found below the
 * folder by real paths (a symlinked root or a link as the settings file), and matched literally.
 */

import { join } from "node:path";
import { appConfig } from "../../src/app/app_config.ts";
import { HiddenPaths } from "../../src/app/hidden_paths.ts";
import { hiddenPathsFor, secretPathsBelow } from "../../src/app/secret_files.ts";
import { assert, assertEquals } from "../support/assert.ts";

Deno.test("secretPathsBelow finds the settings file below a folder by real paths", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-secret-" });
  try {
    await Deno.mkdir(join(dir, "share", "conf"), { recursive: true });
    await Deno.writeTextFile(join(dir, "share", "conf", "a*b.env"), "X=1");
    await Deno.symlink(join(dir, "share"), join(dir, "link"));
    await Deno.writeTextFile(join(dir, "outside.env"), "X=1");
    await Deno.symlink(join(dir, "outside.env"), join(dir, "share", "settings"));
    const file = join(dir, "share", "conf", "a*b.env");
    assertEquals(secretPathsBelow(file, join(dir, "share")), [["conf", "a*b.env"]]);
    assertEquals(secretPathsBelow(file, join(dir, "link")), [["conf", "a*b.env"]], "linked root");
    assertEquals(secretPathsBelow(join(dir, "link", "conf", "a*b.env"), join(dir, "share")), [
      ["conf", "a*b.env"],
    ]);
    assertEquals(secretPathsBelow(file, join(dir, "share", "conf", "x")), [], "outside");
    // A link as the settings file: the link is private by name (its target by real path).
    assertEquals(secretPathsBelow(join(dir, "share", "settings"), join(dir, "share")), [
      ["settings"],
    ]);
    const hidden = hiddenPathsFor(appConfig({ secretFiles: [file] }), join(dir, "link"));
    assert(hidden.hides(["conf", "a*b.env"], false));
    assert(!hidden.hides(["conf", "aXb.env"], false), "the name is no glob");
    assert(!hidden.hides(["conf"], true));
    assert(hiddenPathsFor(appConfig(), dir).emptyBelow);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HiddenPaths hides literal paths beside the patterns, folded as names compare", () => {
  const hidden = new HiddenPaths(["*.key"], "darwin", [["Conf", ".env"]]);
  assert(hidden.hides(["conf", ".ENV"], null));
  assert(hidden.hides(["x.key"], false));
  assert(!hidden.hides([".env"], false));
  assert(!new HiddenPaths([], "exact", [["a"]]).empty);
});

Deno.test("hiddenPathsFor hides the settings file by real path, outside the folder too", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-secret-" });
  try {
    await Deno.mkdir(join(dir, "share"));
    await Deno.writeTextFile(join(dir, "prod.env"), "X=1");
    await Deno.symlink(join(dir, "prod.env"), join(dir, "share", "e.env"));
    const real = await Deno.realPath(join(dir, "prod.env"));
    // Outside the share: no segment below it names the file, its real path does.
    const outside = hiddenPathsFor(
      appConfig({ secretFiles: [join(dir, "prod.env")] }),
      join(dir, "share"),
    );
    assert(outside.hidesRealPath(real));
    assert(!outside.hidesRealPath(`${real}x`));
    assert(!outside.hides(["prod.env"], false), "no name rule: a file called prod.env elsewhere");
    // Named through a link inside the share: the link by name, its target by real path.
    const linked = hiddenPathsFor(
      appConfig({ secretFiles: [join(dir, "share", "e.env")] }),
      join(dir, "share"),
    );
    assert(linked.hides(["e.env"], false));
    assert(linked.hidesRealPath(real));
    assert(!HiddenPaths.NONE.hidesRealPath(real));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HiddenPaths hides real paths exactly, folded as names compare", () => {
  assert(new HiddenPaths([], "exact", [], ["/s/Prod.env"]).hidesRealPath("/s/Prod.env"));
  assert(!new HiddenPaths([], "exact", [], ["/s/Prod.env"]).hidesRealPath("/s/prod.env"));
  assert(new HiddenPaths([], "darwin", [], ["/s/Prod.env"]).hidesRealPath("/S/PROD.ENV"));
  assert(!new HiddenPaths([], "exact", [], ["/s/a"]).empty);
});

Deno.test("hiddenPathsFor hides the resumable state folder by real path, but not a share inside it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-secret-" });
  try {
    const real = await Deno.realPath(dir);
    await Deno.mkdir(join(dir, "share"));
    await Deno.symlink(dir, join(dir, "alias"));
    // Not made yet, and named through a link: resolved through its nearest existing folder.
    const outside = hiddenPathsFor(
      appConfig({ directory: join(dir, "share"), resumableDir: join(dir, "alias", "state") }),
      join(dir, "share"),
    );
    assert(outside.hidesRealPath(join(real, "state")));
    assert(outside.hidesRealPath(join(real, "state", "0123.part")));
    assert(!outside.hidesRealPath(join(real, "stateX")));
    assert(outside.emptyBelow, "names below the share pay nothing for it");
    const around = hiddenPathsFor(
      appConfig({ directory: join(dir, "share"), resumableDir: dir }),
      join(dir, "share"),
    );
    assert(around.hidesRealPath(join(real, "0123.part")));
    assert(!around.hidesRealPath(join(real, "share")), "the share inside it stays served");
    assert(!around.hidesRealPath(join(real, "share", "a.txt")));
    const byDefault = hiddenPathsFor(appConfig({ directory: join(dir, "share") }), dir);
    assert(byDefault.hidesRealPath(join(real, "share", ".wireserve-uploads", "x.json")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hiddenPathsFor holds the other served folder's anchored patterns, by real paths", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-secret-" });
  try {
    await Deno.mkdir(join(dir, "site", "dl"), { recursive: true });
    await Deno.symlink(join(dir, "site"), join(dir, "alias"));
    const hide = ["/drafts", "docs/private", "*.key", "/dl/old"];
    // --www holding the share, each named through a link: the share's paths from its own top.
    const config = appConfig({
      hide,
      directory: join(dir, "alias", "dl"),
      www: join(dir, "site"),
    });
    const www = hiddenPathsFor(config, join(dir, "alias"));
    assert(www.hides(["dl", "drafts", "d.txt"], false));
    assert(www.hides(["dl", "docs", "private", "x.txt"], false));
    assert(!www.hides(["dl", "posts", "drafts", "d.txt"], false));
    assert(!www.hides(["dl", "a.txt"], false));
    // The share inside it: the web root's `/dl/old` is the share's `/old`.
    const share = hiddenPathsFor(config, join(dir, "site", "dl"));
    assert(share.hides(["old", "a.txt"], false));
    assert(!share.hides(["drafts2", "old"], false));
    // The share holding --www: the web root's paths from its own top.
    const reverse = appConfig({ hide, directory: join(dir, "site"), www: join(dir, "site", "dl") });
    assert(hiddenPathsFor(reverse, join(dir, "site")).hides(["dl", "drafts", "d.txt"], false));
    // Without --hide, or with the built-in UI, the other folder adds nothing.
    const noHide = appConfig({ www: join(dir, "site") });
    assert(hiddenPathsFor(noHide, join(dir, "site", "dl")).emptyBelow);
    const builtIn = appConfig({ hide, directory: join(dir, "site") });
    assert(!hiddenPathsFor(builtIn, join(dir, "site")).hides(["dl", "drafts"], true));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
