import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeCell, regionInputsOf } from "../../test/support/stack-cells.js";
import { numbers, readCsvSync, strings } from "../results/index.js";
import { PRESETS, type Preset, simulate } from "../simulate/index.js";
import { bandEdges, findRegions, hotBins } from "./regions-find.js";
import { runExperiment } from "./run.js";

const root = mkdtempSync(join(tmpdir(), "swaxs-regions-find-"));

/** Simulate, run the pipeline, and compare regions.csv row by row with the twin's truth. */
async function regionsOf(name: string, p: Preset, seed: number) {
  const dir = join(root, name);
  await simulate(p, dir, { seed });
  await runExperiment(join(dir, "experiment.yaml"));
  const truth = (JSON.parse(readFileSync(join(dir, "truth.json"), "utf8")) as { layers: string[] }).layers;
  const got = new Array<string>(truth.length);
  const t = readCsvSync(join(dir, "results/regions.csv"));
  const rows = numbers(t, "row");
  strings(t, "region").forEach((region, i) => {
    got[rows[i]!] = region;
  });
  const right = got.filter((g, i) => g === truth[i]).length;
  return { right: right / truth.length, msg: `found ${got.join(",")}\ntruth ${truth.join(",")}` };
}

describe("region finding through `swaxs run`, on the twin's cells", () => {
  // the liquid cell on the paper's grid (1 mm steps, 1.5 mm beam: four of its eight rows are split
  // evenly between two layers, and its 1 mm Li foil is never alone in a footprint); the pipeline
  // labels from the initial-OCV sweeps, the only ones simulated here
  it("liquid-electrolyte cell (Cu Kα, Eiger detectors, Li foil anode): every row right", async () => {
    const r = await regionsOf("liquid", { ...PRESETS["paper-liquid"], rows: 8, cols: 1, sweeps: 2 }, 11);
    expect(r.right, r.msg).toBe(1);
  }, 60_000);

  it("solid-state cell, tiny preset (In–Li anode): every row right", async () => {
    const r = await regionsOf("tiny", { ...PRESETS.tiny, sweeps: 2 }, 4);
    expect(r.right, r.msg).toBe(1);
  }, 60_000);

  it("solid-state cell, demo preset: every row right", async () => {
    const r = await regionsOf("demo", { ...PRESETS.demo, cols: 1, sweeps: 2 }, 2);
    expect(r.right, r.msg).toBe(1);
  }, 60_000);
});

