/**
 * The whole `swaxs run` against pyFAI + fabio doing only read + integrate of the same frames with
 * the same settings (issue 11), side by side in one run, on simulated experiments of growing size:
 *
 *   npm run bench:run-vs-pyfai [-- --preset demo --sweeps 4,8,16 --repeat 3]
 *
 * Ours: the built CLI (dist/: `npm run build` first) as a whole process — start-up, decode,
 * integrate, background, normalise, regions, maps, fits, every output — wall time, frames/s and
 * peak RSS (/usr/bin/time). pyFAI's: bench/pyfai_run.py with Debian's python3-pyfai and
 * python3-fabio, timed inside the process after its imports and with its integrators built, so
 * only reading and integrating count (skipped, and said so, without them). Prints one JSON object;
 * `ratio` is our frames/s ÷ pyFAI's, `seconds_per_1000_frames` shows whether cost is linear.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../src/pipeline/config.js";
import { readScanLog } from "../src/scan/index.js";
import { simulate } from "../src/simulate/index.js";
import { pythonWith } from "../test/support/tools.js";
import { arg, presetSweeps } from "./args.js";
import { round, timed } from "./measure.js";

const { name, base, sweepList } = presetSweeps();
/** Pairs (ours, pyFAI) per size: `--repeat N` (default 3). */
const repeat = Math.max(1, Number(arg("--repeat") ?? 3));
const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const repo = fileURLToPath(new URL("..", import.meta.url));
const cli = join(repo, "bin", "swaxs.js");
if (!existsSync(join(repo, "dist", "cli", "main.js"))) throw new Error("run `npm run build` first");
const root = mkdtempSync(join(tmpdir(), "swaxs-bench-vs-pyfai-"));
const pyScript = join(repo, "bench", "pyfai_run.py");
const py = pythonWith(["pyFAI", "fabio"]);
if (!py)
  console.error("bench: no python3 with pyFAI and fabio (Debian python3-pyfai, python3-fabio): ours only");

const runs = [];
try {
  for (const sweeps of sweepList) {
    const dir = join(root, `${name}-${sweeps}`);
    console.error(`bench: ${name}, ${sweeps} sweeps: simulating…`);
    await simulate({ ...base, sweeps }, dir, { seed: 1 });
    const yaml = join(dir, "experiment.yaml");
    const cfg = await loadConfig(yaml);
    const log = await readScanLog(cfg.scan);
    // the two sides alternate, pair by pair, so a drift of the machine's speed hits both; the
    // medians and the median of the pairs' ratios are reported (pyFAI's own time moved by ±40 %
    // from hour to hour on the reference machine)
    const jobFile = join(dir, "job.json");
    if (py) {
      const job = {
        detectors: Object.fromEntries(
          Object.values(cfg.detectors).map((d) => [
            d.name,
            {
              poni: d.poni,
              mask: d.mask ?? null,
              npt: d.npt,
              unit: d.unit,
              polarization: d.polarization ?? null,
            },
          ]),
        ),
        frames: Array.from({ length: log.length }, (_, i) => [log.detector[i], log.file[i]]),
      };
      writeFileSync(jobFile, JSON.stringify(job));
    }
    const oursWall: number[] = [];
    const oursRss: number[] = [];
    const pyWall: number[] = [];
    const pyRss: number[] = [];
    const pairRatio: number[] = [];
    let pyInfo: Record<string, unknown> = {};
    for (let k = 0; k < repeat; k++) {
      console.error(
        `bench: ${name}, ${sweeps} sweeps (${log.length} frames), pair ${k + 1}/${repeat}: swaxs run…`,
      );
      const o = timed(process.execPath, [cli, "run", yaml]);
      oursWall.push(o.wall_s);
      if (o.rss_mb !== null) oursRss.push(o.rss_mb);
      if (!py) continue;
      console.error(`bench: ${name}, ${sweeps} sweeps, pair ${k + 1}/${repeat}: pyFAI read + integrate…`);
      const p = timed(py, [pyScript, jobFile]);
      pyInfo = JSON.parse(p.stdout);
      const fps = Number(pyInfo.frames_per_s);
      pyWall.push(log.length / fps);
      if (p.rss_mb !== null) pyRss.push(p.rss_mb);
      pairRatio.push(log.length / o.wall_s / fps);
    }
    const ours = {
      frames: log.length,
      wall_s: round(median(oursWall)),
      frames_per_s: round(log.length / median(oursWall), 1),
      seconds_per_1000_frames: round((1000 * median(oursWall)) / log.length),
      peak_rss_mb: oursRss.length ? Math.max(...oursRss) : null,
      wall_s_each: oursWall.map((v) => round(v)),
    };
    const pyfai = py
      ? {
          frames: log.length,
          wall_s: round(median(pyWall)),
          frames_per_s: round(log.length / median(pyWall), 1),
          pyfai: pyInfo.pyfai,
          peak_rss_mb: pyRss.length ? Math.max(...pyRss) : null,
          wall_s_each: pyWall.map((v) => round(v)),
        }
      : null;
    runs.push({
      sweeps,
      ours,
      pyfai,
      // the median of the pairs' ratios (our frames/s ÷ pyFAI's in the same pair), and their spread
      ratio: pyfai ? round(median(pairRatio)) : null,
      ratio_each: pairRatio.map((r) => round(r)),
    });
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
console.log(
  JSON.stringify({ preset: name, node: process.version, cores: availableParallelism(), runs }, null, 2),
);
