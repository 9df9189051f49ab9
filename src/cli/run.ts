/** `swaxs run experiment.yaml|FOLDER [--allow-missing]` */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { runExperiment } from "../pipeline/run.js";
import { InputError } from "../util/errors.js";
import { progress } from "./progress.js";

/** The config a FOLDER stands for: its experiment.yaml (what swaxs init and simulate write). */
async function configOf(path: string): Promise<string> {
  const st = await stat(path).catch(() => null);
  if (!st?.isDirectory()) return path;
  const inside = join(path, "experiment.yaml");
  if (!(await stat(inside).catch(() => null)))
    throw new InputError(path, "a folder without experiment.yaml (swaxs init FOLDER writes a starter one)");
  return inside;
}

export async function runCommand(given: string, o: { allowMissing?: boolean }): Promise<void> {
  const config = await configOf(given);
  let bar: ReturnType<typeof progress> | null = null;
  let last = 0;
  const t0 = performance.now();
  const s = await runExperiment(config, {
    allowMissing: o.allowMissing === true,
    onNote: (m) => process.stderr.write(`${m}\n`),
    onProgress: (done, total) => {
      bar ??= progress("reduce", total);
      bar.tick(done - last);
      last = done;
    },
  });
  (bar as ReturnType<typeof progress> | null)?.stop();
  const sec = (performance.now() - t0) / 1000;
  process.stderr.write(
    `reduced ${s.frames} frames on a ${s.rows}×${s.cols} grid in ${sec.toFixed(1)} s (${(s.frames / sec).toFixed(1)} frames/s)` +
      (s.missing || s.outsideLog
        ? `; ${s.missing} frame files missing, ${s.outsideLog} frames outside the cycler log`
        : "") +
      ` → ${s.out}\n`,
  );
}
