/** One `swaxs run` for bench/run.ts: prints frames, wall time, frames/s and this process's peak RSS. */
import { runExperiment } from "../src/pipeline/run.js";

const rss0 = process.resourceUsage().maxRSS;
const t0 = performance.now();
const s = await runExperiment(process.argv[2]!);
const sec = (performance.now() - t0) / 1000;
console.log(
  JSON.stringify({
    frames: s.frames,
    grid: `${s.rows}x${s.cols}`,
    wall_s: Math.round(sec * 100) / 100,
    frames_per_s: Math.round((s.frames / sec) * 10) / 10,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    rss_at_start_mb: Math.round(rss0 / 1024),
  }),
);
