/** The config a command is given: a file, or a folder standing for its experiment.yaml. */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../util/errors.js";

/** `path` itself, or FOLDER/experiment.yaml (what swaxs init and simulate write) for a folder. */
export async function configOf(path: string): Promise<string> {
  const st = await stat(path).catch(() => null);
  if (!st?.isDirectory()) return path;
  const inside = join(path, "experiment.yaml");
  if (!(await stat(inside).catch(() => null)))
    throw new InputError(path, "a folder without experiment.yaml (swaxs init FOLDER writes a starter one)");
  return inside;
}
