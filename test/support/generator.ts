/**
 * The independent experiment generator (scripts/fixtures/make_independent_experiment.py: pyFAI,
 * fabio, numpy, none of this project's code), run from the tests with Debian's Python.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pythonWith, runPython } from "./tools.js";

/** The Python that has what the generator imports, or null. */
export const generatorPython = () => pythonWith(["pyFAI", "fabio", "numpy"]);

const SCRIPT = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "scripts",
  "fixtures",
  "make_independent_experiment.py",
);
/** Runs the generator as a script: `python3 -c <this> SCRIPT OUTDIR --seed N [--vary]`. */
const AS_SCRIPT =
  "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')";

/** Writes the experiment of `seed` into `dir` (a varied cell with `vary`). */
export function generateExperiment(py: string, dir: string, seed: number, vary = false): void {
  runPython(py, AS_SCRIPT, [SCRIPT, dir, "--seed", String(seed), ...(vary ? ["--vary"] : [])]);
}
