/**
 * `${env.NAME}` values: WIRESERVE_VAR_NAME from the environment, then .env; names are checked
 * before the prefix is put in front, so no other variable can ever be asked for.
 */

import { isTemplateVariable, templateVarReader } from "../../src/app/template_vars.ts";
import { assertEquals } from "../support/assert.ts";

Deno.test("templateVarReader prefers the environment, then .env, and asks for nothing else", () => {
  const asked: string[] = [];
  const env: Record<string, string> = { WIRESERVE_VAR_A: "env-a", WIRESERVE_VAR_EMPTY: "" };
  const read = templateVarReader((name) => {
    asked.push(name);
    return env[name];
  }, { WIRESERVE_VAR_A: "file-a", WIRESERVE_VAR_B: "file-b", WIRESERVE_VAR_EMPTY: "file-e" });
  assertEquals(read("A"), "env-a");
  assertEquals(read("B"), "file-b");
  assertEquals(read("EMPTY"), "file-e", "an empty variable counts as unset, as for options");
  assertEquals(read("C"), undefined);
  for (const hostile of ["", "../PATH", "A B", "X=1", "PATH\u0000", "1A", "A".repeat(65)]) {
    assertEquals(read(hostile), undefined, JSON.stringify(hostile));
  }
  assertEquals(asked, [
    "WIRESERVE_VAR_A",
    "WIRESERVE_VAR_B",
    "WIRESERVE_VAR_EMPTY",
    "WIRESERVE_VAR_C",
  ]);
});

Deno.test("templateVarReader counts an empty variable as unset in the environment and in .env", () => {
  const onlyEmpty = templateVarReader(() => "", {});
  assertEquals(onlyEmpty("X"), undefined, "empty in the environment, nothing in .env");
  const bothEmpty = templateVarReader(() => "", { WIRESERVE_VAR_X: "" });
  assertEquals(bothEmpty("X"), undefined, "empty in both");
  const fileEmpty = templateVarReader(() => undefined, { WIRESERVE_VAR_X: "" });
  assertEquals(fileEmpty("X"), undefined, "empty in .env");
});

Deno.test("isTemplateVariable accepts the prefix and a plain name only", () => {
  assertEquals(isTemplateVariable("WIRESERVE_VAR_SITE_NAME"), true);
  assertEquals(isTemplateVariable("WIRESERVE_VAR_"), false);
  assertEquals(isTemplateVariable("WIRESERVE_PORT"), false);
  assertEquals(isTemplateVariable("HOME"), false);
});
