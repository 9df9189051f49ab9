/**
 * Talking to Slurm through its commands (sbatch, scontrol, sacct, scancel, sinfo), never its
 * library: what a user could type is what swaxs runs. Each call goes through a `Runner`, so tests
 * can also see every command line.
 */
import { execFile } from "node:child_process";
import { InputError } from "../util/errors.js";
import { parseTaskList } from "./script.js";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}
/** Runs one program with arguments (no shell) and reports its exit code and output. */
export type Runner = (program: string, args: readonly string[]) => Promise<RunResult>;

/** The machine's programs, each given 60 s (a slurmctld that does not answer in that time is down). */
export const systemRunner: Runner = (program, args) =>
  new Promise((resolve, reject) => {
    execFile(program, [...args], { timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
      if (e && e.code === "ENOENT")
        reject(new InputError(program, "not found: is Slurm installed here (and on PATH)?"));
      else resolve({ code: e ? (typeof e.code === "number" ? e.code : 1) : 0, stdout, stderr });
    });
  });

/** The job id `sbatch --parsable` prints: "ID" or "ID;CLUSTER". */
export function parseParsable(stdout: string): string {
  const id = stdout.trim().split("\n").pop()?.split(";")[0]?.trim() ?? "";
  if (!/^\d+$/.test(id)) throw new Error(`sbatch --parsable printed no job id: "${stdout.trim()}"`);
  return id;
}

/** Submits a batch script; `args` go before it (e.g. --dependency). Returns the job id. */
export async function submit(run: Runner, script: string, args: readonly string[] = []): Promise<string> {
  const r = await run("sbatch", ["--parsable", ...args, script]);
  if (r.code !== 0)
    throw new InputError(
      script,
      `sbatch refused it: ${r.stderr.trim().split("\n").pop() ?? `exit ${r.code}`}`,
    );
  return parseParsable(r.stdout);
}

/** Whether Slurm answers here: `sinfo` runs and lists at least one partition. */
export async function slurmAnswers(run: Runner = systemRunner): Promise<boolean> {
  try {
    const r = await run("sinfo", ["-h", "-o", "%P"]);
    return r.code === 0 && r.stdout.trim() !== "";
  } catch {
    return false;
  }
}

/** One job, or one task of a job array, as Slurm last reported it. */
export interface TaskState {
  /** the array's job id (for a plain job: its id) */
  jobId: string;
  /** the array task id; null for a plain job */
  task: number | null;
  /** PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, CANCELLED, … (Slurm's words, upper case) */
  state: string;
  /** exit code of the batch script ("3:0" is code 3, signal 0); empty while it runs */
  exitCode: string;
  /** nodes it ran on */
  nodes: string;
  /** ISO times; empty when not (yet) known */
  start: string;
  end: string;
  /** why it is pending or failed (scontrol's Reason), or "" */
  reason: string;
}

/** States after which a job changes no more (squeue(1), "JOB STATE CODES"). */
const TERMINAL = new Set([
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMEOUT",
  "NODE_FAIL",
  "OUT_OF_MEMORY",
  "PREEMPTED",
  "BOOT_FAIL",
  "DEADLINE",
  "REVOKED",
  "SPECIAL_EXIT",
  // our own word for a job that neither scontrol nor sacct knows any more
  "LOST",
]);
export const isTerminal = (state: string): boolean => TERMINAL.has(state);
export const succeeded = (state: string): boolean => state === "COMPLETED";

/** "Unknown", "None", "(null)" and "N/A" are Slurm's ways of saying "no value". */
const clean = (v: string | undefined): string =>
  v === undefined || /^(Unknown|None|\(null\)|N\/A)$/.test(v) ? "" : v;

/**
 * The records of `scontrol show job --oneliner ID` (one line per job or array task; a pending
 * part of an array is one line with ArrayTaskId=2-5%2 and stands for each task in it).
 */
