/**
 * A sharded run on Slurm, end to end: per experiment, write the array and merge scripts into
 * `<out>.slurm/`, submit the array and the merge (held by `afterok`), wait, resubmit the shards
 * that failed once, and report which shard ran where, for how long, and what failed.
 *
 * Waiting polls `scontrol show job` (falling back to `sacct`) rather than blocking in `sbatch
 * --wait`: one loop follows every array and merge of a campaign at once; resubmission needs each
 * task's own state, which `--wait` does not give (its exit code is only the worst task's); and a
 * merge held by `afterok` on a failed array never starts, so `--wait` on it would never return.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ExperimentPlan } from "./campaign.js";
import { arrayScript, mergeScript } from "./script.js";
import {
  cancel,
  isTerminal,
  jobStates,
  type Runner,
  setDependency,
  submit,
  succeeded,
  systemRunner,
  type TaskState,
} from "./slurm.js";

export interface SlurmRunOptions {
  /** the command of shard {shard} of {shards} of {config} (see PLACEHOLDERS) */
  shardCommand: readonly string[];
  /** the merge's command; null submits no merge job */
  mergeCommand: readonly string[] | null;
  /** folder the jobs run in (absolute); default the current one */
  workDir?: string;
  /** false: submit and return (no resubmission) */
  wait?: boolean;
  /** seconds between polls (default 5) */
  pollS?: number;
  /** how often a failed shard is resubmitted (default 1) */
  retries?: number;
  /** give up waiting after this many seconds (default: never) */
  timeoutS?: number;
  /** progress lines (submissions, retries); default none */
  log?: (line: string) => void;
  run?: Runner;
}

/** One attempt of one shard. */
export interface ShardRun {
  shard: number;
  /** 1 for the first array, 2 for the resubmission, … */
  attempt: number;
  /** `<array id>_<task>` as Slurm names it */
  job: string;
  state: string;
  exitCode: string;
  nodes: string;
  start: string;
  end: string;
  /** wall time from start to end [s]; null when it did not run to an end */
  seconds: number | null;
  /** its log file */
  log: string;
}

export interface ExperimentReport {
  config: string;
  slurmDir: string;
  shards: number;
  /** the arrays submitted, first attempt first */
  arrays: string[];
  runs: ShardRun[];
  /** the merge job, as a shard's run but for which shard, attempt and log */
  merge: Omit<ShardRun, "shard" | "attempt" | "log"> | null;
  /** shards still failed after the retries */
  failedShards: number[];
  /** every shard succeeded and the merge (if any) too; null when not waited for */
  ok: boolean | null;
}

/** Seconds between two Slurm times (ISO, the cluster's local time: only the difference is used). */
function secondsBetween(start: string, end: string): number | null {
  const a = Date.parse(start);
  const b = Date.parse(end);
  return Number.isFinite(a) && Number.isFinite(b) ? (b - a) / 1000 : null;
}

