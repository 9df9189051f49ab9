import { describe, expect, it } from "vitest";
import { addPseudoVoigt, reflections } from "../physics/index.js";
import { Rng } from "../simulate/rng.js";
import { forgetGridColumns, gridColumns } from "./peak-grid.js";
import { fitPhasePeaks, type PeakFitOptions } from "./peaks.js";

const WL = 7.749e-11;
const LI2S = reflections("Li2S", WL, 25, 15);
const Q = Float64Array.from({ length: 601 }, (_, i) => 12 + i * 0.025);

/** A Li2S-like curve of the given width on a sloped background, with Poisson-like noise. */
function curve(fwhm: number, scale: number, seed: number) {
  const rng = new Rng(seed);
  const mean = Q.map((q) => 2e3 - 30 * (q - 20));
  for (const r of LI2S) addPseudoVoigt(mean, Q, r.qNm * 1.004, fwhm, 0.6, scale * r.intensity, 8);
  return { y: mean.map((v) => rng.poisson(v)), sigma: mean.map((v) => Math.sqrt(Math.max(v, 1))) };
}

describe("the kept grid columns of the peak fits", () => {
  it("give each fit exactly the result it gets with nothing kept (tied and free areas, η tied and free)", () => {
    const optionSets: PeakFitOptions[] = [
      { window: [15.5, 24.5], reflections: LI2S, instrumentFwhmQ: 0.12 },
      { window: [15.5, 24.5], reflections: LI2S, amplitudes: "free", eta: "free", backgroundDegree: 2 },
    ];
    const curves = [curve(3.2, 4e3, 1), curve(0.8, 2e3, 2), curve(1.5, 0, 3)];
    for (const opts of optionSets) {
      // each curve fitted alone, nothing kept
      const cold = curves.map((c) => {
        forgetGridColumns();
        return fitPhasePeaks(Q, c.y, c.sigma, opts);
      });
      // then one after another, each finding the columns the ones before it drew
      forgetGridColumns();
      const warm = curves.map((c) => fitPhasePeaks(Q, c.y, c.sigma, opts));
      const again = curves.map((c) => fitPhasePeaks(Q, c.y, c.sigma, opts));
      expect(warm).toEqual(cold);
      expect(again).toEqual(cold);
      expect(cold.some((f) => f.ok)).toBe(true);
    }
  });

  it("are the pseudo-Voigts of the node, kept over their support only", () => {
    forgetGridColumns();
    const refl = LI2S.map((r) => ({ qNm: r.qNm, rel: r.intensity }));
    const spec = { qw: Q, refl, ratio: true, cut: 8, gammas: [0.5, 2], etas: [0.3, 0.9], steps: [40, 10] };
    const node = gridColumns(spec)(1, 7);
    const s = 0.95 + (0.1 * 7) / 10;
    const want = new Float64Array(Q.length);
    for (const r of refl) addPseudoVoigt(want, Q, s * r.qNm, 2, 0.9, r.rel, 8);
    const got = new Float64Array(Q.length);
    got.set(node.cols[0]!, node.lo[0]!);
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(want.slice(0, node.lo[0]!).every((v) => v === 0)).toBe(true);
    expect(want.slice(node.hi[0]!).every((v) => v === 0)).toBe(true);
    // the same node again is the kept one; another q axis draws its own
    expect(gridColumns(spec)(1, 7)).toBe(node);
    expect(gridColumns({ ...spec, qw: Q.map((q) => q + 0.01) })(1, 7)).not.toBe(node);
  });
});
