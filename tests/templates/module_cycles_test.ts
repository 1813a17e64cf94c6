/**
 * The modules of src/templates/ import one another one way: a cycle (template_values.ts and
 * template_render.ts once took each other's types) ties files together that should read alone.
 */

import { fileURLToPath } from "node:url";
import { assertEquals } from "../support/assert.ts";

const TEMPLATES = fileURLToPath(new URL("../../src/templates/", import.meta.url));
/** A relative import of a sibling module, types included. */
const SIBLING = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)["']\.\/([^"'/]+\.ts)["']/g;

/** Each module of the folder and the siblings it imports. */
async function siblingImports(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for await (const entry of Deno.readDir(TEMPLATES)) {
    if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
    const text = await Deno.readTextFile(TEMPLATES + entry.name);
    graph.set(entry.name, [...text.matchAll(SIBLING)].map((m) => m[1]));
  }
  return graph;
}

/** Every cycle a depth-first walk meets, as "a.ts -> b.ts -> a.ts". */
function cycles(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const walk = (module: string) => {
    path.push(module);
    for (const next of graph.get(module) ?? []) {
      const at = path.indexOf(next);
      if (at !== -1) found.push([...path.slice(at), next].join(" -> "));
      else if (!done.has(next)) walk(next);
    }
    path.pop();
    done.add(module);
  };
  for (const module of [...graph.keys()].sort()) if (!done.has(module)) walk(module);
  return found;
}

Deno.test("the modules of src/templates import one another without a cycle", async () => {
  const graph = await siblingImports();
  assertEquals(graph.has("template_render.ts"), true); // the walk read the folder
  assertEquals(cycles(graph), []);
});
