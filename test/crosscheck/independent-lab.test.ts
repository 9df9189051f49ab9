/**
 * `swaxs run` on lab experiments made by independent means: a Li–S cell with a liquid electrolyte
 * measured on a Cu Kα instrument, as the paper's liquid cell, written by
 * `scripts/fixtures/make_independent_experiment.py --lab` with none of this project's code (module
 * docstring there). Unlike the beamline cell it has
 * - a Kα1 + Kα2 doublet (intensity 2:1) painted with pyFAI's `calcfrom1d` at each line's wavelength,
 *   the PONI at Kα1, and the instrumental width measured on a CeO2 frame painted the same way;
 * - an EIGER2-like detector written as Eiger series: `<name>_master.h5` linking data files of 5
 *   frames each (bitshuffle-LZ4), its pixel mask in the master, masked pixels at 2³² − 1, the scan
 *   log's `frame` column indexing the series; 120 s exposures timed at their start in the scan log;
 * - a Neware CSV export (local wall clock, Europe/Berlin in summer; the scan log in UTC);
 * - crystalline sulfur dissolving on the upper plateau (0–25 % SOD) and a sharp graphite line inside
 *   the Li2S window, polysulfides coming and going, a 2.5 % rms frame-to-frame transmission jitter,
 *   so the peak fits subtract the reference state at 25 % SOD (`normalize: {waxs: {reference}}`);
 * - Li2S from 26–30 % SOD, its size growing from L_end/2 to L_end, the size broadening's shape and
 *   the reflections' intensities drawn (texture ×0.5–2, one reflection at ×0.1 with probability 0.3).
 * Checked: the run succeeds, every frame's SOD (within 1 %, and within 0.05 %: a frame timed at the
 * start of its exposure would be 0.14 % early), the Li2S size at the end of the discharge and at
 * 65 % SOD within 10 %, and how often the reported 1σ error covers the truth.
 * Runs where Debian's python3-pyfai, python3-fabio, python3-h5py and bitshuffle are installed.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runExperiment } from "../../src/pipeline/run.js";
import { numbers, RESULTS, readCsvSync, resultPath } from "../../src/results/index.js";
import { generateLabExperiment, labGeneratorPython } from "../support/generator.js";
import { toolAvailable } from "../support/tools.js";
import { sizeNearSod } from "../support/truth.js";

const py = labGeneratorPython();
const run = toolAvailable(
  "python3-pyfai, python3-fabio, python3-h5py and bitshuffle (HDF5 filter 32008)",
  py !== null,
);

/**
 * The seeds, chosen by what they draw before any was run through the pipeline: 3 (size broadening
 * Lorentzian fraction 0.09: Gaussian), 4 (0.94: Lorentzian), 10 (0.96, and the Li2S 111 at 0.1 of
 * its textbook intensity: the 200 carries the size).
 */
const SEEDS = [3, 4, 10];

interface LabTruth {
  /** SOD (0..1) of every scan-log row at the middle of its exposure. */
  frame_sod: number[];
  li2s_size_nm_end_of_discharge: number;
  li2s_onset_sod_pct: number;
  mid_discharge_sod_pct: number;
  li2s_size_nm_mid_discharge: number;
  size_broadening_lorentzian_fraction: number;
  li2s_suppressed_q_nm: number | null;
}

const root = mkdtempSync(join(tmpdir(), "swaxs-independent-lab-"));
/** Every size compared, for the 1σ coverage printed at the end. */
const compared: { seed: number; at: string; z: number }[] = [];

