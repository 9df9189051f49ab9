/**
 * Issue 16 end to end: the tiny twin reduced as a real Slurm job array (`swaxs slurm`: shards
 * `swaxs run --shard K/N`, then `swaxs merge` after them) gives the results of one whole run, CSV
 * for CSV. Skipped where Slurm does not answer (`.ci/slurm-up` starts a single-node one); under
 * CI=true a missing Slurm is a failure.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { slurmAnswers } from "../src/cluster/slurm.js";
import { runExperiment } from "../src/pipeline/run.js";
import { PRESETS, simulate } from "../src/simulate/index.js";
import { swaxs } from "./support/cli.js";
import { toolAvailable } from "./support/tools.js";

const hasSbatch = spawnSync("sbatch", ["--version"]).status === 0;
const run = toolAvailable(
  "Slurm (sbatch, and sinfo answering; `.ci/slurm-up` starts one)",
  hasSbatch && (await slurmAnswers()),
);
// under /tmp: the jobs (the same user, on this machine) must reach it
const root = mkdtempSync(join(tmpdir(), "swaxs-slurm-run-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const csvs = (d: string) =>
  readdirSync(d, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".csv"))
    .sort();

it.runIf(run)(
  "swaxs slurm --shards 3 on the tiny twin: every CSV equals the whole run's",
  async () => {
    const dir = join(root, "sim");
    await simulate({ ...PRESETS.tiny, rows: 6, cols: 2, sweeps: 3 }, dir, { seed: 5 });
    const yaml = join(dir, "experiment.yaml");
    await runExperiment(yaml);
    cpSync(join(dir, "results"), join(root, "whole"), { recursive: true });
    rmSync(join(dir, "results"), { recursive: true });
    const r = swaxs("slurm", yaml, "--shards", "3", "--poll", "1");
    expect(r.code, r.stderr).toBe(0);
    const names = csvs(join(root, "whole"));
    expect(names.length).toBeGreaterThan(10);
    expect(csvs(join(dir, "results"))).toEqual(names);
    for (const f of names)
      expect(readFileSync(join(dir, "results", f), "utf8"), f).toBe(
        readFileSync(join(root, "whole", f), "utf8"),
      );
  },
  600_000,
);
