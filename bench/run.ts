/**
 * Whole-run speed of `swaxs run` on a simulated experiment: frames/s and peak memory.
 *   npm run bench:run [-- --preset demo]
 * Simulates the preset (not timed), runs the pipeline on it, prints one JSON object.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { runExperiment } from "../src/pipeline/run.js";
import { PRESETS, type PresetName, simulate } from "../src/simulate/index.js";

const i = process.argv.indexOf("--preset");
const name = (i >= 0 ? process.argv[i + 1]! : "demo") as PresetName;
const root = mkdtempSync(join(tmpdir(), "swaxs-bench-run-"));
const dir = join(root, name);
await simulate(PRESETS[name], dir, { seed: 1 });
const rssBefore = process.resourceUsage().maxRSS;
const t0 = performance.now();
const s = await runExperiment(join(dir, "experiment.yaml"));
const sec = (performance.now() - t0) / 1000;
console.log(
  JSON.stringify(
    {
      preset: name,
      node: process.version,
      frames: s.frames,
      grid: `${s.rows}x${s.cols}`,
      wall_s: Math.round(sec * 100) / 100,
      frames_per_s: Math.round((s.frames / sec) * 10) / 10,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      peak_rss_mb_before_run: Math.round(rssBefore / 1024),
    },
    null,
    2,
  ),
);
rmSync(root, { recursive: true, force: true });
