/** The command-line options the benches share: `--name value`, and a preset with its sweep counts. */
import { PRESETS, type PresetName } from "../src/simulate/index.js";

/** The value after `name` on the command line, or undefined. */
export const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

/** `--preset P` (default demo) and `--sweeps a,b,…` (default the preset's own count). */
export function presetSweeps() {
  const name = (arg("--preset") ?? "demo") as PresetName;
  const base = PRESETS[name];
  const sweepList = (arg("--sweeps") ?? String(base.sweeps)).split(",").map(Number);
  return { name, base, sweepList };
}
