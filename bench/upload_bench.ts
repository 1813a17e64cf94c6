/**
 * The upload benchmark (issue 5): a 256 MiB raw `PUT` (`curl -T`) and a 256 MiB multipart
 * `POST` (`curl -F`) into a folder on tmpfs (/dev/shm, so the server and not the disk is
 * measured), against, in the same run, a Deno.serve server that streams the same body to a file
 * (`baseline_upload_server.ts`). Rounds alternate between the servers and the best round of each
 * counts, so a noisy neighbour hurts both alike. The servers' peak RSS growth per upload is read
 * from the kernel's high-water mark (VmHWM, reset before each upload through
 * `/proc/<pid>/clear_refs`), so no short peak is missed between samples.
 *
 * Runnable alone (`deno run -A bench/upload_bench.ts [--rounds 3]`) or from the main bench
 * through `runUploadBench`. Writes bench/results/uploads.md and prints it.
 * @module
 */

import { parseArgs } from "node:util";
import { renderUploadReport, type UploadFigures, type UploadReport } from "./upload_report.ts";
import { type RunningServer, shellLine, startServer, wireserveSpec } from "./servers.ts";

const REPO_ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname);
const RESULTS_FILE = decodeURIComponent(new URL("results/uploads.md", import.meta.url).pathname);
const BASELINE = decodeURIComponent(new URL("baseline_upload_server.ts", import.meta.url).pathname);
const MIB = 1024 * 1024;
/** The body size the issue names. */
const UPLOAD_BYTES = 256 * MIB;
/** tmpfs, where writes cost memory copies, not disk time. */
const TMPFS = "/dev/shm";
const DEFAULT_ROUNDS = 3;
const CURL_MAX_SECONDS = 120;
/** Pause before each upload so the previous one's memory is returned. */
const SETTLE_MS = 500;
/** `clear_refs` value that resets VmHWM to the current RSS (proc(5)). */
const RESET_PEAK = "5";

/** The two scenarios, with the floors. */
const SCENARIOS = [
  { key: "put", title: "256 MiB raw PUT (curl -T)", floor: 0.8 },
  { key: "form", title: "256 MiB multipart POST (curl -F)", floor: 0.6 },
] as const;
/** Peak RSS growth allowed per upload. */
const MAX_GROWTH_MIB = 32;

/** Runs the upload benchmark; resolves to the markdown report. */
export async function runUploadBench(rounds: number): Promise<string> {
  const warnings: string[] = [];
  // Deno lets a program touch /dev/shm only under --allow-all, which `deno task bench` does not
  // grant: the bench's own file work there goes through small commands (--allow-run).
  let tmp = await sh(`mktemp -d -p ${TMPFS} wireserve-upload-bench-XXXXXX`);
  const onTmpfs = tmp !== null;
  if (tmp === null) {
    warnings.push(`${TMPFS} is not usable: uploads go to the temp folder's disk.`);
    tmp = await Deno.makeTempDir({ prefix: "wireserve-upload-bench-" });
  }
  const servers: RunningServer[] = [];
  const commands: string[] = [];
  try {
    const source = `${tmp}/source.bin`;
    progress(`writing a ${UPLOAD_BYTES / MIB} MiB source file`);
    const made = await sh(
      `mkdir ${tmp}/ws ${tmp}/base && head -c ${UPLOAD_BYTES} /dev/urandom > ${source}`,
    );
    if (made === null) throw new Error(`Cannot write the source file in ${tmp}`);
    progress("starting servers");
    servers.push(
      await startServer(wireserveSpec(`${tmp}/ws`), REPO_ROOT),
      await startServer({
        name: "Deno.serve",
        denoArgs: ["run", "-A", BASELINE, "--port", "{port}", "--root", `${tmp}/base`],
      }, REPO_ROOT),
    );
    commands.push(...servers.map((s) => `# ${s.name}: ${s.command}`));
    const figures: UploadFigures[] = [];
    for (const scenario of SCENARIOS) {
      const args = scenario.key === "put" ? ["-T", source] : ["-F", `file=@${source}`];
      const path = scenario.key === "put" ? "/files/put.bin" : "/files/form/";
      commands.push(shellLine(["curl", "-s", "-o", "/dev/null", ...args, `<server>${path}`]));
      const perServer = servers.map((s) => ({
        server: s.name,
        rounds: [] as Array<number | null>,
        growthKiB: [] as number[],
      }));
      for (let round = 0; round < rounds; round++) {
        for (const [i, s] of servers.entries()) {
          progress(`${scenario.title}: ${s.name}, round ${round + 1}`);
          await new Promise((r) => setTimeout(r, SETTLE_MS));
          const before = await resetPeak(s.pid);
          const run = await curlUpload(`http://127.0.0.1:${s.port}${path}`, args);
          const peak = await procField(s.pid, "VmHWM");
          const ok = run.status === 201 || run.status === 204;
          if (!ok || run.bytes !== (scenario.key === "put" ? UPLOAD_BYTES : run.bytes)) {
            warnings.push(
              `${s.name}: ${scenario.key} answered ${run.status} after ${run.bytes} bytes.`,
            );
          }
          perServer[i].rounds.push(ok ? run.bytesPerSec : null);
          if (before !== null && peak !== null) perServer[i].growthKiB.push(peak - before);
          else if (round === 0) warnings.push(`${s.name}: peak RSS could not be read from /proc.`);
        }
      }
      figures.push({ title: scenario.title, floor: scenario.floor, servers: perServer });
    }
    await checkStored(tmp, warnings);
    for (const s of servers) {
      if (s.exited() !== null) warnings.push(`${s.name} exited mid-run: ${s.output().slice(-300)}`);
    }
    const report: UploadReport = {
      date: new Date(),
      environment: [
        `deno ${Deno.version.deno}; ${navigator.hardwareConcurrency} CPUs, ${Deno.build.os} ${Deno.osRelease()}`,
        `load average at the end ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")}`,
        `${UPLOAD_BYTES / MIB} MiB body, target folder on ${
          onTmpfs ? TMPFS : "disk"
        }; ${rounds} round(s), best counts`,
      ],
      scenarios: figures,
      maxGrowthMiB: MAX_GROWTH_MIB,
      commands,
      warnings,
    };
    return renderUploadReport(report);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await sh(`rm -rf ${tmp}`);
  }
}

