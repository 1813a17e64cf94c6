/**
 * The modules of src/ import one another one way, whichever folder they are in: a cycle ties
 * files together that should read (and be tested) alone, and a runtime cycle makes the order
 * modules are evaluated in depend on which one is loaded first. A cycle through `import type`
 * alone costs nothing at run time but still couples the files, so it is refused too — the
 * shared type moves to the lower module, or to a file of its own.
 * (tests/layout_test.ts checks the folders against each other; this checks the files.)
 */

import { assertEquals } from "./support/assert.ts";
import { type SourceImport, sourceImports } from "./support/source_imports.ts";

/** Each module and the modules it imports, with whether every import of one is type-only. */
type Graph = Map<string, Map<string, boolean>>;

function graphOf(imports: SourceImport[], withTypes: boolean): Graph {
  const graph: Graph = new Map();
  for (const { from, to, typeOnly } of imports) {
    if (typeOnly && !withTypes) continue;
    if (!graph.has(from)) graph.set(from, new Map());
    const next = graph.get(from)!;
    next.set(to, (next.get(to) ?? true) && typeOnly);
  }
  return graph;
}

/**
 * Every cycle a depth-first walk meets (at least one in each tangle of modules), as
 * "a.ts -> b.ts -(type)-> a.ts": `-(type)->` marks an import that is type-only.
 */
export function cycles(graph: Graph): string[] {
  const found: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const link = (from: string, to: string) => graph.get(from)!.get(to) ? " -(type)-> " : " -> ";
  const walk = (module: string) => {
    path.push(module);
    for (const next of [...(graph.get(module)?.keys() ?? [])].sort()) {
      const at = path.indexOf(next);
      if (at !== -1) {
        const loop = [...path.slice(at), next];
        found.push(loop.map((m, i) => i === 0 ? m : link(loop[i - 1], m) + m).join(""));
      } else if (!done.has(next)) walk(next);
    }
    path.pop();
    done.add(module);
  };
  for (const module of [...graph.keys()].sort()) if (!done.has(module)) walk(module);
  return found;
}

Deno.test("the modules of src/ import one another without a runtime cycle", async () => {
  const imports = await sourceImports();
  // The reader saw the tree: a static, a dynamic and a type-only import it must find.
  const seen = (from: string, to: string, typeOnly: boolean) =>
    imports.some((e) => e.from === from && e.to === to && e.typeOnly === typeOnly);
  assertEquals(seen("cli/main.ts", "cli/start_serving.ts", false), true);
  assertEquals(seen("cli/start_serving.ts", "app/routes.ts", false), true);
  assertEquals(seen("cli/start_serving.ts", "cli/config.ts", true), true);
  assertEquals(cycles(graphOf(imports, false)), []);
});

Deno.test("the modules of src/ import one another without a cycle through import type", async () => {
  // A cycle of runtime imports alone is the test above's; here, those that need a type.
  const found = cycles(graphOf(await sourceImports(), true)).filter((c) => c.includes("(type)"));
  assertEquals(found, []);
});

Deno.test("the cycle walk names every cycle it is given, type-only links marked", () => {
  const graph: Graph = new Map([
    ["a.ts", new Map([["b.ts", false]])],
    ["b.ts", new Map([["a.ts", true], ["c.ts", false]])],
    ["c.ts", new Map([["c.ts", false]])],
    ["d.ts", new Map([["a.ts", false]])],
  ]);
  assertEquals(cycles(graph), ["a.ts -> b.ts -(type)-> a.ts", "c.ts -> c.ts"]);
  assertEquals(cycles(new Map([["a.ts", new Map([["b.ts", false]])]])), []);
});
