/**
 * The SAXS Porod products and the extra measurements of `swaxs run` (config `saxs:` and `extra:`,
 * issue 15) on the digital twin:
 * - a cell whose sulfur converts outside the pores (the twin's `poreConversion: "outside"`: the
 *   pore contrast stays) gives an invariant ratio within its detection limit at every sweep;
 * - the twin's default cell (conversion inside the pores) moves the cathode's invariant beyond the
 *   limit, by no more than the contrast calculator's expectation (an upper bound: the cell's other
 *   scattering does not change);
 * - an extra frame made independently (pyFAI's calcfrom1d paints a known curve, fabio writes it as
 *   EDF) comes back from a whole run (reduced by the detector's own reducer, beside its frames)
 *   within 1e-3 of pyFAI's own integrate1d of it with the same geometry and mask;
 * - a missing extra file is one line naming its config key.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { numbers, readCsvSync, strings } from "../results/index.js";
import { PRESETS, simulate } from "../simulate/index.js";
import { InputError } from "../util/index.js";
import { loadConfig } from "./config.js";
import { runExperiment } from "./run.js";

const root = mkdtempSync(join(tmpdir(), "swaxs-saxs-"));
const stable = join(root, "stable");
const inPores = join(root, "pores");
const small = { ...PRESETS.tiny, sweeps: 5 };

beforeAll(async () => {
  await simulate({ ...small, poreConversion: "outside" }, stable, { seed: 11 });
  await runExperiment(join(stable, "experiment.yaml"));
  await simulate(small, inPores, { seed: 11 });
  await runExperiment(join(inPores, "experiment.yaml"));
}, 240_000);

function summary(dir: string): Record<string, Record<string, string>> {
  const t = readCsvSync(join(dir, "results", "saxs", "porod_summary.csv"));
  const regions = strings(t, "region");
  return Object.fromEntries(
    regions.map((r, k) => [r, Object.fromEntries(t.header.map((h, j) => [h, t.rows[k]![j]!]))]),
  );
}

describe("SAXS stability metric on the twin", () => {
  it("a cell converting outside the pores: every sweep's cathode Q*/Q*₀ within the detection limit", () => {
    const s = summary(stable).cathode!;
    expect(s.within_limit).toBe("yes");
    const ratio = numbers(
      readCsvSync(join(stable, "results", "saxs", "porod_cathode_saxs.csv")),
      "invariant_ratio",
    );
    const limit = Number(s.detection_limit);
    expect(limit).toBeGreaterThan(0);
    expect(limit).toBeLessThan(0.05);
    for (const r of ratio) expect(Math.abs(r - 1)).toBeLessThanOrEqual(limit);
  });

  it("the twin's cell converting in the pores: a change beyond the limit, at most the contrast's expectation", () => {
    const s = summary(inPores).cathode!;
    expect(s.within_limit).toBe("no");
    const final = Number(s.final_ratio);
    const expected = Number(s.expected_ratio);
    // design contrast's factor for the paper's phases and 25 % filling: 0.756
    expect(expected).toBeCloseTo(0.756, 3);
    expect(final).toBeLessThan(1 - Number(s.detection_limit));
    expect(final).toBeGreaterThanOrEqual(expected);
    const run = JSON.parse(readFileSync(join(inPores, "results", "run.json"), "utf8"));
    expect(run.saxs.expected_ratio).toBeCloseTo(expected, 6);
    expect(run.saxs.regions.cathode.within_limit).toBe(false);
  });

  it("maps every point's invariant per sweep with its ratio to the point's own OCV mean", () => {
    const t = readCsvSync(join(stable, "results", "saxs", "invariant_map_saxs.csv"));
    const frames = readCsvSync(join(stable, "results", "frames.csv"));
    expect(t.rows.length).toBe(strings(frames, "detector").filter((d) => d === "saxs").length);
    const reg = readCsvSync(join(stable, "results", "regions.csv"));
    const cathodeRows = new Set(
      numbers(reg, "row").filter((_, k) => strings(reg, "region")[k] === "cathode"),
    );
    const rows = numbers(t, "row");
    const ratio = numbers(t, "ratio");
    const err = numbers(t, "ratio_err");
    let n = 0;
    rows.forEach((r, k) => {
      if (!cathodeRows.has(r)) return;
      // a stable cathode point: its ratio within 5σ of 1 (its own Poisson σ)
      expect(Math.abs(ratio[k]! - 1)).toBeLessThan(5 * err[k]! + 1e-3);
      n++;
    });
    expect(n).toBeGreaterThan(0);
  });
});

