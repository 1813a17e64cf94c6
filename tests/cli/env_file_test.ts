/**
 * The .env file: its variables are read (quotes, export, comments), only wireserve's own are
 * kept, a typo in a WIRESERVE_ name is refused, and a missing file is fine only when not named.
 */

import { join } from "node:path";
import { loadEnvFile, unknownVariable } from "../../src/cli/env_file.ts";
import { assert, assertEquals } from "../support/assert.ts";

async function withFile(text: string, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "wireserve-env-" });
  try {
    const path = join(dir, ".env");
    await Deno.writeTextFile(path, text);
    await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadEnvFile reads quoted, exported and commented lines", async () => {
  const text = [
    "# settings",
    "PORT=9000",
    "export WIRESERVE_AUTH='al:p w#1'",
    'WIRESERVE_WWW="my site" # trailing comment',
    "HOME=/elsewhere",
    "",
  ].join("\n");
  await withFile(text, async (path) => {
    assertEquals(await loadEnvFile(path, true), {
      ok: true,
      vars: { PORT: "9000", WIRESERVE_AUTH: "al:p w#1", WIRESERVE_WWW: "my site" },
      path,
    });
  });
});

Deno.test("loadEnvFile refuses an unknown WIRESERVE_ variable with exit code 2", async () => {
  await withFile("WIRESERVE_READONLY=1\n", async (path) => {
    assertEquals(await loadEnvFile(path, false), {
      ok: false,
      exitCode: 2,
      message: `WIRESERVE_READONLY in ${path}: unknown variable (see --help)`,
    });
  });
});

Deno.test("loadEnvFile refuses WIRESERVE_ENV_FILE inside the file, which could only be ignored", async () => {
  await withFile("WIRESERVE_ENV_FILE=other.env\n", async (path) => {
    const loaded = await loadEnvFile(path, false);
    assertEquals(loaded.ok, false);
    assert(!loaded.ok && loaded.exitCode === 2, JSON.stringify(loaded));
    assert(!loaded.ok && loaded.message.startsWith(`WIRESERVE_ENV_FILE in ${path}:`));
  });
});

Deno.test("loadEnvFile accepts a missing file only when it was not named", async () => {
  const missing = join(Deno.cwd(), "no-such-dir-wireserve", ".env");
  assertEquals(await loadEnvFile(missing, false), { ok: true, vars: {}, path: null });
  assertEquals(await loadEnvFile(missing, true), {
    ok: false,
    exitCode: 1,
    message: `${missing}: cannot read: no such file`,
  });
});

Deno.test("loadEnvFile quotes and escapes a named path with control characters", async () => {
  const hostile = join(Deno.cwd(), "no-such-dir-wireserve", "x\x1b[31m\nfake.env");
  const loaded = await loadEnvFile(hostile, true);
  assert(!loaded.ok);
  assertEquals(loaded.message, `${JSON.stringify(hostile)}: cannot read: no such file`);
});

Deno.test("unknownVariable ignores names outside the WIRESERVE_ prefix", () => {
  assertEquals(unknownVariable({ PATH: "/bin", WIRESERVE_PORT: "1" }), undefined);
  assertEquals(unknownVariable({ WIRESERVE_PROT: "1" }), "WIRESERVE_PROT");
});

Deno.test("loadEnvFile keeps template values WIRESERVE_VAR_<NAME> and no other new name", async () => {
  await withFile(
    "WIRESERVE_VAR_SITE_NAME=My site\nWIRESERVE_HIDE=private/,*.key\n",
    async (path) => {
      assertEquals(await loadEnvFile(path, true), {
        ok: true,
        vars: { WIRESERVE_VAR_SITE_NAME: "My site", WIRESERVE_HIDE: "private/,*.key" },
        path,
      });
    },
  );
  assertEquals(unknownVariable({ WIRESERVE_VAR_X: "1", WIRESERVE_VAR_a_b2: "1" }), undefined);
  for (const bad of ["WIRESERVE_VAR_", "WIRESERVE_VAR_1X", "WIRESERVE_VAR_A-B", "WIRESERVE_VARX"]) {
    assertEquals(unknownVariable({ [bad]: "1" }), bad);
  }
});
