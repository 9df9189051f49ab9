/**
 * The independent experiment generator (scripts/fixtures/make_independent_experiment.py: pyFAI,
 * fabio, numpy, none of this project's code), run from the tests with Debian's Python.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { h5pyHasFilter, pythonWith, runPython } from "./tools.js";

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
/** Runs the generator as a script: `python3 -c <this> SCRIPT OUTDIR --seed N [--vary | --lab]`. */
const AS_SCRIPT =
  "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')";

/** Writes the experiment of `seed` into `dir` (a varied cell with `vary`). */
export function generateExperiment(py: string, dir: string, seed: number, vary = false): void {
  runPython(py, AS_SCRIPT, [SCRIPT, dir, "--seed", String(seed), ...(vary ? ["--vary"] : [])]);
}

/**
 * The Python that can also write the --lab experiment's Eiger files (h5py, bitshuffle-LZ4 through
 * Debian's python3 bitshuffle or hdf5plugin, and HDF5 filter 32008 to read them back), or null.
 */
export function labGeneratorPython(): string | null {
  const base = ["pyFAI", "fabio", "numpy", "h5py"];
  const py = pythonWith([...base, "bitshuffle.h5"]) ?? pythonWith([...base, "hdf5plugin"]);
  return py !== null && h5pyHasFilter(py, 32008) ? py : null;
}

/**
 * Writes the --lab experiment of `seed` into `dir`: a Li–S liquid-electrolyte cell on a Cu Kα lab
 * instrument (Kα1+Kα2 frames as Eiger HDF5 series, a Neware CSV, reference-state normalisation).
 */
export function generateLabExperiment(py: string, dir: string, seed: number): void {
  runPython(py, AS_SCRIPT, [SCRIPT, dir, "--seed", String(seed), "--lab"]);
}
