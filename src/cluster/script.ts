/**
 * The text of the two batch scripts of a sharded run on Slurm (issue 16): a job array whose task K
 * reduces shard K of N (`sbatch --array=0-(N-1)%M`), and the merge job that joins the shards, held
 * back by `--dependency=afterok:<array id>` until every shard has succeeded. The scripts are plain
 * bash with `#SBATCH` lines (sbatch(1), "Options" and "Filename pattern": `%A` array job id, `%a`
 * task id), so a user can read, edit and submit them by hand.
 */
import { InputError } from "../util/errors.js";

/** Placeholders of a command's arguments, replaced in the script (see `commandLine`). */
export const PLACEHOLDERS = {
  /** this task's shard index K (0 … N−1): the task's `SLURM_ARRAY_TASK_ID` */
  shard: "{shard}",
  /** the number of shards N of the whole run */
  shards: "{shards}",
  /** the experiment's config file (absolute) */
  config: "{config}",
} as const;

/** What Slurm is asked for, per job (each array task, and the merge). */
export interface SlurmResources {
  /** `--partition`; without it the cluster's default partition */
  partition?: string;
  /** `--time` wall-clock limit per task: minutes, or [D-]HH:MM:SS as sbatch(1) takes it */
  time?: string;
  /** `--cpus-per-task` (each shard reduces with this many threads) */
  cpus?: number;
  /** `--mem`, e.g. 8G; without it the cluster's default */
  mem?: string;
}

export interface ArrayScriptSpec extends SlurmResources {
  /** job name (shown by squeue) */
  name: string;
  /** N: shards of the run; task K of the array runs shard K */
  shards: number;
  /** the tasks this array runs (default 0 … N−1; a retry names only the failed ones) */
  tasks?: readonly number[];
  /** at most this many tasks at once (`%M`), so a campaign does not flood the queue */
  arrayMax?: number;
  /** folder of the log files (absolute) */
  logDir: string;
  /** file name of each task's log; `%a` is its task id (sbatch's filename pattern) */
  logName?: string;
  /** folder the jobs run in (absolute) */
  workDir: string;
  /** the experiment's config (absolute), for {config} and the comment */
  config: string;
  /** the command each task runs, one argument per entry, with PLACEHOLDERS */
  command: readonly string[];
}

export interface MergeScriptSpec extends SlurmResources {
  name: string;
  logDir: string;
  workDir: string;
  config: string;
  shards: number;
  command: readonly string[];
}

/** Folder (absolute) of a run's Slurm scripts, logs and report: beside the results folder, see `slurmDirOf`. */
export function slurmDirOf(outAbs: string): string {
  // Not inside the results folder: `swaxs run`/`merge` replace that folder whole when they finish
  // (util/outdir.ts), which would delete the logs being written, and refuse to write into an
  // existing folder without their marker. `<out>.slurm/` sits beside it, as `<out>.partial/` does.
  return `${outAbs}.slurm`;
}

/**
 * The `--array` value: indices as ranges ("0-9", "1,4-6"), then `%M` when fewer than all may run
 * at once (sbatch(1), --array: "A maximum number of simultaneously running tasks … using a %").
 */
export function arraySpec(tasks: readonly number[], arrayMax?: number): string {
  if (tasks.length === 0) throw new Error("arraySpec: no tasks");
  const sorted = [...new Set(tasks)].sort((a, b) => a - b);
  for (const t of sorted) if (!Number.isInteger(t) || t < 0) throw new Error(`arraySpec: bad task ${t}`);
  const parts: string[] = [];
  let start = sorted[0]!;
  let prev = start;
  for (const t of [...sorted.slice(1), Number.NaN]) {
    if (t === prev + 1) {
      prev = t;
      continue;
    }
    parts.push(start === prev ? `${start}` : `${start}-${prev}`);
    start = prev = t;
  }
  const throttle = arrayMax !== undefined && arrayMax < sorted.length ? `%${arrayMax}` : "";
  return `${parts.join(",")}${throttle}`;
}

/**
 * The indices an array spec or a Slurm task list names: "0-3", "1,5-7", "0-9:2", "2-5%2",
 * "[0-3%2]" (squeue/sacct put pending ranges in brackets). Inverse of `arraySpec`.
 */
export function parseTaskList(spec: string): number[] {
  const body = spec
    .trim()
    .replace(/^\[|\]$/g, "")
    .replace(/%\d+$/, "");
  const out: number[] = [];
  for (const part of body.split(",")) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (!m) throw new Error(`not a Slurm task list: "${spec}"`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    const step = m[3] === undefined ? 1 : Number(m[3]);
    for (let k = a; k <= b; k += step) out.push(k);
  }
  return out;
}

/** One argument for bash, single-quoted unless it is plainly safe. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * A command's arguments as one bash line. An argument holding a placeholder is double-quoted
 * with the placeholder as a shell variable set earlier in the script (SWAXS_SHARD, SWAXS_SHARDS,
 * SWAXS_CONFIG) and everything else escaped, so a path with spaces or `$` stays one argument.
 */
