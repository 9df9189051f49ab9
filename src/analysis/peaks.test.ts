import { describe, expect, it } from "vitest";
import { crystalliteSize } from "../physics/index.js";
import { addPowderPattern } from "../physics/profile.js";
import { reflections } from "../physics/reflections.js";
import { Rng } from "../simulate/rng.js";
import { fitPhasePeaks } from "./peaks.js";

// the simulator's wavelength preset and the pipeline's Li2S window (issue 5)
const WL = 7.749e-11;
const LI2S = reflections("Li2S", WL, 25, 15);
const ARGYRODITE = reflections("Li6PS5Cl", WL, 25, 15);
const WINDOW: [number, number] = [15.5, 24.5];
const INSTRUMENT = 0.12;
const SIZES = [1.0, 1.75, 2.7, 5];
const Q = Float64Array.from({ length: 1001 }, (_, i) => 10 + i * 0.02);

/** Counts: scale × Li2S pattern of the given size + a linear background. */
function li2sCurve(sizeNm: number, scale: number, bg: (q: number) => number): Float64Array {
  const y = new Float64Array(Q.length);
  addPowderPattern(y, Q, LI2S, { scale, sizeNm, instrumentFwhmNm: INSTRUMENT });
  for (let i = 0; i < Q.length; i++) y[i]! += bg(Q[i]!);
  return y;
}

/** Poisson counts around the mean curve, and σ = √mean. */
function noisy(mean: Float64Array, rng: Rng): { y: Float64Array; sigma: Float64Array } {
  return {
    y: mean.map((v) => rng.poisson(v)),
    sigma: mean.map((v) => Math.sqrt(Math.max(v, 1))),
  };
}

const BG = (q: number) => 3e4 - 400 * (q - 20);

function sizeOf(y: Float64Array, sigma: Float64Array | null, eta?: "free") {
  const fit = fitPhasePeaks(Q, y, sigma, {
    window: WINDOW,
    reflections: LI2S,
    instrumentFwhmQ: INSTRUMENT,
    eta,
  });
  return { fit, size: crystalliteSize(fit.fwhmQ, fit.fwhmErr, { instrumentFwhmQ: INSTRUMENT }) };
}

