/**
 * The whole `swaxs run` against pyFAI + fabio doing only read + integrate of the same frames with
 * the same settings (issue 11), side by side in one run, on simulated experiments of growing size:
 *
 *   npm run bench:run-vs-pyfai [-- --preset demo --sweeps 4,8,16]
 *
 * Ours: a child process running the pipeline (decode, integrate, background, normalise, regions,
 * maps, fits, every output) — frames/s, wall time, peak RSS. pyFAI's: bench/pyfai_run.py with
 * Debian's python3-pyfai and python3-fabio (skipped, and said so, without them). Prints one JSON
 * object; `ratio` is our frames/s ÷ pyFAI's.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/pipeline/config.js";
import { readScanLog } from "../src/scan/index.js";
import { simulate } from "../src/simulate/index.js";
import { pythonWith } from "../test/support/tools.js";
import { presetSweeps } from "./args.js";

const { name, base, sweepList } = presetSweeps();
const root = mkdtempSync(join(tmpdir(), "swaxs-bench-vs-pyfai-"));
const child = new URL("./run-child.ts", import.meta.url).pathname;
const pyScript = new URL("./pyfai_run.py", import.meta.url).pathname;
const py = pythonWith(["pyFAI", "fabio"]);
if (!py)
  console.error("bench: no python3 with pyFAI and fabio (Debian python3-pyfai, python3-fabio): ours only");

const runs = [];
for (const sweeps of sweepList) {
  const dir = join(root, `${name}-${sweeps}`);
  await simulate({ ...base, sweeps }, dir, { seed: 1 });
  const yaml = join(dir, "experiment.yaml");
  console.error(`bench: ${name}, ${sweeps} sweeps: swaxs run…`);
  const ours = spawnSync(process.execPath, ["--import", "tsx", child, yaml], { encoding: "utf8" });
  if (ours.status !== 0) throw new Error(ours.stderr);
  const o = JSON.parse(ours.stdout) as { frames: number; frames_per_s: number };
  let pyfai: { frames: number; frames_per_s: number } | null = null;
  if (py) {
    const cfg = await loadConfig(yaml);
    const log = await readScanLog(cfg.scan);
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
    const p = spawnSync(py, [pyScript, jobFile], { encoding: "utf8" });
    if (p.status !== 0) throw new Error(p.stderr);
    pyfai = JSON.parse(p.stdout);
  }
  runs.push({
    sweeps,
    ours: o,
    pyfai,
    ratio: pyfai ? Math.round((o.frames_per_s / pyfai.frames_per_s) * 100) / 100 : null,
  });
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  JSON.stringify({ preset: name, node: process.version, cores: availableParallelism(), runs }, null, 2),
);
rmSync(root, { recursive: true, force: true });