export function commandLine(command: readonly string[]): string {
  if (command.length === 0) throw new Error("commandLine: empty command");
  const vars: Record<string, string> = {
    [PLACEHOLDERS.shard]: `\${SWAXS_SHARD}`,
    [PLACEHOLDERS.shards]: `\${SWAXS_SHARDS}`,
    [PLACEHOLDERS.config]: `\${SWAXS_CONFIG}`,
  };
  const re = /\{shard\}|\{shards\}|\{config\}/g;
  return command
    .map((arg) => {
      if (!re.test(arg)) return shellQuote(arg);
      re.lastIndex = 0;
      const lit = (s: string) => s.replace(/[\\"$`]/g, (c) => `\\${c}`);
      let out = "";
      let last = 0;
      for (const m of arg.matchAll(re)) {
        out += lit(arg.slice(last, m.index)) + vars[m[0]]!;
        last = m.index + m[0].length;
      }
      return `"${out}${lit(arg.slice(last))}"`;
    })
    .join(" ");
}

/** `#SBATCH` values must stay on their line; a newline would end the directive block. */
function directiveValue(key: string, v: string): string {
  if (/[\n\r]/.test(v) || v.trim() === "") throw new InputError("", `--${key}: "${v}" is not a valid value`);
  return v;
}

function resourceLines(r: SlurmResources): string[] {
  const lines: string[] = [];
  if (r.partition !== undefined)
    lines.push(`#SBATCH --partition=${directiveValue("partition", r.partition)}`);
  if (r.time !== undefined) lines.push(`#SBATCH --time=${directiveValue("time", r.time)}`);
  lines.push("#SBATCH --ntasks=1");
  lines.push(`#SBATCH --cpus-per-task=${r.cpus ?? 1}`);
  if (r.mem !== undefined) lines.push(`#SBATCH --mem=${directiveValue("mem", r.mem)}`);
  return lines;
}

/** A path in an `#SBATCH` line: sbatch takes it verbatim (no quoting), so no white space there. */
function plainPath(p: string): string {
  if (/\s/.test(p))
    throw new InputError(p, "a folder for Slurm cannot hold white space (#SBATCH lines take no quotes)");
  return p;
}

/** The job array's script: task K runs `command` with {shard} = K. */
export function arrayScript(s: ArrayScriptSpec): string {
  const tasks = s.tasks ?? Array.from({ length: s.shards }, (_, k) => k);
  for (const t of tasks)
    if (t >= s.shards) throw new Error(`arrayScript: task ${t} is not a shard of ${s.shards}`);
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=${directiveValue("job-name", s.name)}`,
    `#SBATCH --array=${arraySpec(tasks, s.arrayMax)}`,
    ...resourceLines(s),
    `#SBATCH --output=${plainPath(`${s.logDir}/${s.logName ?? "shard-%a.out"}`)}`,
    `#SBATCH --chdir=${plainPath(s.workDir)}`,
    `# Written by swaxs slurm: shard SLURM_ARRAY_TASK_ID of ${s.shards} of ${s.config}.`,
    "set -euo pipefail",
    // the shard index comes from the task id, N is written here: a retry array names only some
    // tasks, and then SLURM_ARRAY_TASK_COUNT would no longer be N
    `SWAXS_SHARD="\${SLURM_ARRAY_TASK_ID:?not a Slurm array task}"`,
    `SWAXS_SHARDS=${s.shards}`,
    `SWAXS_CONFIG=${shellQuote(s.config)}`,
    `echo "swaxs: shard \${SWAXS_SHARD}/\${SWAXS_SHARDS} (job \${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID}) on $(hostname) from $(date -Is)"`,
    commandLine(s.command),
    "",
  ].join("\n");
}

/** The merge job's script (submitted with `--dependency=afterok:<array id>`). */
export function mergeScript(s: MergeScriptSpec): string {
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=${directiveValue("job-name", s.name)}`,
    ...resourceLines(s),
    `#SBATCH --output=${plainPath(`${s.logDir}/merge.out`)}`,
    `#SBATCH --chdir=${plainPath(s.workDir)}`,
    `# Written by swaxs slurm: joins the ${s.shards} shards of ${s.config} and runs the analysis.`,
    "set -euo pipefail",
    `SWAXS_SHARDS=${s.shards}`,
    `SWAXS_CONFIG=${shellQuote(s.config)}`,
    `echo "swaxs: merge of \${SWAXS_SHARDS} shards (job \${SLURM_JOB_ID}) on $(hostname) from $(date -Is)"`,
    commandLine(s.command),
    "",
  ].join("\n");
}

/** A batch script read back: its `#SBATCH` options (in order) and the rest. */
export interface ParsedScript {
  directives: [string, string][];
  body: string[];
}

/**
 * The `#SBATCH` options of a script as sbatch reads them: only the comment block before the first
 * command counts (sbatch(1): "before any executable commands"), each `--key=value` or `--flag`.
 */
export function parseScript(text: string): ParsedScript {
  const directives: [string, string][] = [];
  const body: string[] = [];
  let header = true;
  for (const line of text.split("\n")) {
    const m = /^#SBATCH\s+--([a-z-]+)(?:[= ](.*))?$/.exec(line);
    if (header && m) directives.push([m[1]!, (m[2] ?? "").trim()]);
    else if (header && (line.startsWith("#") || line.trim() === "")) continue;
    else {
      header = false;
      body.push(line);
    }
  }
  return { directives, body };
}
