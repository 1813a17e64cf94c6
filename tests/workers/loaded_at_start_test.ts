/**
 * What a worker loads when it starts: every worker is its own isolate and keeps the source text
 * and code of each module it imports (docs/memory.md), so the features a request may never use
 * are imported on demand (`src/app/on_demand.ts`). This pins it: the modules below must not be
 * reachable from a worker's entry point through static imports — a plain `import` added on the
 * way would load them in every worker again, and only a memory benchmark would notice.
 */

import { fileURLToPath } from "node:url";
import { assertEquals } from "../support/assert.ts";

const SRC = new URL("../../src/", import.meta.url);
const ENTRY = new URL("workers/worker_main.ts", SRC).href;

/** Modules a worker loads only when a request first needs them, relative to src/. */
const ON_DEMAND = [
  "templates/template_pages.ts", // the renderer: only with --templates, at the first page
  "resumable/tus_protocol.ts", // the resumable uploads' flows: at the first tus or draft request
  "resumable/draft_protocol.ts",
  "resumable/append.ts",
  "httpbin/httpbin_handlers.ts", // the go-httpbin handlers: at the first httpbin request
  "httpbin/request.ts",
  "httpbin/data.ts",
  "webdav/dav_methods.ts", // WebDAV's methods and XML: at the first PROPFIND, LOCK, COPY…
  "webdav/propfind.ts",
  "webdav/xml_tree.ts",
  "webdav/lock_handler.ts",
  "webdav/copy_move.ts",
];

interface InfoDependency {
  code?: { specifier: string };
  isDynamic?: boolean;
}
interface InfoModule {
  specifier: string;
  dependencies?: InfoDependency[];
}

/** Deno's own module graph of `entry`: every module, dynamic imports included. */
async function moduleGraph(entry: string): Promise<Map<string, InfoModule>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", fileURLToPath(entry)],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assertEquals(out.code, 0, "deno info failed");
  const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: InfoModule[] };
  return new Map(graph.modules.map((m) => [m.specifier, m]));
}

/** The modules of `graph` that `entry` reaches through static imports alone. */
function staticallyReached(graph: Map<string, InfoModule>, entry: string): Set<string> {
  const reached = new Set<string>();
  const walk = (specifier: string) => {
    if (reached.has(specifier)) return;
    reached.add(specifier);
    for (const dep of graph.get(specifier)?.dependencies ?? []) {
      if (dep.code !== undefined && !dep.isDynamic) walk(dep.code.specifier);
    }
  };
  walk(entry);
  return reached;
}

Deno.test("a worker starts without the features it loads on demand", async () => {
  const graph = await moduleGraph(ENTRY);
  const reached = staticallyReached(graph, ENTRY);
  // the walk itself works: the server and the route table are reached
  assertEquals(reached.has(new URL("http/server.ts", SRC).href), true);
  assertEquals(reached.has(new URL("app/routes.ts", SRC).href), true);
  const loadedAtStart = ON_DEMAND.filter((m) => reached.has(new URL(m, SRC).href));
  assertEquals(loadedAtStart, []);
  // and each is still part of the program, through a dynamic import (`deno compile` embeds it)
  assertEquals(ON_DEMAND.filter((m) => !graph.has(new URL(m, SRC).href)), []);
});
