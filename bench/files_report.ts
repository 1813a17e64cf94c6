/**
 * The markdown report of the file benchmark: throughput per file size and server, the ratios
 * the issue sets floors on (against nginx, and against Deno.serve for information), the large
 * download speeds, and RSS while several clients download at once.
 *
 * This module must not run anything: it formats what `files_bench.ts` measured.
 * @module
 */

/** Measurements of one server in one scenario (best of the rounds is what counts). */
export interface ServerFigures {
  server: string;
  /** Every round's figure (req/s, or bytes/s for downloads); null for a failed round. */
  rounds: Array<number | null>;
}

/** One scenario across servers. */
export interface ScenarioFigures {
  title: string;
  unit: "req/s" | "MB/s";
  /** wireserve must reach this fraction of nginx. */
  floorVsNginx: number;
  servers: ServerFigures[];
}

/** RSS during concurrent downloads of one server. */
export interface MemoryFigures {
  server: string;
  clients: number;
  idleKiB: number;
  peakKiB: number;
  /** Whether every download returned 200 with the full size. */
  complete: boolean;
  /** Ceiling on growth (MiB) when judged, else null. */
  maxGrowthMiB: number | null;
}

/** Everything the report shows. */
export interface FilesReport {
  date: Date;
  environment: string[];
  scenarios: ScenarioFigures[];
  memory: MemoryFigures[];
  commands: string[];
  warnings: string[];
}

const SUBJECT = "wireserve";
const KIB_PER_MIB = 1024;
const BYTES_PER_MB = 1e6;

/** The best round of a server, or null. */
export function best(f: ServerFigures | undefined): number | null {
  const ok = (f?.rounds ?? []).filter((r): r is number => r !== null && r > 0);
  return ok.length === 0 ? null : Math.max(...ok);
}

/** The report as markdown. */
export function renderFilesReport(r: FilesReport): string {
  const lines = [
    "# wireserve file benchmark",
    "",
    `Run ${r.date.toISOString()}. Best of each server's rounds (rounds alternate between servers).`,
    "",
    ...r.environment.map((e) => `- ${e}`),
    "",
    "| scenario | wireserve | Deno.serve | nginx | ÷ nginx (floor) | ÷ Deno.serve | rounds |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const s of r.scenarios) lines.push(scenarioRow(s));
  lines.push("");
  if (r.memory.length > 0) {
    lines.push("| RSS while downloading | clients | idle | peak | growth | ceiling | complete |");
    lines.push("| --- | ---: | ---: | ---: | ---: | --- | --- |");
    for (const m of r.memory) {
      const growth = (m.peakKiB - m.idleKiB) / KIB_PER_MIB;
      const ceiling = m.maxGrowthMiB === null
        ? "(information)"
        : `≤ +${m.maxGrowthMiB} MiB ${growth <= m.maxGrowthMiB ? "✅" : "❌"}`;
      lines.push(
        `| ${m.server} | ${m.clients} | ${mib(m.idleKiB)} | ${mib(m.peakKiB)} | ` +
          `+${growth.toFixed(1)} MiB | ${ceiling} | ${m.complete ? "yes" : "NO"} |`,
      );
    }
    lines.push("");
  }
  if (r.warnings.length > 0) {
    lines.push("Warnings:", "", ...r.warnings.map((w) => `- ${w}`), "");
  }
  lines.push("<details><summary>Commands</summary>", "", "```", ...r.commands, "```", "</details>");
  return `${lines.join("\n")}\n`;
}

function scenarioRow(s: ScenarioFigures): string {
  const find = (name: string) => s.servers.find((f) => f.server === name);
  const subject = best(find(SUBJECT));
  const deno = best(find("Deno.serve"));
  const nginx = best(find("nginx"));
  const ratio = (a: number | null, b: number | null) => a === null || b === null ? null : a / b;
  const vsNginx = ratio(subject, nginx);
  const judged = vsNginx === null
    ? `n/a (≥ ${s.floorVsNginx})`
    : `${vsNginx.toFixed(2)}× (≥ ${s.floorVsNginx}) ${vsNginx >= s.floorVsNginx ? "✅" : "❌"}`;
  const vsDeno = ratio(subject, deno);
  const rounds = s.servers.map((f) =>
    `${f.server}: ${f.rounds.map((x) => fmt(x, s.unit)).join(", ")}`
  )
    .join("; ");
  return `| ${s.title} | ${fmt(subject, s.unit)} | ${fmt(deno, s.unit)} | ${
    fmt(nginx, s.unit)
  } | ` +
    `${judged} | ${vsDeno === null ? "n/a" : `${vsDeno.toFixed(2)}×`} | ${rounds} |`;
}

function fmt(v: number | null, unit: ScenarioFigures["unit"]): string {
  if (v === null) return "—";
  if (unit === "MB/s") return `${(v / BYTES_PER_MB).toFixed(0)} MB/s`;
  return `${Math.round(v).toLocaleString("en")} req/s`;
}

function mib(kib: number): string {
  return `${(kib / KIB_PER_MIB).toFixed(1)} MiB`;
}
