/**
 * A real job array on a real Slurm (`.ci/slurm-up` starts a single-node one): three shards of a
 * stand-in command, one failing on its first attempt on purpose, submitted, waited for and
 * resubmitted through runOnSlurm; then the merge job's dependency checked by what it saw and when
 * it ran, against the files the shards wrote and Slurm's own start and end times. Skipped where
 * Slurm does not answer; under CI=true a missing Slurm is a failure.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { toolAvailable } from "../../test/support/tools.js";
import { planExperiment } from "./campaign.js";
import { runOnSlurm } from "./orchestrate.js";
import { PLACEHOLDERS as P } from "./script.js";
import { slurmAnswers } from "./slurm.js";

const hasSbatch = spawnSync("sbatch", ["--version"]).status === 0;
const answers = hasSbatch && (await slurmAnswers());
const run = toolAvailable("Slurm (sbatch, and sinfo answering; `.ci/slurm-up` starts one)", answers);

// Under /tmp, not the test's own temp folder: the jobs (as the same user, on this machine) must reach it
const tmp = mkdtempSync(join(tmpdir(), "swaxs-slurm-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Shard K of N: writes shard-K.txt; shard 1 fails (exit 3) the first time, leaving a marker. */
const SHARD = `
const [k, n, dir] = process.argv.slice(1);
const fs = require("node:fs"), path = require("node:path");
const marker = path.join(dir, "failed-once-" + k);
if (k === "1" && !fs.existsSync(marker)) { fs.writeFileSync(marker, ""); process.exit(3); }
fs.writeFileSync(path.join(dir, "shard-" + k + ".txt"), JSON.stringify({ k: +k, n: +n, tMs: Date.now() }));
`;
/** The merge: records which shard files it found and when. */
const MERGE = `
const [n, dir] = process.argv.slice(1);
const fs = require("node:fs"), path = require("node:path");
const saw = fs.readdirSync(dir).filter((f) => /^shard-\\d+\\.txt$/.test(f)).sort();
const shardMs = saw.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")).tMs);
fs.writeFileSync(path.join(dir, "merge.txt"), JSON.stringify({ n: +n, saw, shardMs, tMs: Date.now() }));
`;

describe.runIf(run)("a real Slurm job array", () => {
  it("runs 3 shards, resubmits the one that failed, then the merge after all of them", async () => {
    const exp = join(tmp, "cell");
    const work = join(tmp, "work");
    mkdirSync(exp);
    mkdirSync(work);
    writeFileSync(join(exp, "experiment.yaml"), "out: results\n");
    const plan = planExperiment(exp, { shards: 3, arrayMax: 2, cpus: 1, time: "5" });
    const lines: string[] = [];
    const [report] = await runOnSlurm([plan], {
      shardCommand: [process.execPath, "-e", SHARD, P.shard, P.shards, work],
      mergeCommand: [process.execPath, "-e", MERGE, P.shards, work],
      pollS: 1,
      timeoutS: 150,
      log: (l) => lines.push(l),
    });
    const r = report!;
    expect(r.ok).toBe(true);
    expect(r.arrays).toHaveLength(2); // the first array and the resubmission of shard 1
    const node = spawnSync("sinfo", ["-h", "-N", "-o", "%N"], { encoding: "utf8" })
      .stdout.trim()
      .split("\n")[0];

    // each shard's attempts as Slurm reported them
    const tries = (k: number) =>
      r.runs.filter((x) => x.shard === k).map((x) => [x.attempt, x.state, x.exitCode]);
    expect(tries(0)).toEqual([[1, "COMPLETED", "0:0"]]);
    expect(tries(1)).toEqual([
      [1, "FAILED", "3:0"],
      [2, "COMPLETED", "0:0"],
    ]);
    expect(tries(2)).toEqual([[1, "COMPLETED", "0:0"]]);
    for (const x of r.runs) {
      expect(x.nodes).toBe(node);
      expect(x.seconds).toBeGreaterThanOrEqual(0);
      expect(readFileSync(x.log, "utf8")).toContain(`swaxs: shard ${x.shard}/3 (job ${x.job}) on `);
    }
    expect(lines.join("\n")).toMatch(/shards 1 failed \(FAILED\); resubmitted as job array \d+/);

    // the shards wrote what their index says
    for (const k of [0, 1, 2])
      expect(JSON.parse(readFileSync(join(work, `shard-${k}.txt`), "utf8"))).toMatchObject({ k, n: 3 });

    // the merge ran after every shard: it saw all three files, and started (by Slurm's clock and
    // by the files' own) after the last shard ended
    const merge = JSON.parse(readFileSync(join(work, "merge.txt"), "utf8"));
    expect(merge.saw).toEqual(["shard-0.txt", "shard-1.txt", "shard-2.txt"]);
    expect(merge.tMs).toBeGreaterThanOrEqual(Math.max(...merge.shardMs));
    expect(r.merge?.state).toBe("COMPLETED");
    const lastShardEnd = Math.max(
      ...r.runs.filter((x) => x.state === "COMPLETED").map((x) => Date.parse(x.end)),
    );
    expect(Date.parse(r.merge!.start)).toBeGreaterThanOrEqual(lastShardEnd);
    console.log(
      `slurm: shards ${r.runs.map((x) => `${x.job}=${x.state}/${x.seconds}s`).join(" ")}; merge ${r.merge!.job} started ${(Date.parse(r.merge!.start) - lastShardEnd) / 1000} s after the last shard ended`,
    );

    // what stays behind for the user: scripts, logs, the report
    for (const f of [
      "shards.sbatch",
      "shards.retry1.sbatch",
      "merge.sbatch",
      "merge.out",
      "report.json",
      "jobs.json",
    ])
      expect(existsSync(join(plan.slurmDir, f))).toBe(true);
    expect(JSON.parse(readFileSync(join(plan.slurmDir, "report.json"), "utf8")).ok).toBe(true);
  }, 180_000);

  it("gives up after one resubmission and cancels the merge that could never start", async () => {
    const exp = join(tmp, "bad");
    mkdirSync(exp);
    writeFileSync(join(exp, "experiment.yaml"), "out: results\n");
    const plan = planExperiment(exp, { shards: 2 });
    const [r] = await runOnSlurm([plan], {
      // shard 1 always fails
      shardCommand: [process.execPath, "-e", "process.exit(process.argv[1] === '1' ? 5 : 0)", P.shard],
      mergeCommand: [process.execPath, "-e", ""],
      pollS: 1,
      timeoutS: 120,
    });
    expect(r!.ok).toBe(false);
    expect(r!.failedShards).toEqual([1]);
    expect(r!.runs.filter((x) => x.shard === 1).map((x) => x.exitCode)).toEqual(["5:0", "5:0"]);
    const merge = JSON.parse(readFileSync(join(plan.slurmDir, "jobs.json"), "utf8")).merge;
    const st = spawnSync("scontrol", ["show", "job", "-o", merge], { encoding: "utf8" }).stdout;
    expect(st).toMatch(/JobState=CANCELLED/);
  }, 150_000);
});