describe("extra measurements", () => {
  it("the simulator's pristine carbon is integrated into extra/pristine_carbon_saxs.csv", () => {
    const t = readCsvSync(join(stable, "results", "extra", "pristine_carbon_saxs.csv"));
    expect(t.header).toEqual(["radial", "intensity", "sigma"]);
    expect(numbers(t, "intensity").filter((v) => v > 0).length).toBeGreaterThan(100);
  });

  const py = pythonWith(["pyFAI", "fabio", "numpy"]);
  it.runIf(toolAvailable("python3-pyfai + python3-fabio", py !== null))(
    "an independent frame (pyFAI calcfrom1d, written by fabio) agrees with pyFAI's integrate1d within 1e-3",
    async () => {
      const exposureS = 2;
      const monitor = 5000;
      const out = runPython(
        py!,
        `
import sys, json, numpy as np, fabio, pyFAI
d, expo, mon = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
ai = pyFAI.load(d + "/saxs.poni")
mask = (fabio.open(d + "/saxs_mask.edf").data != 0) | (ai.detector.mask != 0)
q = np.linspace(0.01, 12, 2000)
I = 4000 * np.exp(-q / 1.2) + 300 / (1 + (q - 2.1) ** 2 / 0.1) + 50
img = ai.calcfrom1d(q, I, dim1_unit="q_nm^-1", correctSolidAngle=True, polarization_factor=0.99)
img = np.rint(np.nan_to_num(img)).astype(np.int32)
fabio.edfimage.EdfImage(data=img).write(d + "/extra_known.edf")
r = ai.integrate1d(img, 500, unit="q_nm^-1", method=("bbox", "csr", "cython"), correctSolidAngle=True,
    polarization_factor=0.99, error_model="poisson", mask=mask, normalization_factor=expo * mon)
print(json.dumps({"radial": r.radial.tolist(), "I": r.intensity.tolist()}))
`,
        [stable, String(exposureS), String(monitor)],
      );
      const ref = JSON.parse(out) as { radial: number[]; I: number[] };
      const cfg = await loadConfig(join(stable, "experiment.yaml"));
      expect(cfg.detectors.saxs!.npt).toBe(500);
      // the whole run, its frames and this extra measurement reduced side by side
      const yaml = readFileSync(join(stable, "experiment.yaml"), "utf8")
        .replace(
          /extra: .*\n/,
          `extra: [{name: known, detector: saxs, file: extra_known.edf, exposure_s: ${exposureS}, monitor: ${monitor}}]\n`,
        )
        .replace(/^out: .*$/m, "out: results-known");
      writeFileSync(join(stable, "known.yaml"), yaml);
      await runExperiment(join(stable, "known.yaml"));
      const t = readCsvSync(join(stable, "results-known", "extra", "known_saxs.csv"));
      const curve = { radial: numbers(t, "radial"), intensity: numbers(t, "intensity") };
      let worstQ = 0;
      let worstI = 0;
      let compared = 0;
      ref.radial.forEach((q, j) => {
        worstQ = Math.max(worstQ, Math.abs(curve.radial[j]! / q - 1));
        if (!(ref.I[j]! > 0)) return;
        worstI = Math.max(worstI, Math.abs(curve.intensity[j]! / ref.I[j]! - 1));
        compared++;
      });
      console.log(
        `extra vs pyFAI: ${compared} bins, worst |ΔI/I| ${worstI.toExponential(2)}, |Δq/q| ${worstQ.toExponential(2)}`,
      );
      expect(compared).toBeGreaterThan(300);
      expect(worstQ).toBeLessThan(1e-6);
      expect(worstI).toBeLessThan(1e-3);
    },
  );

  it("a missing extra file is one line naming extra[0].file", async () => {
    const yaml = readFileSync(join(stable, "experiment.yaml"), "utf8").replace(
      /extra: .*\n/,
      "extra: [{name: composite, detector: saxs, file: nowhere.cbf}]\n",
    );
    const file = join(stable, "missing-extra.yaml");
    writeFileSync(file, yaml);
    const err = await loadConfig(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const msg = (err as Error).message;
    expect(msg).not.toContain("\n");
    expect(msg).toContain("extra[0].file: file not found:");
    expect(msg).toContain("nowhere.cbf");
  });
});
