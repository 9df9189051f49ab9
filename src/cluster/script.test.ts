/**
 * The batch scripts read back as sbatch reads them (the #SBATCH block), their bash body run by
 * bash itself (the independent judge of the quoting), and the parsers of scontrol's and sacct's
 * output on records in the layout their man pages give.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readCampaign } from "./campaign.js";
import {
  arrayScript,
  arraySpec,
  mergeScript,
  PLACEHOLDERS as P,
  parseScript,
  parseTaskList,
} from "./script.js";
import { parseSacct, parseScontrol } from "./slurm.js";

const tmp = mkdtempSync(join(tmpdir(), "swaxs-cluster-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const spec = {
  name: "swaxs-cell1",
  shards: 5,
  arrayMax: 2,
  partition: "short",
  time: "01:30:00",
  cpus: 4,
  logDir: "/data/run/results.slurm",
  workDir: "/data/run",
  config: "/data/run/my cell/experiment.yaml",
  command: ["/usr/bin/node", "/opt/swaxs/bin/swaxs.js", "run", P.config, "--shard", `${P.shard}/${P.shards}`],
};

describe("array spec", () => {
  it("compresses indices into ranges and reads them back", () => {
    expect(arraySpec([0, 1, 2, 3, 4], 2)).toBe("0-4%2");
    expect(arraySpec([4, 1, 5, 6, 9])).toBe("1,4-6,9");
    expect(arraySpec([0, 1, 2], 3)).toBe("0-2"); // a throttle ≥ the tasks is no throttle
    for (const tasks of [[0, 1, 2, 3, 4], [1, 4, 5, 6, 9], [7], [0, 2, 4, 6]])
      expect(parseTaskList(arraySpec(tasks, 2))).toEqual(tasks);
    // Slurm's own forms: steps (sbatch --array=0-9:3) and the bracketed pending part
    expect(parseTaskList("0-9:3")).toEqual([0, 3, 6, 9]);
    expect(parseTaskList("[2-4%2]")).toEqual([2, 3, 4]);
  });
});

describe("batch scripts", () => {
  it("the array script asks for the array, the resources and the log files", () => {
    const { directives, body } = parseScript(arrayScript(spec));
    const d = Object.fromEntries(directives);
    expect(d).toEqual({
      "job-name": "swaxs-cell1",
      array: "0-4%2",
      partition: "short",
      time: "01:30:00",
      ntasks: "1",
      "cpus-per-task": "4",
      output: "/data/run/results.slurm/shard-%a.out",
      chdir: "/data/run",
    });
    expect(directives).toHaveLength(8); // no option given twice
    expect(body.join("\n")).toContain("set -euo pipefail");
  });

  it("a retry names only the failed tasks, with its own log files", () => {
    const text = arrayScript({ ...spec, tasks: [3, 1], logName: "shard-%a.retry1.out" });
    const d = Object.fromEntries(parseScript(text).directives);
    expect(d.array).toBe("1,3");
    expect(d.output).toBe("/data/run/results.slurm/shard-%a.retry1.out");
    expect(() => arrayScript({ ...spec, tasks: [5] })).toThrow(/not a shard/);
  });

  it("the merge script has no array and its own log", () => {
    const d = Object.fromEntries(
      parseScript(mergeScript({ ...spec, command: ["swaxs", "merge", P.config] })).directives,
    );
    expect(d.array).toBeUndefined();
    expect(d.output).toBe("/data/run/results.slurm/merge.out");
  });

  it("refuses values that would break out of an #SBATCH line or a log path with spaces", () => {
    expect(() => arrayScript({ ...spec, partition: "a\n#SBATCH --x" })).toThrow(/not a valid value/);
    expect(() => arrayScript({ ...spec, logDir: "/a b/results.slurm" })).toThrow(/white space/);
  });

  it("bash runs the body with the shard of its task and every argument intact", () => {
    // the command prints its arguments one per line: bash's word splitting is the judge
    const odd = `it's "q" $HOME \`x\` \\n {shard}`;
    const text = arrayScript({
      ...spec,
      config: "/data/my cell/$x'.yaml",
      command: ["printf", "%s\\n", P.shard, P.shards, P.config, `shard-${P.shard}.txt`, odd],
    });
    const file = join(tmp, "shards.sbatch");
    writeFileSync(file, text);
    const r = spawnSync("bash", [file], {
      env: { PATH: process.env.PATH, SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_JOB_ID: "77" },
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^swaxs: shard 3\/5 \(job 77_3\) on /);
    expect(lines.slice(1)).toEqual([
      "3",
      "5",
      "/data/my cell/$x'.yaml",
      "shard-3.txt",
      `it's "q" $HOME \`x\` \\n 3`,
    ]);
    // outside an array task the script stops before the command
    const bare = spawnSync("bash", [file], { env: { PATH: process.env.PATH }, encoding: "utf8" });
    expect(bare.status).not.toBe(0);
    expect(bare.stderr).toMatch(/not a Slurm array task/);
  });
});

describe("Slurm's answers", () => {
  it("reads scontrol's one-line records, a pending range standing for each of its tasks", () => {
    const out = [
      "JobId=12 ArrayJobId=10 ArrayTaskId=1 ArrayTaskThrottle=2 JobName=a JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=3:0 RunTime=00:00:01 StartTime=2026-12-07T16:58:52 EndTime=2026-12-07T16:58:53 NodeList=n7 BatchHost=n7",
      "JobId=10 ArrayJobId=10 ArrayTaskId=2-4%2 ArrayTaskThrottle=2 JobName=a JobState=PENDING Reason=JobArrayTaskLimit ExitCode=0:0 StartTime=Unknown EndTime=Unknown NodeList=(null)",
      "",
    ].join("\n");
    const s = parseScontrol(out);
    expect(s.map((x) => [x.jobId, x.task, x.state])).toEqual([
      ["10", 1, "FAILED"],
      ["10", 2, "PENDING"],
      ["10", 3, "PENDING"],
      ["10", 4, "PENDING"],
    ]);
    expect(s[0]).toMatchObject({
      exitCode: "3:0",
      nodes: "n7",
      start: "2026-12-07T16:58:52",
      reason: "NonZeroExitCode",
    });
    expect(s[1]).toMatchObject({ nodes: "", start: "", end: "" });
    const plain = parseScontrol("JobId=15 JobName=m JobState=COMPLETED Reason=None ExitCode=0:0 NodeList=n1");
    expect(plain).toMatchObject([{ jobId: "15", task: null, state: "COMPLETED", reason: "" }]);
  });

  it("reads sacct's parsable rows (JobID,State,ExitCode,NodeList,Start,End,Reason)", () => {
    const out = [
      "20_0|COMPLETED|0:0|n1|2026-01-01T10:00:00|2026-01-01T10:05:00|None",
      "20_1|CANCELLED by 1000|0:15|n2|2026-01-01T10:00:00|2026-01-01T10:01:00|None",
      "20_[2-3]|PENDING|0:0|None assigned|Unknown|Unknown|JobArrayTaskLimit",
      "21|TIMEOUT|0:0|n3|2026-01-01T10:00:00|2026-01-01T11:00:00|None",
    ].join("\n");
    expect(parseSacct(out).map((x) => [x.jobId, x.task, x.state, x.nodes])).toEqual([
      ["20", 0, "COMPLETED", "n1"],
      ["20", 1, "CANCELLED", "n2"],
      ["20", 2, "PENDING", ""],
      ["20", 3, "PENDING", ""],
      ["21", null, "TIMEOUT", "n3"],
    ]);
  });
});

describe("campaign files", () => {
  it("lists experiments with options; an entry's own options win, then the file's, then the command line's", () => {
    for (const c of ["a", "b"]) {
      spawnSync("mkdir", ["-p", join(tmp, c)]);
      writeFileSync(join(tmp, c, "experiment.yaml"), c === "a" ? "out: res-a\n" : "title: b\n");
    }
    const file = join(tmp, "campaign.yaml");
    writeFileSync(
      file,
      "shards: 8\npartition: short\nexperiments:\n  - a/experiment.yaml\n  - {config: b, shards: 2, time: '10'}\n",
    );
    const [a, b] = readCampaign(file, { shards: 3, cpus: 2 });
    expect(a).toMatchObject({
      config: join(tmp, "a", "experiment.yaml"),
      shards: 8,
      partition: "short",
      cpus: 2,
    });
    expect(a!.out).toBe(join(tmp, "a", "res-a"));
    expect(a!.slurmDir).toBe(join(tmp, "a", "res-a.slurm"));
    expect(b).toMatchObject({ shards: 2, time: "10", out: join(tmp, "b", "results"), name: "b" });
    writeFileSync(file, "- a/experiment.yaml\n- b\n");
    expect(readCampaign(file).map((p) => p.shards)).toEqual([4, 4]);
    writeFileSync(file, "experiments: [a]\nshard: 3\n");
    expect(() => readCampaign(file)).toThrow(/unknown key "shard"/);
    writeFileSync(file, "experiments: [nowhere/experiment.yaml]\n");
    expect(() => readCampaign(file)).toThrow(/no such config file/);
  });
});