describe("fitPhasePeaks on the digital twin's Li2S", () => {
  it.each(SIZES)("noise-free, %s nm: size within 1 % (η tied by TCH and η free)", (sizeNm) => {
    const y = li2sCurve(sizeNm, 3e4, BG);
    for (const eta of [undefined, "free"] as const) {
      const { fit, size } = sizeOf(y, null, eta);
      expect(fit.ok, fit.message).toBe(true);
      expect(Math.abs(size.sizeNm / sizeNm - 1)).toBeLessThan(0.01);
      expect(Math.abs(fit.scale / 3e4 - 1)).toBeLessThan(0.01);
      expect(fit.latticeScale).toBeCloseTo(1, 4);
      expect(fit.centerQ).toBeCloseTo(LI2S[0]!.qNm, 3);
      expect(fit.background[0]).toBeCloseTo(BG(fit.backgroundQ0), -1);
      for (const v of fit.model) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it.each(SIZES)("Poisson noise, %s nm: size within 5 %, 0.5 % strain found", (sizeNm) => {
    // a lattice expanded by 0.5 %: the reflections sit at q/1.005
    const shifted = LI2S.map((r) => ({ ...r, qNm: r.qNm / 1.005 }));
    const mean = new Float64Array(Q.length);
    addPowderPattern(mean, Q, shifted, { scale: 3e4, sizeNm, instrumentFwhmNm: INSTRUMENT });
    for (let i = 0; i < Q.length; i++) mean[i]! += BG(Q[i]!);
    const { y, sigma } = noisy(mean, new Rng(11 + sizeNm * 100));
    const { fit, size } = sizeOf(y, sigma);
    expect(fit.ok, fit.message).toBe(true);
    expect(Math.abs(size.sizeNm / sizeNm - 1)).toBeLessThan(0.05);
    expect(Math.abs(fit.latticeScale - 1 / 1.005)).toBeLessThan(4 * fit.latticeScaleErr + 1e-4);
    expect(fit.chi2red).toBeGreaterThan(0.8);
    expect(fit.chi2red).toBeLessThan(1.2);
  });

  it("error bars cover the true size in about 68 % of 50 noisy repeats, at every size", () => {
    const rng = new Rng(2024);
    for (const sizeNm of SIZES) {
      const mean = li2sCurve(sizeNm, 3e4, BG);
      let covered = 0;
      let pulls = 0;
      for (let rep = 0; rep < 50; rep++) {
        const { y, sigma } = noisy(mean, rng);
        const { fit, size } = sizeOf(y, sigma);
        expect(fit.ok, fit.message).toBe(true);
        const pull = (size.sizeNm - sizeNm) / size.sizeErrNm;
        if (Math.abs(pull) <= 1) covered++;
        pulls += pull * pull;
      }
      // binomial(50, 0.683): sd 0.066, so 0.48 … 0.88 is ±3 sd
      expect(covered / 50, `size ${sizeNm}`).toBeGreaterThan(0.48);
      expect(covered / 50, `size ${sizeNm}`).toBeLessThan(0.88);
      expect(Math.sqrt(pulls / 50), `rms pull, size ${sizeNm}`).toBeLessThan(1.5);
    }
  });

  it("Li2S on top of Li6PS5Cl: fitted on the region curve minus its initial-OCV curve", () => {
    const rng = new Rng(5);
    const argyrodite = new Float64Array(Q.length);
    // the separator's argyrodite, large crystallites: narrow peaks right beside the Li2S ones
    addPowderPattern(argyrodite, Q, ARGYRODITE, { scale: 5e4, sizeNm: 40, instrumentFwhmNm: INSTRUMENT });
    const ocvFrames = 16;
    for (const sizeNm of SIZES) {
      const ocvMean = argyrodite.map((v, i) => v + BG(Q[i]!));
      const nowMean = li2sCurve(sizeNm, 2e4, (q) => BG(q) + 200 * (q - 20)).map((v, i) => v + argyrodite[i]!);
      // OCV curve: the mean of 16 frames, so its σ is √(mean/16)
      const ocv = ocvMean.map((v) => {
        let s = 0;
        for (let k = 0; k < ocvFrames; k++) s += rng.poisson(v);
        return s / ocvFrames;
      });
      const now = noisy(nowMean, rng);
      const diff = now.y.map((v, i) => v - ocv[i]!);
      const sigma = ocvMean.map((v, i) => Math.sqrt(now.sigma[i]! ** 2 + v / ocvFrames));
      const { fit, size } = sizeOf(diff, sigma);
      expect(fit.ok, fit.message).toBe(true);
      expect(Math.abs(size.sizeNm / sizeNm - 1), `size ${sizeNm}`).toBeLessThan(0.05);
      // the amount: broad peaks trade area with the background, so against its own error
      expect(Math.abs(fit.scale - 2e4), `scale, size ${sizeNm}`).toBeLessThan(4 * fit.scaleErr);
    }
  });

  it("free amplitudes recover the 111 and 200 areas", () => {
    const y = li2sCurve(2.7, 3e4, BG);
    const fit = fitPhasePeaks(Q, y, null, {
      window: WINDOW,
      reflections: LI2S,
      instrumentFwhmQ: INSTRUMENT,
      amplitudes: "free",
    });
    expect(fit.ok, fit.message).toBe(true);
    expect(fit.peaks).toHaveLength(2);
    fit.peaks.forEach((p, k) => {
      expect(p.area / (3e4 * LI2S[k]!.intensity)).toBeCloseTo(1, 4);
    });
  });

  it("a fixed η and no instrument: FWHM as the simulator made it", () => {
    const y = new Float64Array(Q.length);
    addPowderPattern(y, Q, LI2S, { scale: 1e4, sizeNm: 3, instrumentFwhmNm: 0.3, eta: 0.6 });
    const fit = fitPhasePeaks(Q, y, null, { window: WINDOW, reflections: LI2S, eta: 0.6 });
    expect(fit.ok, fit.message).toBe(true);
    const gammaL = (2 * Math.PI * 0.9) / 3;
    const tchFwhm =
      (0.3 ** 5 +
        2.69269 * 0.3 ** 4 * gammaL +
        2.42843 * 0.3 ** 3 * gammaL ** 2 +
        4.47163 * 0.3 ** 2 * gammaL ** 3 +
        0.07842 * 0.3 * gammaL ** 4 +
        gammaL ** 5) **
      0.2;
    expect(fit.fwhmQ).toBeCloseTo(tchFwhm, 6);
    expect(fit.eta).toBe(0.6);
  });

  it("absent peak: background and noise only → ok = false with a reason", () => {
    const mean = Float64Array.from(Q, BG);
    for (let seed = 0; seed < 20; seed++) {
      const { y, sigma } = noisy(mean, new Rng(seed));
      for (const eta of [undefined, "free"] as const) {
        const { fit } = sizeOf(y, sigma, eta);
        expect(fit.ok, `seed ${seed}`).toBe(false);
        expect(fit.message).toMatch(/not significant|lower limit|limit/);
        for (const v of [
          fit.fwhmQ,
          fit.fwhmErr,
          fit.scale,
          fit.scaleErr,
          fit.centerQ,
          fit.chi2red,
          fit.eta,
        ]) {
          expect(Number.isFinite(v)).toBe(true);
        }
      }
    }
  });

  it("a zero curve, NaN bins and bad windows give ok = false or a clean fit, never NaN", () => {
    const zero = new Float64Array(Q.length);
    const z = fitPhasePeaks(Q, zero, null, { window: WINDOW, reflections: LI2S });
    expect(z.ok).toBe(false);
    expect(Number.isFinite(z.fwhmQ) && Number.isFinite(z.chi2red)).toBe(true);

    const y = li2sCurve(2.7, 3e4, BG);
    y[300] = Number.NaN;
    y[400] = Number.POSITIVE_INFINITY;
    const withNan = fitPhasePeaks(Q, y, null, {
      window: WINDOW,
      reflections: LI2S,
      instrumentFwhmQ: INSTRUMENT,
    });
    expect(withNan.ok, withNan.message).toBe(true);
    expect(withNan.points).toBe(449);

    expect(fitPhasePeaks(Q, y, null, { window: [30, 35], reflections: LI2S }).message).toMatch(
      /no reflection/,
    );
    expect(fitPhasePeaks(Q, y, null, { window: [20, 19], reflections: LI2S }).ok).toBe(false);
    expect(fitPhasePeaks(Q, y, null, { window: WINDOW, reflections: LI2S, eta: "tch" }).message).toMatch(
      /instrumentFwhmQ/,
    );
    const few = fitPhasePeaks(Q.subarray(0, 5), y.subarray(0, 5), null, {
      window: [10, 19.1],
      reflections: LI2S,
    });
    expect(few.ok).toBe(false);
  });
});