export function parseScontrol(stdout: string): TaskState[] {
  const out: TaskState[] = [];
  for (const line of stdout.split("\n")) {
    if (!/^JobId=/.test(line.trim())) continue;
    const f = new Map<string, string>();
    // values hold no spaces except Command/WorkDir etc., which we do not read
    for (const m of line.matchAll(/(?:^|\s)([A-Za-z/:]+)=(\S*)/g)) if (!f.has(m[1]!)) f.set(m[1]!, m[2]!);
    const arrayJob = f.get("ArrayJobId");
    const taskList = f.get("ArrayTaskId");
    const base = {
      jobId: arrayJob ?? f.get("JobId")!,
      state: (f.get("JobState") ?? "").toUpperCase(),
      exitCode: clean(f.get("ExitCode")),
      nodes: clean(f.get("NodeList")),
      start: clean(f.get("StartTime")),
      end: clean(f.get("EndTime")),
      reason: clean(f.get("Reason")),
    };
    const tasks = arrayJob && taskList ? parseTaskList(taskList) : [null];
    for (const task of tasks) out.push({ ...base, task });
  }
  return out;
}

/** The rows of `sacct -n -P -X -o JobID,State,ExitCode,NodeList,Start,End,Reason`. */
export function parseSacct(stdout: string): TaskState[] {
  const out: TaskState[] = [];
  for (const line of stdout.split("\n")) {
    const c = line.split("|");
    if (c.length < 7) continue;
    const m = /^(\d+)(?:_(\[[^\]]+\]|\d+))?$/.exec(c[0]!.trim());
    if (!m) continue;
    const base = {
      jobId: m[1]!,
      // "CANCELLED by 1000" → CANCELLED
      state: c[1]!.trim().split(/\s+/)[0]!.toUpperCase(),
      exitCode: clean(c[2]),
      nodes: clean(c[3]) === "None assigned" ? "" : clean(c[3]),
      start: clean(c[4]),
      end: clean(c[5]),
      reason: clean(c[6]),
    };
    const tasks = m[2] === undefined ? [null] : parseTaskList(m[2]);
    for (const task of tasks) out.push({ ...base, task });
  }
  return out;
}

/**
 * The current state of every task of the given jobs. Asks `scontrol show job` first: it works on
 * every cluster, accounting or not, and keeps a finished job for MinJobAge (300 s by default,
 * far longer than a poll). A job it no longer knows is asked of `sacct`; a job neither knows is
 * LOST.
 */
export async function jobStates(run: Runner, jobIds: readonly string[]): Promise<TaskState[]> {
  const out: TaskState[] = [];
  const forgotten: string[] = [];
  for (const id of jobIds) {
    const r = await run("scontrol", ["show", "job", "--oneliner", id]);
    const found = r.code === 0 ? parseScontrol(r.stdout).filter((s) => s.jobId === id) : [];
    if (found.length > 0) out.push(...found);
    else forgotten.push(id);
  }
  if (forgotten.length > 0) {
    const r = await run("sacct", [
      "-n",
      "-P",
      "-X",
      "-j",
      forgotten.join(","),
      "-o",
      "JobID,State,ExitCode,NodeList,Start,End,Reason",
    ]);
    const found = r.code === 0 ? parseSacct(r.stdout) : [];
    out.push(...found);
    for (const id of forgotten)
      if (!found.some((s) => s.jobId === id))
        out.push({
          jobId: id,
          task: null,
          state: "LOST",
          exitCode: "",
          nodes: "",
          start: "",
          end: "",
          reason: "",
        });
  }
  return out;
}

/** Cancels jobs; a job already gone is not an error. */
export async function cancel(run: Runner, jobIds: readonly string[]): Promise<void> {
  if (jobIds.length > 0) await run("scancel", [...jobIds]);
}

/** Points a pending job's dependency at other jobs; false when Slurm refuses (the job is no longer pending). */
export async function setDependency(run: Runner, jobId: string, dependency: string): Promise<boolean> {
  const r = await run("scontrol", ["update", `JobId=${jobId}`, `Dependency=${dependency}`]);
  return r.code === 0;
}
