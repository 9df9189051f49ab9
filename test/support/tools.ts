/**
 * Cross-checks against the field's reference tools (pyFAI, fabio, h5py, …) run only where those
 * tools are installed. Where one is missing the test is skipped with a plain message; under
 * CI=true a missing tool is a failure instead, because `.ci/run` installs them all.
 */
import { spawnSync } from "node:child_process";

const PYTHONS = ["/usr/bin/python3", "python3"];
const cache = new Map<string, string | null>();

/** A python3 executable that can import every module named, or null. */
export function pythonWith(modules: string[]): string | null {
  const key = modules.join(",");
  if (cache.has(key)) return cache.get(key) ?? null;
  let found: string | null = null;
  for (const exe of PYTHONS) {
    const r = spawnSync(exe, ["-c", modules.map((m) => `import ${m}`).join("; ")], { encoding: "utf8" });
    if (r.status === 0) {
      found = exe;
      break;
    }
  }
  cache.set(key, found);
  return found;
}

/**
 * Whether h5py under `py` can decode HDF5 filter `id` (e.g. 32004, LZ4, from Debian's
 * hdf5-filter-plugin): a cross-check that reads such data needs exactly that, not just h5py.
 */
export function h5pyHasFilter(py: string | null, id: number): boolean {
  if (!py) return false;
  const r = spawnSync(py, ["-c", `import sys, h5py; sys.exit(0 if h5py.h5z.filter_avail(${id}) else 1)`]);
  return r.status === 0;
}

/**
 * Decide whether a cross-check with an external tool runs. Returns true when it should run.
 * Prints why it skips; throws under CI=true, where every tool must be present.
 */
export function toolAvailable(what: string, present: boolean): boolean {
  if (present) return true;
  const msg = `${what} is not installed: cross-check skipped (\`.ci/run\` installs it)`;
  if (process.env.CI === "true") throw new Error(`CI=true and ${msg}`);
  console.warn(`SKIP: ${msg}`);
  return false;
}

/** Run a python snippet with the given interpreter; returns stdout, throws with stderr on failure. */
export function runPython(exe: string, code: string, args: string[] = []): string {
  const r = spawnSync(exe, ["-c", code, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout;
}