describe.skipIf(!run)(
  "swaxs run on lab cells (Cu Kα doublet, Eiger HDF5, Neware CSV) recovers the truth",
  () => {
    describe.each(SEEDS)("seed %i", (seed) => {
      const dir = join(root, `lab${seed}`);
      const results = join(dir, "results");
      let truth: LabTruth;

      beforeAll(async () => {
        generateLabExperiment(py!, dir, seed);
        truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8"));
        await runExperiment(join(dir, "experiment.yaml"));
        // for the record (not asserted): sweeps before any Li2S exists that were given a size anyway
        const t = readCsvSync(join(results, resultPath.crystallite("Li2S")));
        const sod = numbers(t, "sod_pct");
        const size = numbers(t, "size_nm");
        const early = Array.from(sod.keys())
          .filter((i) => sod[i]! < truth.li2s_onset_sod_pct && Number.isFinite(size[i]!))
          .map((i) => `${sod[i]!.toFixed(1)} % SOD: ${size[i]!.toPrecision(3)} nm`);
        if (early.length)
          console.log(
            `seed ${seed}: Li2S sizes before its onset (${truth.li2s_onset_sod_pct.toFixed(1)} % SOD): ${early.join(", ")}`,
          );
      }, 90_000);

      it("every frame's SOD within 1 % of the truth, and within 0.05 % (frames at mid-exposure)", () => {
        const frames = readCsvSync(join(results, RESULTS.frames.path));
        const index = numbers(frames, "index");
        const sod = numbers(frames, "sod_pct");
        expect(index.length).toBe(truth.frame_sod.length);
        let worst = 0;
        index.forEach((k, i) => {
          const dev = Math.abs(sod[i]! - 100 * truth.frame_sod[k]!);
          expect(dev, `frame ${k}`).toBeLessThan(1);
          worst = Math.max(worst, dev);
        });
        console.log(`seed ${seed}: frames' SOD within ${worst.toPrecision(2)} % of the truth`);
        // the scan log times each 120 s exposure at its start: half of it is 0.14 % SOD at C/20
        expect(worst).toBeLessThan(0.05);
      });

      it.each([
        ["the end of the discharge (100 % SOD)", 100, 0.5],
        ["mid-discharge (65 % SOD)", 65, 1],
      ] as const)("Li2S size at %s within 10 per cent of the truth", (_at, pct, sodTol) => {
        const want = pct === 100 ? truth.li2s_size_nm_end_of_discharge : truth.li2s_size_nm_mid_discharge;
        expect(truth.mid_discharge_sod_pct).toBe(65);
        const got = sizeNearSod(results, "Li2S", pct);
        const line =
          `seed ${seed} (Lorentzian fraction ${truth.size_broadening_lorentzian_fraction.toFixed(2)}` +
          `${truth.li2s_suppressed_q_nm === null ? "" : `, reflection at q ${truth.li2s_suppressed_q_nm.toFixed(2)} suppressed`}):` +
          ` Li2S size at ${got?.sodPct.toFixed(2)} % SOD ${got?.size.toFixed(3)} ± ${got?.err.toFixed(3)} nm,` +
          ` truth ${want.toFixed(3)} nm (${got ? (100 * (got.size / want - 1)).toFixed(1) : "?"} %)`;
        console.log(line);
        expect(got, line).not.toBeNull();
        // the sweep measured there: the rest after the discharge, or the sweep centred on 65 % SOD (its
        // cathode points 63.0–65.6 % SOD, over which the true size changes by < 1 %)
        expect(Math.abs(got!.sodPct - pct), line).toBeLessThan(sodTol);
        if (Number.isFinite(got!.size) && Number.isFinite(got!.err) && got!.err > 0)
          compared.push({ seed, at: pct === 100 ? "end" : "mid", z: (got!.size - want) / got!.err });
        expect(Number.isFinite(got!.size), `${line}: no size`).toBe(true);
        expect(Math.abs(got!.size / want - 1), line).toBeLessThan(0.1);
      });
    });

    // a 1σ covers the truth ~68 % of the time (4.1 ± 1.1 of 6); measured 5 of 6, all within 2σ
    it("the sizes' 1σ covers the truth in at least 3 of the 6 comparisons, 2σ in all", () => {
      const note = compared.map((c) => `seed ${c.seed} ${c.at} ${c.z.toFixed(2)}σ`).join(", ");
      const covered = compared.filter((c) => Math.abs(c.z) <= 1).length;
      console.log(
        `Li2S size: the 1σ error bar covers the truth in ${covered} of ${compared.length} (${note})`,
      );
      expect(compared, note).toHaveLength(2 * SEEDS.length);
      expect(covered, note).toBeGreaterThanOrEqual(3);
      for (const c of compared) expect(Math.abs(c.z), note).toBeLessThan(2);
    });
  },
);
