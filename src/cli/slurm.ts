/**
 * `swaxs slurm CONFIG|CAMPAIGN [--shards N --partition P --time T --cpus C --array-max M]`: runs
 * an experiment (or each experiment of a campaign file) as a Slurm job array of shards, each
 * `swaxs run CONFIG --shard K/N`, and a merge job `swaxs merge CONFIG` that starts when all of
 * them succeeded; waits, resubmits failed shards once, and prints where each shard ran and for how
 * long. Scripts, logs and report.json go to `<out>.slurm/` beside the results folder.
 */
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { Command } from "commander";
import { InputError } from "../util/errors.js";
import { readYaml } from "../util/yaml.js";

export interface SlurmCliOptions {
  shards?: string;
  partition?: string;
  time?: string;
  cpus?: string;
  mem?: string;
  arrayMax?: string;
  wait?: boolean;
  poll?: string;
  dryRun?: boolean;
}

export function registerSlurm(program: Command): void {
  program
    .command("slurm")
    .description(
      "run an experiment (or a campaign of them) on a Slurm cluster: a job array of `swaxs run --shard K/N`, then `swaxs merge`; waits, resubmits failed shards once, reports",
    )
    .argument(
      "<config>",
      "experiment.yaml (or its folder), or a campaign file: a YAML list of experiment.yaml paths, or {experiments: [...], shards, partition, time, cpus, array_max, mem}",
    )
    .option("--shards <n>", "number of shards (array tasks) per experiment (default 4)")
    .option("--partition <p>", "Slurm partition (default: the cluster's default)")
    .option("--time <t>", "wall-clock limit per job, minutes or [D-]HH:MM:SS")
    .option("--cpus <n>", "CPUs per shard (--cpus-per-task)", "1")
    .option("--mem <m>", "memory per job, e.g. 8G (default: the cluster's default)")
    .option("--array-max <m>", "at most this many shards of one experiment at once (%M)")
    .option("--no-wait", "submit and return: no waiting, no resubmission, no report")
    .option("--poll <s>", "seconds between looks at the queue while waiting", "5")
    .option("--dry-run", "print the batch scripts and submit nothing")
    .action(async (config: string, o: SlurmCliOptions) => slurmCommand(config, o));
}

/** A whole number ≥ 1 from an option, or undefined when it is not given. */
function count(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || !Number.isInteger(n) || n < 1)
    throw new InputError("", `${flag} must be a whole number ≥ 1, got "${v}"`);
  return n;
}

/**
 * This very swaxs as a command line for the jobs: the same node, its flags (`--import tsx` when run
 * from source) and the same entry script, so the compute nodes run what was tested here.
 */
export function swaxsCommand(): string[] {
  const entry = process.argv[1];
  if (!entry) throw new Error("cannot tell which script is swaxs (process.argv[1] is empty)");
  return [process.execPath, ...process.execArgv, isAbsolute(entry) ? entry : resolve(entry)];
}

export async function slurmCommand(config: string, o: SlurmCliOptions): Promise<void> {
  const cluster = await import("../cluster/index.js");
  const given = {
    ...(o.shards !== undefined && { shards: count(o.shards, "--shards")! }),
    ...(o.arrayMax !== undefined && { arrayMax: count(o.arrayMax, "--array-max")! }),
    ...(o.cpus !== undefined && { cpus: count(o.cpus, "--cpus")! }),
    ...(o.partition !== undefined && { partition: o.partition }),
    ...(o.time !== undefined && { time: o.time }),
    ...(o.mem !== undefined && { mem: o.mem }),
  };
  const pollS = Number(o.poll ?? "5");
  if (!(pollS > 0)) throw new InputError("", `--poll must be a positive number of seconds, got "${o.poll}"`);
  const isFile = statSync(config, { throwIfNoEntry: false })?.isFile() ?? false;
  const campaign = isFile && cluster.isCampaign(readYaml(readFileSync(config, "utf8"), config).data);
  const plans = campaign ? cluster.readCampaign(config, given) : [cluster.planExperiment(config, given)];
  const self = swaxsCommand();
  const { PLACEHOLDERS: P } = cluster;
  const shardCommand = [...self, "run", P.config, "--shard", `${P.shard}/${P.shards}`];
  const mergeCommand = [...self, "merge", P.config];

  if (o.dryRun) {
    for (const p of plans) {
      const common = { ...p, logDir: p.slurmDir, workDir: process.cwd() };
      process.stdout.write(`# ${p.slurmDir}/shards.sbatch\n`);
      process.stdout.write(
        cluster.arrayScript({ ...common, name: `swaxs-${p.name}`, command: shardCommand }),
      );
      process.stdout.write(`# ${p.slurmDir}/merge.sbatch (sbatch --dependency=afterok:<array id>)\n`);
      process.stdout.write(
        cluster.mergeScript({ ...common, name: `swaxs-${p.name}-merge`, command: mergeCommand }),
      );
    }
    return;
  }
  // the run's own output check first: `<out>.slurm/` is written beside an output the run accepts
  // (out: . — the inputs' folder — is refused here, before any script or log is written)
  const { loadConfig } = await import("../pipeline/config.js");
  const { checkRunOutput } = await import("../pipeline/preflight.js");
  for (const p of plans) checkRunOutput(await loadConfig(p.config));
  const reports = await cluster.runOnSlurm(plans, {
    shardCommand,
    mergeCommand,
    wait: o.wait !== false,
    pollS,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(cluster.formatReport(reports));
  const bad = reports.filter((r) => r.ok === false);
  if (bad.length > 0)
    throw new InputError(
      bad[0]!.slurmDir,
      `${bad.length} of ${reports.length} experiment(s) failed on Slurm${bad[0]!.failedShards.length ? ` (shards ${bad[0]!.failedShards.join(", ")} failed twice)` : " (the merge failed)"}; see the logs there`,
    );
}