interface Tracked {
  plan: ExperimentPlan;
  report: ExperimentReport;
  /** the array being waited for and the tasks it runs */
  current: { id: string; tasks: number[]; attempt: number; logName: string };
  mergeId: string | null;
  phase: "shards" | "merge" | "done";
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Submits every experiment, waits (unless told not to) and reports. */
export async function runOnSlurm(
  plans: readonly ExperimentPlan[],
  o: SlurmRunOptions,
): Promise<ExperimentReport[]> {
  const run = o.run ?? systemRunner;
  const log = o.log ?? (() => {});
  const workDir = o.workDir ?? process.cwd();
  const retries = o.retries ?? 1;
  const tracked: Tracked[] = [];

  for (const plan of plans) {
    mkdirSync(plan.slurmDir, { recursive: true });
    const logName = "shard-%a.out";
    const arrayFile = join(plan.slurmDir, "shards.sbatch");
    writeFileSync(
      arrayFile,
      arrayScript({
        ...plan,
        name: `swaxs-${plan.name}`,
        logDir: plan.slurmDir,
        logName,
        workDir,
        command: o.shardCommand,
      }),
    );
    const arrayId = await submit(run, arrayFile);
    const tasks = Array.from({ length: plan.shards }, (_, k) => k);
    let mergeId: string | null = null;
    if (o.mergeCommand) {
      const mergeFile = join(plan.slurmDir, "merge.sbatch");
      writeFileSync(
        mergeFile,
        mergeScript({
          ...plan,
          name: `swaxs-${plan.name}-merge`,
          logDir: plan.slurmDir,
          workDir,
          command: o.mergeCommand,
        }),
      );
      mergeId = await submit(run, mergeFile, [`--dependency=afterok:${arrayId}`]);
    }
    log(
      `${plan.config}: ${plan.shards} shards as job array ${arrayId}${mergeId ? `, merge job ${mergeId}` : ""} (logs in ${plan.slurmDir})`,
    );
    const report: ExperimentReport = {
      config: plan.config,
      slurmDir: plan.slurmDir,
      shards: plan.shards,
      arrays: [arrayId],
      runs: [],
      merge: null,
      failedShards: [],
      ok: null,
    };
    writeFileSync(
      join(plan.slurmDir, "jobs.json"),
      `${JSON.stringify({ arrays: [arrayId], merge: mergeId }, null, 2)}\n`,
    );
    tracked.push({
      plan,
      report,
      current: { id: arrayId, tasks, attempt: 1, logName },
      mergeId,
      phase: "shards",
    });
  }
  if (o.wait === false) return tracked.map((t) => t.report);

  const began = Date.now();
  const pollMs = (o.pollS ?? 5) * 1000;
  while (tracked.some((t) => t.phase !== "done")) {
    for (const t of tracked) {
      if (t.phase === "shards") await stepShards(t, o, run, log, retries, workDir);
      if (t.phase === "merge") await stepMerge(t, run);
    }
    if (tracked.every((t) => t.phase === "done")) break;
    if (o.timeoutS !== undefined && Date.now() - began > o.timeoutS * 1000)
      throw new Error(
        `Slurm jobs still running after ${o.timeoutS} s: ${tracked
          .filter((t) => t.phase !== "done")
          .map((t) => t.report.arrays.at(-1))
          .join(", ")}`,
      );
    await sleep(pollMs);
  }
  for (const t of tracked)
    writeFileSync(join(t.plan.slurmDir, "report.json"), `${JSON.stringify(t.report, null, 2)}\n`);
  return tracked.map((t) => t.report);
}

/** One poll of an experiment's current array; on its end, retry the failed shards or go on to the merge. */
async function stepShards(
  t: Tracked,
  o: SlurmRunOptions,
  run: Runner,
  log: (line: string) => void,
  retries: number,
  workDir: string,
): Promise<void> {
  const { id, tasks, attempt, logName } = t.current;
  const states = await jobStates(run, [id]);
  const byTask = new Map<number, TaskState>();
  for (const s of states) if (s.task !== null) byTask.set(s.task, s);
  // a task not (yet) listed is pending
  if (!tasks.every((k) => isTerminal(byTask.get(k)?.state ?? "PENDING"))) return;

  for (const k of tasks) {
    const s = byTask.get(k)!;
    t.report.runs.push({
      shard: k,
      attempt,
      job: `${id}_${k}`,
      state: s.state,
      exitCode: s.exitCode,
      nodes: s.nodes,
      start: s.start,
      end: s.end,
      seconds: secondsBetween(s.start, s.end),
      log: join(t.plan.slurmDir, logName.replace("%a", String(k))),
    });
  }
  const failed = tasks.filter((k) => !succeeded(byTask.get(k)!.state));
  if (failed.length === 0) {
    t.phase = t.mergeId ? "merge" : "done";
    if (!t.mergeId) t.report.ok = true;
    return;
  }
  if (attempt > retries) {
    t.report.failedShards = failed;
    t.report.ok = false;
    t.phase = "done";
    // the merge waits on afterok of a failed array: it would stay pending for ever
    if (t.mergeId) await cancel(run, [t.mergeId]);
    log(
      `${t.plan.config}: shards ${failed.join(", ")} failed again; merge job ${t.mergeId ?? "-"} cancelled`,
    );
    return;
  }
  const next = attempt + 1;
  const nextLog = `shard-%a.retry${next - 1}.out`;
  const file = join(t.plan.slurmDir, `shards.retry${next - 1}.sbatch`);
  writeFileSync(
    file,
    arrayScript({
      ...t.plan,
      name: `swaxs-${t.plan.name}`,
      tasks: failed,
      logDir: t.plan.slurmDir,
      logName: nextLog,
      workDir,
      command: o.shardCommand,
    }),
  );
  const retryId = await submit(run, file);
  t.report.arrays.push(retryId);
  t.current = { id: retryId, tasks: failed, attempt: next, logName: nextLog };
  if (t.mergeId && !(await setDependency(run, t.mergeId, `afterok:${retryId}`))) {
    // the merge is gone (clusters with kill_invalid_depend cancel it when the array fails): a new one
    const mergeFile = join(t.plan.slurmDir, "merge.sbatch");
    t.mergeId = await submit(run, mergeFile, [`--dependency=afterok:${retryId}`]);
  }
  writeFileSync(
    join(t.plan.slurmDir, "jobs.json"),
    `${JSON.stringify({ arrays: t.report.arrays, merge: t.mergeId }, null, 2)}\n`,
  );
  log(
    `${t.plan.config}: shards ${failed.join(", ")} failed (${failed.map((k) => byTask.get(k)!.state).join(", ")}); resubmitted as job array ${retryId}`,
  );
}

/** One poll of an experiment's merge job. */
async function stepMerge(t: Tracked, run: Runner): Promise<void> {
  const [s] = (await jobStates(run, [t.mergeId!])).filter((x) => x.task === null);
  if (!s || !isTerminal(s.state)) return;
  t.report.merge = {
    job: t.mergeId!,
    state: s.state,
    exitCode: s.exitCode,
    nodes: s.nodes,
    start: s.start,
    end: s.end,
    seconds: secondsBetween(s.start, s.end),
  };
  t.report.ok = succeeded(s.state);
  t.phase = "done";
}

/** The report as a table for the terminal: one line per shard attempt, then the merge. */
export function formatReport(reports: readonly ExperimentReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    const verdict = r.ok === null ? "submitted" : r.ok ? "done" : "FAILED";
    lines.push(
      `${r.config}: ${verdict} (arrays ${r.arrays.join(", ")}; logs and report.json in ${r.slurmDir})`,
    );
    if (r.runs.length > 0) lines.push("  shard  try  job          state       exit   node(s)       seconds");
    for (const x of r.runs)
      lines.push(
        `  ${String(x.shard).padStart(5)}  ${String(x.attempt).padStart(3)}  ${x.job.padEnd(11)}  ${x.state.padEnd(10)}  ${x.exitCode.padEnd(5)}  ${x.nodes.padEnd(12)}  ${x.seconds === null ? "-" : x.seconds.toFixed(0)}`,
      );
    if (r.merge)
      lines.push(
        `  merge: job ${r.merge.job} ${r.merge.state} (exit ${r.merge.exitCode}) on ${r.merge.nodes || "-"}, ${r.merge.seconds ?? "-"} s`,
      );
    if (r.failedShards.length > 0)
      lines.push(`  failed shards: ${r.failedShards.join(", ")} (see their logs)`);
  }
  return `${lines.join("\n")}\n`;
}
