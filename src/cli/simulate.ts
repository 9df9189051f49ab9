/** `swaxs simulate --preset NAME --out DIR [--seed N] [--grid ROWSxCOLS] [--sweeps N]` */
import { PRESET_NAMES, PRESETS, type PresetName, simulate } from "../simulate/index.js";
import { InputError } from "../util/errors.js";
import { progress } from "./progress.js";

export interface SimulateCliOptions {
  preset: string;
  out: string;
  seed: string;
  grid?: string;
  sweeps?: string;
}

export async function simulateCommand(o: SimulateCliOptions): Promise<void> {
  if (!PRESET_NAMES.includes(o.preset as PresetName))
    throw new InputError("", `--preset must be one of ${PRESET_NAMES.join(", ")}, got "${o.preset}"`);
  const preset = { ...PRESETS[o.preset as PresetName] };
  const seed = Number(o.seed);
  if (!Number.isInteger(seed)) throw new InputError("", `--seed must be an integer, got "${o.seed}"`);
  if (o.grid) {
    const m = /^(\d+)x(\d+)$/i.exec(o.grid);
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
      throw new InputError("", `--grid must be ROWSxCOLS (e.g. 12x3), got "${o.grid}"`);
    const rows = Number(m[1]);
    // keep the scanned span of the preset: more rows, finer steps
    preset.stepYMm = (preset.stepYMm * (preset.rows - 1)) / Math.max(1, rows - 1);
    preset.rows = rows;
    preset.cols = Number(m[2]);
  }
  if (o.sweeps !== undefined) {
    const n = Number(o.sweeps);
    if (!Number.isInteger(n) || n < 1)
      throw new InputError("", `--sweeps must be a positive integer, got "${o.sweeps}"`);
    preset.sweeps = n;
  }
  const total = preset.rows * preset.cols * preset.sweeps;
  const bar = progress("simulate", total, "scan points");
  const t0 = performance.now();
  let last = 0;
  try {
    await simulate(preset, o.out, {
      seed,
      onProgress: (done) => {
        bar.tick(done - last);
        last = done;
      },
    });
  } finally {
    bar.stop();
  }
  process.stderr.write(
    `simulated ${preset.name}: ${preset.rows}×${preset.cols} grid, ${preset.sweeps} sweeps, ${2 * total} frames in ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s → ${o.out}\n`,
  );
}
