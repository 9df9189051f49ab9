import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { swaxs } from "../../test/support/cli.js";
import { parseScript } from "../cluster/index.js";

describe("swaxs slurm", () => {
  const dir = mkdtempSync(join(tmpdir(), "swaxs-slurm-cli-"));
  for (const c of ["a", "b"]) {
    mkdirSync(join(dir, c));
    writeFileSync(join(dir, c, "experiment.yaml"), "out: results\n");
  }

  it("--dry-run prints, per experiment of a campaign, the array and merge scripts that run this swaxs", () => {
    const campaign = join(dir, "campaign.yaml");
    writeFileSync(campaign, "array_max: 2\nexperiments: [a, {config: b/experiment.yaml, shards: 6}]\n");
    const r = swaxs("slurm", campaign, "--shards", "3", "--partition", "short", "--time", "30", "--dry-run");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // the printed text is four scripts, each after a "# <path>" line
    const parts = r.stdout.split(/^# (\S+\.sbatch).*\n/m).slice(1);
    const scripts = new Map<string, string>();
    for (let i = 0; i < parts.length; i += 2) scripts.set(parts[i]!, parts[i + 1]!);
    expect([...scripts.keys()]).toEqual([
      join(dir, "a", "results.slurm", "shards.sbatch"),
      join(dir, "a", "results.slurm", "merge.sbatch"),
      join(dir, "b", "results.slurm", "shards.sbatch"),
      join(dir, "b", "results.slurm", "merge.sbatch"),
    ]);
    const d = (f: string) => Object.fromEntries(parseScript(scripts.get(join(dir, f))!).directives);
    expect(d("a/results.slurm/shards.sbatch")).toMatchObject({
      array: "0-2%2",
      partition: "short",
      time: "30",
    });
    expect(d("b/results.slurm/shards.sbatch")).toMatchObject({ array: "0-5%2", "cpus-per-task": "1" });
    expect(d("a/results.slurm/shards.sbatch").output).toBe(join(dir, "a", "results.slurm", "shard-%a.out"));
    const body = parseScript(scripts.get(join(dir, "a", "results.slurm", "shards.sbatch"))!).body.join("\n");
    // the same node, loader and entry script as this very run
    expect(body).toContain(`${process.execPath} --import `);
    expect(body).toMatch(
      /swaxs-dev\.ts run "\$\{SWAXS_CONFIG\}" --shard "\$\{SWAXS_SHARD\}\/\$\{SWAXS_SHARDS\}"/,
    );
    expect(body).toContain(`SWAXS_CONFIG=${join(dir, "a", "experiment.yaml")}`);
    const merge = parseScript(scripts.get(join(dir, "a", "results.slurm", "merge.sbatch"))!).body.join("\n");
    expect(merge).toMatch(/swaxs-dev\.ts merge "\$\{SWAXS_CONFIG\}"/);
  });

  it("`swaxs run CONFIG --slurm` is `swaxs slurm CONFIG` (issue 16's spelling)", () => {
    const args = ["--shards", "2", "--partition", "short", "--dry-run"];
    const viaRun = swaxs("run", join(dir, "a"), "--slurm", ...args);
    const direct = swaxs("slurm", join(dir, "a"), ...args);
    expect(viaRun.code, viaRun.stderr).toBe(0);
    expect(viaRun.stdout).toContain("#SBATCH --array=0-1");
    // the same scripts but for the moment each was written
    const sameBut = (t: string) => t.replace(/\d{4}-\d\d-\d\dT[\d:.+Z-]+/g, "T");
    expect(sameBut(viaRun.stdout)).toBe(sameBut(direct.stdout));
  });

  it("out: . (the inputs' folder) is refused before anything is written or submitted", async () => {
    const { simulate, PRESETS } = await import("../simulate/index.js");
    const sim = join(dir, "sim");
    await simulate({ ...PRESETS.tiny, rows: 2, cols: 1, sweeps: 2 }, sim, { seed: 2 });
    const yaml = join(sim, "experiment.yaml");
    writeFileSync(yaml, readFileSync(yaml, "utf8").replace(/^out: .*$/m, "out: ."));
    const before = readdirSync(sim).sort();
    const around = readdirSync(dir).sort();
    const r = swaxs("slurm", yaml, "--shards", "2");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/out: .* is the config's folder; choose a new folder\n$/);
    expect(readdirSync(sim).sort()).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(around);
  }, 60_000);

  it("bad input is one line and exit 2", () => {
    const bad = swaxs("slurm", join(dir, "a"), "--shards", "0", "--dry-run");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^swaxs: --shards must be a whole number ≥ 1, got "0"\n$/);
    const none = swaxs("slurm", join(dir, "nowhere.yaml"), "--dry-run");
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/nowhere\.yaml: no such config file/);
  });
});
