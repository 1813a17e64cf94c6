/**
 * The markdown report of the upload benchmark: MB/s per scenario and server with the ratio the
 * issue sets floors on, and each server's peak RSS growth during one upload.
 *
 * This module must not run anything: it formats what `upload_bench.ts` measured.
 * @module
 */

/** One server in one scenario. */
export interface UploadServerFigures {
  server: string;
  /** Bytes/s of each round; null for a failed one. */
  rounds: Array<number | null>;
  /** Peak RSS growth (KiB) during each measured upload. */
  growthKiB: number[];
}

/** One scenario across servers; the first server is the subject, the second the baseline. */
export interface UploadFigures {
  title: string;
  /** The subject must reach this fraction of the baseline. */
  floor: number;
  servers: UploadServerFigures[];
}

/** Everything the report shows. */
export interface UploadReport {
  date: Date;
  environment: string[];
  scenarios: UploadFigures[];
  /** Ceiling on the subject's peak RSS growth per upload. */
  maxGrowthMiB: number;
  commands: string[];
  warnings: string[];
}

const BYTES_PER_MB = 1e6;
const KIB_PER_MIB = 1024;

/** The report as markdown. */
export function renderUploadReport(r: UploadReport): string {
  const out = [`# wireserve upload benchmark — ${r.date.toISOString()}`, ""];
  for (const e of r.environment) out.push(`- ${e}`);
  out.push("", "## Throughput", "");
  out.push(
    "| scenario | wireserve MB/s | Deno.serve MB/s | ratio | floor | result | rounds (MB/s) |",
  );
  out.push("|---|--:|--:|--:|--:|:-:|---|");
  for (const s of r.scenarios) {
    const [subject, baseline] = s.servers.map(best);
    const ratio = subject !== null && baseline !== null && baseline > 0 ? subject / baseline : null;
    const verdict = ratio === null ? "n/a" : ratio >= s.floor ? "PASS" : "FAIL";
    const rounds = s.servers.map((f) => `${f.server}: ${f.rounds.map(mb).join(", ")}`).join("; ");
    out.push(
      `| ${s.title} | ${mb(subject)} | ${mb(baseline)} | ${
        ratio === null ? "n/a" : `${ratio.toFixed(2)}×`
      } | ` +
        `≥ ${s.floor}× | ${verdict} | ${rounds} |`,
    );
  }
  out.push(
    "",
    "ratio = wireserve ÷ Deno.serve, best round of each (curl's speed_upload, 1 MB = 10⁶ B).",
  );
  out.push("", "## Peak RSS growth during one upload", "");
  out.push("| scenario | server | worst growth | ceiling | result |", "|---|---|--:|--:|:-:|");
  for (const s of r.scenarios) {
    for (const [i, f] of s.servers.entries()) {
      const worst = f.growthKiB.length === 0 ? null : Math.max(...f.growthKiB) / KIB_PER_MIB;
      const judged = i === 0;
      const verdict = !judged
        ? "—"
        : worst === null
        ? "n/a"
        : worst <= r.maxGrowthMiB
        ? "PASS"
        : "FAIL";
      out.push(
        `| ${s.title} | ${f.server} | ${worst === null ? "n/a" : `+${worst.toFixed(1)} MiB`} | ` +
          `${judged ? `≤ +${r.maxGrowthMiB} MiB` : "—"} | ${verdict} |`,
      );
    }
  }
  out.push(
    "",
    "Growth = VmHWM after the upload − VmRSS before it (the peak is reset before each upload).",
  );
  if (r.warnings.length > 0) out.push("", "## Warnings", "", ...r.warnings.map((w) => `- ${w}`));
  out.push(
    "",
    "<details><summary>Commands</summary>",
    "",
    "```",
    ...r.commands,
    "```",
    "",
    "</details>",
    "",
  );
  return out.join("\n");
}

function best(f: UploadServerFigures): number | null {
  const ok = f.rounds.filter((x): x is number => x !== null && x > 0);
  return ok.length === 0 ? null : Math.max(...ok);
}

function mb(bytesPerSec: number | null): string {
  return bytesPerSec === null ? "n/a" : (bytesPerSec / BYTES_PER_MB).toFixed(0);
}
