/** A results folder of `swaxs run` on a small digital twin, made once per test file. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
