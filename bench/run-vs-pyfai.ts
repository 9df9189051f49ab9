/**
 * The whole `swaxs run` against pyFAI + fabio doing only read + integrate of the same frames with
 * the same settings (issue 11), side by side in one run, on simulated experiments of growing size:
 *
 *   npm run bench:run-vs-pyfai [-- --preset demo --sweeps 4,8,16]
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
import { presetSweeps } from "./args.js";
import { round, timed } from "./measure.js";

const { name, base, sweepList } = presetSweeps();
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
    console.error(`bench: ${name}, ${sweeps} sweeps (${log.length} frames): swaxs run…`);
    const o = timed(process.execPath, [cli, "run", yaml]);
    const ours = {
      frames: log.length,
      wall_s: round(o.wall_s),
      frames_per_s: round(log.length / o.wall_s, 1),
      seconds_per_1000_frames: round((1000 * o.wall_s) / log.length),
      peak_rss_mb: o.rss_mb,
    };
    let pyfai: { frames: number; frames_per_s: number; peak_rss_mb: number | null } | null = null;
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
      const jobFile = join(dir, "job.json");
      writeFileSync(jobFile, JSON.stringify(job));
      console.error(`bench: ${name}, ${sweeps} sweeps: pyFAI read + integrate…`);
      const p = timed(py, [pyScript, jobFile]);
      pyfai = { ...JSON.parse(p.stdout), peak_rss_mb: p.rss_mb };
    }
    runs.push({
      sweeps,
      ours,
      pyfai,
      ratio: pyfai ? round(ours.frames_per_s / pyfai.frames_per_s) : null,
    });
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
console.log(
  JSON.stringify({ preset: name, node: process.version, cores: availableParallelism(), runs }, null, 2),
);
