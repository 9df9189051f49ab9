/**
 * Region labelling (issue 19) on experiments made by independent means with the cell itself varied:
 * `scripts/fixtures/make_independent_experiment.py --vary` draws the layer thicknesses (cathode and
 * separator 1.5–4 rows, anode 0.7–2 rows, boundaries anywhere, 8–12 rows), the beam height (0.3–1.3
 * rows, so rows near a boundary and at the edges mix two layers), the transmissions, each phase's
 * intensities and the Li2S reflections' (×0.5–2, independently), the peak shape (Gaussian to
 * Lorentzian), the Li2S size and the photon count (noise), and paints the frames with pyFAI's
 * `calcfrom1d` as independent-experiment.test.ts's cell. A grid point's true label is the layer at its
 * row's centre. Every cell must be labelled right (≥ 95 % of grid points) or be flagged where it is
 * wrong: every wrong row within 1.5 rows of a boundary run.json marks uncertain (the criterion of
 * src/analysis/stack-labels.test.ts) — never wrong and confident.
 * The same cells check the crystallite size (issue 20): at the end of the discharge within 10 %.
 * Runs where Debian's python3-pyfai, python3-fabio and numpy are installed (always under CI).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runExperiment } from "../../src/pipeline/run.js";
import {
  numbers,
  RESULTS,
  type RegionBoundary,
  readCsvSync,
  resultPath,
  strings,
} from "../../src/results/index.js";
import { generateExperiment, generatorPython } from "../support/generator.js";
import { toolAvailable } from "../support/tools.js";
import { endOfDischargeSize } from "../support/truth.js";

const py = generatorPython();
const run = toolAvailable("python3-pyfai, python3-fabio and numpy", py !== null);

/** The seeds, fixed before any was run (1–8, none left out). */
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

/** The 1σ of the size endOfDischargeSize reads (the same row of crystallite/<peak>.csv). */
function endOfDischargeSizeErr(results: string, peak: string): number | null {
  const t = readCsvSync(join(results, resultPath.crystallite(peak)));
  const sod = numbers(t, "sod_pct");
  const size = numbers(t, "size_nm");
  const k = Array.from(sod).findIndex((s, i) => s > 90 && Number.isFinite(size[i]!));
  return k >= 0 ? numbers(t, "size_err_nm")[k]! : null;
}

const root = mkdtempSync(join(tmpdir(), "swaxs-independent-regions-"));

interface VariedTruth {
  rows: number;
  cols: number;
  /** The layer at each row's centre. */
  layers: string[];
  vary: { boundaries_rows: number[]; beam_height_rows: number };
}

interface Verdict {
  /** Grid points labelled as the truth, wrong but within 1.5 rows of an uncertain boundary, wrong and confident. */
  right: number;
  flagged: number;
  confident: number;
  /** Wrong rows with no uncertain boundary within 1.5 rows. */
  confidentRows: number[];
  pass: boolean;
}

/** Each grid point (row, region) judged against the truth and the boundaries run.json flags. */
function judge(layers: string[], row: Float64Array, region: string[], boundaries: RegionBoundary[]): Verdict {
  const flaggedNear = (r: number) =>
    boundaries.some((b) => b.uncertain && Math.abs(0.5 * (b.rows[0] + b.rows[1]) - r) <= 1.5);
  const v: Verdict = { right: 0, flagged: 0, confident: 0, confidentRows: [], pass: false };
  region.forEach((label, i) => {
    const r = row[i]!;
    if (label === layers[r]) v.right++;
    else if (flaggedNear(r)) v.flagged++;
    else {
      v.confident++;
      if (!v.confidentRows.includes(r)) v.confidentRows.push(r);
    }
  });
  v.pass = v.right >= 0.95 * region.length || v.confident === 0;
  return v;
}

const short = (l: string) => l[0]!;

