/**
 * The relative imports of every module in src/, read from the source text: what the layout and
 * module-cycle tests check. A regex reader, not a TypeScript parse, so it relies on the house
 * style: import and export statements start their line, and a dynamic `import("./…")` names its
 * module as a literal.
 *
 * An import is type-only as Deno's module graph counts it (`deno info`): `import type` and
 * `export type`, and `typeof import("./…")`. `import { type A }` still loads its module, so it
 * counts as a runtime import.
 */

import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The src/ folder, as a file-system path. */
export const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/** One import of a module by another, both as paths relative to src/. */
export interface SourceImport {
  from: string;
  to: string;
  /** True for `import type`, `export type` and `typeof import(…)`: nothing loads at run time. */
  typeOnly: boolean;
}

/** A static import or re-export: `import …`, `export … from`, with or without `type`. */
const STATEMENT =
  /^(?:import|export)\s+(type\s+)?(?:[^;"'`]*?\s+from\s+)?["'](\.{1,2}\/[^"']+)["']/gm;
/** A dynamic import with a literal specifier, or the type of one (`typeof import(…)`). */
const DYNAMIC = /(\btypeof\s+)?\bimport\s*\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;
/** The start of a comment line (`//`, or the `*` of a JSDoc block). */
const COMMENT_LINE = /^\s*(?:\/\/|\/?\*)/;

/** The relative imports in the text of `path` (relative to src/). */
export function importsOf(path: string, text: string): SourceImport[] {
  const found: SourceImport[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    found.push({
      from: path,
      to: relative(".", normalize(join(dirname(path), specifier))),
      typeOnly,
    });
  };
  for (const m of text.matchAll(STATEMENT)) add(m[2], m[1] !== undefined);
  for (const m of text.matchAll(DYNAMIC)) {
    const line = text.slice(text.lastIndexOf("\n", m.index) + 1, m.index);
    if (!COMMENT_LINE.test(line)) add(m[2], m[1] !== undefined);
  }
  return found;
}

/** Every relative import in src/, in the order the folders are read. */
export async function sourceImports(): Promise<SourceImport[]> {
  const imports: SourceImport[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(join(SRC, dir))) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory) await walk(path);
      else if (path.endsWith(".ts")) {
        imports.push(...importsOf(path, await Deno.readTextFile(join(SRC, path))));
      }
    }
  };
  await walk("");
  return imports;
}
