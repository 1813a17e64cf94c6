/**
 * The dependency rules of docs/architecture.md, checked on every import in src/:
 * `main.ts → src/cli → src/app → src/<feature> → src/http`, a feature reaches another only
 * through its `mod.ts`, and the protocol knows nothing above it.
 */

import { assertEquals } from "./support/assert.ts";
import { sourceImports } from "./support/source_imports.ts";

/** Folders of src/ that are not features. */
const LAYERS = new Set(["http", "app", "cli", "log", "workers"]);
/** The one app module that knows every feature. */
const ROUTE_TABLE = "app/routes.ts";
/**
 * The app module of server-wide services and background tasks: it reaches features only
 * through their `services.ts`, so a pool's main thread runs them without loading the app.
 */
const SERVICES = "app/services.ts";

/** One import, as paths relative to src/. */
interface Edge {
  from: string;
  to: string;
}

/** Whether `folder` (a top folder of src/) is a feature. */
function toFeature(folder: string): boolean {
  return folder !== "" && !LAYERS.has(folder);
}

/** The top folder of a src/-relative path ("" for src/version.ts). */
function folderOf(path: string): string {
  return path.includes("/") ? path.slice(0, path.indexOf("/")) : "";
}

/** Why the import `edge` breaks a rule, or null. */
export function ruleBroken(edge: Edge): string | null {
  const from = folderOf(edge.from);
  const to = folderOf(edge.to);
  if (edge.to.startsWith("..")) return "imports from outside src/";
  if (from === to || to === "" || to === "http") return null; // own folder, version.ts, protocol
  if (from === "http") return "the protocol imports nothing above it";
  if (to === "cli") return "only main.ts may import src/cli";
  if (to === "workers" && from !== "cli") return "only src/cli starts workers";
  if (from === "workers" && toFeature(to)) return "a worker builds the app through app/routes.ts";
  const toFeatureFolder = toFeature(to);
  if (from === "log") return "the access log imports only the protocol";
  if (edge.from === SERVICES && toFeatureFolder) {
    return edge.to === `${to}/services.ts` ? null : `${SERVICES} reaches ${to}/services.ts only`;
  }
  if (from === "app" && toFeatureFolder && edge.from !== ROUTE_TABLE) {
    return `only ${ROUTE_TABLE} and ${SERVICES} may import a feature`;
  }
  if (!LAYERS.has(from) && (to === "log" || edge.to === ROUTE_TABLE)) {
    return "a feature imports the shared app pieces, not the route table or the log";
  }
  if (toFeatureFolder && edge.to !== `${to}/mod.ts`) {
    return `another feature is reached through ${to}/mod.ts only`;
  }
  return null;
}

Deno.test("every import in src/ follows the dependency rules", async () => {
  const edges = await sourceImports();
  const broken = edges
    .map((e) => ({ ...e, why: ruleBroken(e) }))
    .filter((e) => e.why !== null)
    .map((e) => `${e.from} → ${e.to}: ${e.why}`);
  assertEquals(broken, []);
});

Deno.test("features depend on each other without cycles", async () => {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of await sourceImports()) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (a === b || LAYERS.has(a) || LAYERS.has(b) || a === "" || b === "") continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  const cycles: string[] = [];
  const visit = (node: string, path: string[]) => {
    if (path.includes(node)) {
      cycles.push([...path.slice(path.indexOf(node)), node].join(" → "));
      return;
    }
    for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
  };
  for (const node of graph.keys()) visit(node, []);
  assertEquals(cycles, []);
});

Deno.test("the rules catch the imports they forbid", () => {
  const cases: Array<[string, string, boolean]> = [
    ["http/server.ts", "app/router.ts", false],
    ["uploads/raw_upload.ts", "files/safe_path.ts", false],
    ["uploads/raw_upload.ts", "files/mod.ts", true],
    ["uploads/raw_upload.ts", "app/etag.ts", true],
    ["uploads/raw_upload.ts", "app/routes.ts", false],
    ["uploads/raw_upload.ts", "cli/config.ts", false],
    ["app/etag.ts", "files/mod.ts", false],
    ["app/routes.ts", "files/mod.ts", true],
    ["app/services.ts", "webdav/services.ts", true],
    ["app/services.ts", "webdav/mod.ts", false],
    ["app/etag.ts", "webdav/services.ts", false],
    ["log/access_log.ts", "cli/config.ts", false],
    ["cli/main.ts", "app/routes.ts", true],
    ["files/listing.ts", "http/types.ts", true],
    ["cli/main.ts", "workers/worker_pool.ts", true],
    ["app/routes.ts", "workers/worker_pool.ts", false],
    ["workers/worker_main.ts", "app/routes.ts", true],
    ["workers/worker_main.ts", "files/mod.ts", false],
  ];
  for (const [from, to, ok] of cases) {
    assertEquals(ruleBroken({ from, to }) === null, ok, `${from} → ${to}`);
  }
});