describe.skipIf(!run)(
  "regions on independent experiments with varied cells: right, or uncertain where wrong",
  () => {
    const untextured: number[] = [];
    const sizes: { seed: number; dev: number; relErr: number; covered: boolean }[] = [];
    it.each(SEEDS)(
      "seed %i",
      async (seed) => {
        const d = join(root, `vary${seed}`);
        generateExperiment(py!, d, seed, true);
        const truth = JSON.parse(readFileSync(join(d, "truth.json"), "utf8")) as VariedTruth;
        await runExperiment(join(d, "experiment.yaml"));

        const t = readCsvSync(join(d, "results", RESULTS.regions.path));
        const row = numbers(t, "row");
        const col = numbers(t, "col");
        const region = strings(t, "region");
        expect(region).toHaveLength(truth.rows * truth.cols);
        const { boundaries } = (
          JSON.parse(readFileSync(join(d, "results", "run.json"), "utf8")) as {
            regions: { boundaries: RegionBoundary[] };
          }
        ).regions;
        const v = judge(truth.layers, row, region, boundaries);

        // one line per cell for the record: the tally, then truth and labels (first letters, by row)
        const got = truth.layers.map((_, r) => region.find((_, i) => row[i] === r && col[i] === 0) ?? "?");
        const where = boundaries
          .map(
            (b) =>
              `${short(b.below)}|${short(b.above)}@${0.5 * (b.rows[0] + b.rows[1])}` +
              `(m ${b.margin}${b.uncertain ? ", uncertain" : ""})`,
          )
          .join(" ");
        const line =
          `seed ${seed}: ${truth.rows} rows, beam ${truth.vary.beam_height_rows.toFixed(2)} rows;` +
          ` right ${v.right}/${region.length}, wrong but flagged uncertain ${v.flagged},` +
          ` wrong and confident ${v.confident}${v.pass ? "" : " FAIL"};` +
          ` truth ${truth.layers.map(short).join("")} (boundaries at` +
          ` ${truth.vary.boundaries_rows.map((b) => b.toFixed(2)).join(", ")}),` +
          ` labels ${got.map(short).join("")}; run.json ${where}`;
        console.log(line);
        expect(v.pass, `${line}\n wrong and confident at rows ${v.confidentRows.join(", ")}`).toBe(true);

        // issue 20: the Li2S crystallite size at the end of the discharge within 10 % whatever the
        // reflections' relative intensities (texture) and the size broadening's shape (the peak model
        // of the config's defaults: areas "auto", shape "fitted")
        const size = endOfDischargeSize(join(d, "results"), "Li2S");
        const want = (truth as unknown as { li2s_size_nm_end_of_discharge: number })
          .li2s_size_nm_end_of_discharge;
        console.log(
          `seed ${seed}: Li2S size at the end of discharge ${size?.toFixed(2)} nm, truth ${want.toFixed(2)} nm`,
        );
        expect(size).not.toBeNull();
        expect(Math.abs(size! / want - 1)).toBeLessThan(0.1);
        // its 1σ (the fit's and the model's: tied vs free areas), judged over all seeds below
        const err = endOfDischargeSizeErr(join(d, "results"), "Li2S")!;
        sizes.push({
          seed,
          dev: size! / want - 1,
          relErr: err / want,
          covered: Math.abs(size! - want) <= err,
        });

        // per-reflection tracking: at the end of the discharge each Li2S line's own fit puts it where
        // the generator did, and the (200)/(111) area ratio over the texture factors the generator
        // drew is the untextured ratio, the same on every cell (checked after the last seed)
        const lines = readCsvSync(join(d, "results", resultPath.reflections("Li2S")));
        const sod = numbers(lines, "sod_pct");
        const end = Array.from(sod).findIndex(
          (v, i) => v > 90 && Number.isFinite(numbers(lines, "area_200")[i]!),
        );
        expect(end).toBeGreaterThanOrEqual(0);
        const tex = (
          truth as unknown as { vary: { li2s_texture: { q_nm: number; h2k2l2: number; factor: number }[] } }
        ).vary.li2s_texture;
        const drawn = (h2: number) => tex.find((x) => x.h2k2l2 === h2)!;
        // within 0.03 nm⁻¹, or 3σ of a weak line's own centre (a (200) at ×0.55 texture: σ 0.019)
        for (const [hkl, h2] of [
          ["111", 3],
          ["200", 4],
        ] as const) {
          const got = numbers(lines, `center_q_${hkl}`)[end]!;
          const err = numbers(lines, `center_q_${hkl}_err`)[end]!;
          expect(Math.abs(got - drawn(h2).q_nm), `(${hkl}) ${got} ± ${err}`).toBeLessThan(
            Math.max(0.03, 3 * err),
          );
        }
        const ratio = numbers(lines, "area_200")[end]! / numbers(lines, "area_111")[end]!;
        untextured.push(ratio / (drawn(4).factor / drawn(3).factor));
      },
      120_000,
    );

    // a 1σ covers the truth ~68 % of the time: 5.4 ± 1.3 of 8 cells; at least 4 here (measured: 5,
    // all within 2σ; the fit's σ alone covered 1), with σ a few % (a huge σ would cover everything)
    it("the size's 1σ covers the truth on at least 4 of the 8 cells, 2σ on all, its median under 6 % of it", () => {
      expect(sizes).toHaveLength(SEEDS.length);
      const note = sizes
        .map((x) => `seed ${x.seed}: ${(100 * x.dev).toFixed(1)} % ± ${(100 * x.relErr).toFixed(1)} %`)
        .join("; ");
      console.log(`Li2S size at the end of discharge vs truth: ${note}`);
      expect(sizes.filter((x) => x.covered).length, note).toBeGreaterThanOrEqual(4);
      for (const x of sizes) expect(Math.abs(x.dev), note).toBeLessThan(2 * x.relErr);
      const rel = sizes.map((x) => x.relErr).sort((a, b) => a - b);
      expect(rel[rel.length >> 1]!, note).toBeLessThan(0.06);
    });

    it("the (200)/(111) area ratio, texture taken out, is one number on every cell (within ±20 %)", () => {
      expect(untextured).toHaveLength(SEEDS.length);
      const mean = untextured.reduce((a, b) => a + b, 0) / untextured.length;
      console.log(
        `Li2S (200)/(111) areas over the drawn texture: ${untextured.map((v) => v.toFixed(3)).join(", ")}`,
      );
      for (const v of untextured) expect(Math.abs(v / mean - 1)).toBeLessThan(0.2);
    });
  },
);