describe("hotBins", () => {
  it("flags the bins a hot pixel spoils in most curves, not a sample's Bragg peak", () => {
    const q = Float64Array.from({ length: 200 }, (_, i) => 10 + i * 0.05);
    const peak = (c: number, w: number, a: number) => (v: number) => a * Math.exp(-(((v - c) / w) ** 2));
    const curves = Array.from({ length: 6 }, (_, k) => {
      const y = q.map((v) => 1 + 0.01 * v);
      // a Bragg peak 100 times the background in half the curves
      if (k < 3) for (let i = 0; i < y.length; i++) y[i]! += peak(14, 0.15, 100)(q[i]!);
      // hot pixels: (1 − T)·counts, T differing from curve to curve
      y[120] = y[120]! + 5e3 * (1 - 0.1 * k);
      y[121] = y[121]! + 2e3 * (1 - 0.1 * k);
      return y;
    });
    const hot = hotBins(curves);
    expect([...hot.keys()].filter((i) => hot[i])).toEqual([120, 121]);
  });
  it("votes as the definition does: the median of every window, sorted (its skip of most bins changes nothing)", () => {
    /** The definition itself: every bin's window sorted, no shortcut. */
    const byDefinition = (curves: Float64Array[], half: number, factor: number) => {
      const n = curves[0]!.length;
      const votes = new Int32Array(n);
      for (const y of curves)
        for (let i = 0; i < n; i++) {
          const win: number[] = [];
          for (let j = Math.max(0, i - half); j <= Math.min(n - 1, i + half); j++)
            if (j !== i && Number.isFinite(y[j]!)) win.push(y[j]!);
          if (!win.length || !Number.isFinite(y[i]!)) continue;
          win.sort((a, b) => a - b);
          if (y[i]! > factor * Math.abs(win[win.length >> 1]!) && y[i]! > 0) votes[i]!++;
        }
      return Uint8Array.from(votes, (v) => (v * 2 >= curves.length ? 1 : 0));
    };
    // curves near zero and of both signs (background-subtracted), NaN bins, spikes of any size
    const value = fc.oneof(
      fc.double({ min: -5, max: 5, noNaN: true }),
      fc.double({ min: 1, max: 1e4, noNaN: true }),
      fc.constant(Number.NaN),
      fc.constant(0),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(value, { minLength: 30, maxLength: 30 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 1, max: 30, noNaN: true }),
        (rows, half, factor) => {
          const curves = rows.map((r) => Float64Array.from(r));
          expect(Array.from(hotBins(curves, half, factor))).toEqual(
            Array.from(byDefinition(curves, half, factor)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("bandEdges", () => {
  it("spans the detector's own q range, log-spaced or even", () => {
    const q = Float64Array.from([Number.NaN, 0.1, 0.2, 1, 4]);
    const log = bandEdges(q, 2, true);
    expect(log[0]).toBeCloseTo(0.1, 12);
    expect(log[1]).toBeCloseTo(Math.sqrt(0.4), 12);
    expect(log[2]).toBeCloseTo(4, 12);
    for (const [i, v] of bandEdges(q, 3, false).entries()) expect(v).toBeCloseTo([0.1, 1.4, 2.7, 4][i]!, 12);
  });
});

describe("layers tilted across x (issue 19: per pixel where the layers are tilted)", () => {
  /** Each scan point right, or flagged: uncertain boundaries at its label and at the truth. */
  const judge = (seed: number, mm: number) => {
    const cell = makeCell(seed, { cols: 4, mm });
    const g = cell.grid!;
    const found = findRegions(regionInputsOf(cell));
    const wrong = g.truth.flatMap((t, p) => (found.pixelRoles[p] === t ? [] : [p]));
    const right = wrong.length <= 0.05 * g.truth.length;
    // a wrong point is flagged when its column (or every column) has an uncertain boundary of its
    // label and one of its true layer (one boundary when the two are neighbours in the stack)
    const flagged = wrong.every((p) => {
      const doubt = (role: string) =>
        found.boundaries.some(
          (b) =>
            b.uncertain &&
            (b.col === undefined || b.col === p % g.cols) &&
            (b.below === role || b.above === role),
        );
      return doubt(found.pixelRoles[p]!) && doubt(g.truth[p]!);
    });
    return { found, right, flagged, cell };
  };

  it("12 generated cells tilted by 2–3 rows over 4 columns: each point right, or uncertain where wrong", () => {
    const tally = { right: 0, uncertain: 0, wrong: 0, tiltedFound: 0 };
    const bad: string[] = [];
    for (let seed = 1; seed <= 12; seed++) {
      const { found, right, flagged, cell } = judge(seed, 0.1 + 0.05 * (seed % 2));
      if (found.tilted) tally.tiltedFound++;
      if (right) tally.right++;
      else if (flagged) tally.uncertain++;
      else {
        tally.wrong++;
        bad.push(`seed ${seed}: got ${found.pixelRoles.join(",")}\n truth ${cell.grid!.truth.join(",")}`);
      }
    }
    console.log(`tilted cells (4 columns): ${JSON.stringify(tally)}`);
    expect(bad, bad.join("\n")).toEqual([]);
    // the tilt is found, and labels most cells right point by point (rows alone cannot: a row
    // holds two layers)
    expect(tally.tiltedFound).toBeGreaterThanOrEqual(8);
    expect(tally.right).toBeGreaterThanOrEqual(8);
  });

  it("an untilted cell of several columns keeps one label per row", () => {
    for (const seed of [3, 4, 5]) {
      const { found } = judge(seed, 0);
      expect(found.tilted).toBe(false);
    }
  });
});
