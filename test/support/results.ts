/** A results folder of `swaxs run` on a small digital twin, made once per test file. */
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
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

/** Every file under `d`, relative, sorted. */
export function filesUnder(d: string): string[] {
  return readdirSync(d, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(d, f)).isFile())
    .sort();
}

/**
 * Two results folders hold the same results: the same files, every CSV byte for byte, every HDF5
 * dataset value for value (the dates of writing aside). Returns the number of files compared.
 */
export async function expectSameResults(want: string, got: string): Promise<number> {
  const names = filesUnder(want);
  expect(filesUnder(got)).toEqual(names);
  const csvs = names.filter((f) => f.endsWith(".csv"));
  expect(csvs.length).toBeGreaterThan(10);
  for (const f of csvs)
    expect(readFileSync(join(got, f), "utf8"), f).toBe(readFileSync(join(want, f), "utf8"));
  const h5s = names.filter((x) => x.endsWith(".h5"));
  for (const f of h5s) {
    const [a, b] = [await openH5(join(want, f)), await openH5(join(got, f))];
    try {
      let compared = 0;
      const walk = (path: string) => {
        const e = a.get(path);
        if (e && "keys" in e)
          for (const k of (e as { keys(): string[] }).keys()) walk(`${path === "/" ? "" : path}/${k}`);
        else if (e && "value" in e && !/\/date$/.test(path)) {
          expect((b.get(path) as { value: unknown }).value, `${f}:${path}`).toEqual(
            (e as { value: unknown }).value,
          );
          compared++;
        }
      };
      walk("/");
      expect(compared, f).toBeGreaterThan(3);
    } finally {
      a.close();
      b.close();
    }
  }
  return csvs.length + h5s.length;
}