/** One upload with curl: status, bytes sent and speed as curl measured them. */
async function curlUpload(url: string, args: string[]) {
  const out = await new Deno.Command("curl", {
    args: [
      "-s",
      "-o",
      "/dev/null",
      "--max-time",
      String(CURL_MAX_SECONDS),
      "-w",
      "%{http_code} %{size_upload} %{speed_upload}",
      ...args,
      url,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const [status, bytes, speed] = new TextDecoder().decode(out.stdout).trim().split(" ").map(Number);
  return { status, bytes, bytesPerSec: speed };
}

/** Resets `pid`'s peak RSS and returns its current RSS in KiB (null when /proc says no). */
async function resetPeak(pid: number): Promise<number | null> {
  const reset = await new Deno.Command("sh", {
    args: ["-c", `echo ${RESET_PEAK} > /proc/${pid}/clear_refs`],
    stderr: "null",
  }).output();
  return reset.success ? await procField(pid, "VmRSS") : null;
}

/** A `kB` field of `/proc/<pid>/status` (read with cat: Deno reads /proc only under -A). */
async function procField(pid: number, field: string): Promise<number | null> {
  const out = await new Deno.Command("cat", {
    args: [`/proc/${pid}/status`],
    stdout: "piped",
    stderr: "null",
  }).output();
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(new TextDecoder().decode(out.stdout));
  return m === null ? null : Number(m[1]);
}

/** Warns unless both servers stored the full body (the form's file, the baseline's raw body). */
async function checkStored(tmp: string, warnings: string[]): Promise<void> {
  const want: Array<[string, (n: number) => boolean]> = [
    ["ws/put.bin", (n) => n === UPLOAD_BYTES],
    ["ws/form/source.bin", (n) => n === UPLOAD_BYTES],
    ["base/put.bin", (n) => n === UPLOAD_BYTES],
    ["base/form/form.body", (n) => n > UPLOAD_BYTES],
  ];
  for (const [path, ok] of want) {
    const size = Number(await sh(`stat -c %s ${tmp}/${path}`) ?? -1);
    if (!ok(size)) warnings.push(`${path} holds ${size} bytes after the run.`);
  }
}

/** Runs a shell command line (paths here are our own, without spaces); its stdout, or null. */
async function sh(line: string): Promise<string | null> {
  const out = await new Deno.Command("sh", { args: ["-c", line], stdout: "piped", stderr: "null" })
    .output();
  return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
}

function progress(message: string): void {
  console.error(`bench: ${message}`);
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { rounds: { type: "string" } } });
  const rounds = values.rounds === undefined ? DEFAULT_ROUNDS : Number(values.rounds);
  const text = await runUploadBench(rounds);
  console.log(text);
  await Deno.mkdir(new URL("results", import.meta.url), { recursive: true });
  await Deno.writeTextFile(RESULTS_FILE, text);
}
