/** A results folder of `swaxs run` on a small digital twin, made once per test file. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openH5 } from "../../src/formats/h5.js";
import { runExperiment } from "../../src/pipeline/run.js";
import { PRESETS, simulate } from "../../src/simulate/index.js";

/** Simulate the tiny preset (optionally smaller) and run the pipeline; returns the results folder. */
export async function tinyResults(
  over: { rows?: number; cols?: number; sweeps?: number } = {},
): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), "swaxs-view-")), "twin");
  await simulate({ ...PRESETS.tiny, ...over }, dir, { seed: 2 });
  await runExperiment(join(dir, "experiment.yaml"));
  return join(dir, "results");
}

/** The first `n` intensities a run reduced for `det` (its reduced_<det>.h5), as plain numbers. */
export async function reducedCurves(results: string, det: string, n = 5000): Promise<number[]> {
  const f = await openH5(join(results, `reduced_${det}.h5`));
  try {
    const ds = f.get("entry/data/I") as unknown as { value: Float64Array | Float32Array };
    return Array.from(ds.value.subarray(0, n));
  } finally {
    f.close();
  }
}
