/**
 * Whole-run speed and memory of `swaxs run` on simulated experiments: frames/s and the run's peak
 * RSS, measured in a child process so the simulator's memory does not count.
 *   npm run bench:run [-- --preset demo] [--sweeps 6,12] [--rows N]
 * With several sweep counts the same grid is run at each: peak memory should stay flat while the
 * number of frames grows (curves stream through on-disk stores). Prints one JSON object.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { simulate } from "../src/simulate/index.js";
import { arg, presetSweeps } from "./args.js";

const { name, base, sweepList } = presetSweeps();
const rows = arg("--rows") ? Number(arg("--rows")) : base.rows;
const root = mkdtempSync(join(tmpdir(), "swaxs-bench-run-"));
const child = new URL("./run-child.ts", import.meta.url).pathname;

const runs = [];
for (const sweeps of sweepList) {
  const dir = join(root, `${name}-${sweeps}`);
  const t0 = performance.now();
  await simulate({ ...base, rows, sweeps }, dir, { seed: 1 });
  const simS = (performance.now() - t0) / 1000;
  const r = spawnSync(process.execPath, ["--import", "tsx", child, join(dir, "experiment.yaml")], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(r.stderr);
  runs.push({ sweeps, simulate_s: Math.round(simS * 10) / 10, ...JSON.parse(r.stdout) });
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  JSON.stringify(
    { preset: name, rows, cols: base.cols, node: process.version, cores: availableParallelism(), runs },
    null,
    2,
  ),
);
rmSync(root, { recursive: true, force: true });
