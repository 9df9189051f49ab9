/**
 * One peak fit and its crystallite size, as the config states the peak model (issue 20): the
 * reflections fitted (all the phase's inside the window, or those listed), their areas free or tied
 * to the computed intensities, and the size broadening's shape fitted (a Voigt: the pseudo-Voigt's
 * η free, the instrument's Gaussian and Lorentzian parts removed; physics/scherrer.ts rule "voigt")
 * or assumed Lorentzian (η tied to the width by TCH, rule "tch"). Used per sweep on region means
 * (products.ts) and per frame (frame-sizes.ts), so both read a peak the same way.
 */
import { fitPhasePeaks, type PeakFit } from "../analysis/peaks.js";
import { type CrystalliteSize, crystalliteSize, type Reflection, tchSplit } from "../physics/index.js";
import { ocvCurves } from "./analyse.js";
import type { PeakConfig } from "./config.js";

/**
 * A fit found the phase: significant amplitude, and the lattice scale not at the edge of what the
 * fit allows (a fit that ran off to ±5 % found no real peak).
 */
export function phaseDetected(fit: PeakFit): boolean {
  return fit.ok && fit.scale > 3 * fit.scaleErr && Math.abs(fit.latticeScale - 1) < 0.02;
}

/** The reflections a peak fits: those its config lists (by Miller indices, any order or sign), else all. */
export function peakReflections(pk: PeakConfig, all: Reflection[]): Reflection[] {
  if (!pk.reflections) return all;
  const key = (h: readonly number[]) =>
    h
      .map(Math.abs)
      .sort((a, b) => a - b)
      .join(",");
  const wanted = new Set(pk.reflections.map(key));
  return all.filter((r) => wanted.has(key(r.hkl)));
}

/** The instrument's Gaussian and Lorentzian FWHMs [nm⁻¹] (all Gaussian without a calibrant's η). */
export function instrumentParts(pk: PeakConfig): { gaussian: number; lorentzian: number } {
  const w = pk.instrumentFwhmQ ?? 0;
  if (!(w > 0) || pk.instrumentEta === undefined) return { gaussian: w, lorentzian: 0 };
  const s = tchSplit(w, pk.instrumentEta);
  return { gaussian: s.gammaG, lorentzian: s.gammaL };
}

/**
 * The size model's own systematic error, relative: a pseudo-Voigt fitted for a true Voigt, its
 * Gaussian and Lorentzian parts split by TCH, the instrument's removed by parts. Measured on
 * independently generated cells (pyFAI-painted true Voigts, Gaussian to Lorentzian size broadening,
 * textured intensities): sizes off by −5 … +5.4 % where the fit's own σ was 0.3–1.5 %, so that σ
 * alone covered the truth on 1 cell of 8 (with 4 %: 5 of 8, all within 2σ). Added in quadrature
 * to the fit's σ.
 */
export const SIZE_SYSTEMATIC = 0.04;

/** A size whose fit's 1σ exceeds this fraction of it is not reported (NaN): it is not measured. */
const MAX_RELATIVE_ERROR = 0.5;

/**
 * The F statistic above which the free areas explain the data better than the tied ones by more
 * than their extra parameters can from noise alone (p ≈ 0.01–0.03 for the few extra areas and the
 * hundreds of points of a peak window).
 */
const F_FREE = 5;

export interface SizeFitResult {
  fit: PeakFit;
  /** Null where the phase is not detected. */
  size: CrystalliteSize | null;
  /** The areas model used: the config's, or for "auto" the one the data call for. */
  amplitudes: "ratio" | "free";
  /** "auto" only: the tied and the free fit's sizes differ by more than 2σ (combined). */
  disagree: boolean;
  /** The size's systematic uncertainty [nm] (SIZE_SYSTEMATIC of it; 0 without a size). */
  modelErrNm: number;
}

/**
 * The peak fit and size (see the file comment). With `amplitudes: auto`, where the lines in the
 * window are resolved (further apart than the tied fit's FWHM), both models are fitted: the tied
 * one is nested in the free one, so an F-test on their χ² decides whether the computed intensity
 * ratios hold (the tied fit is then kept: fewer parameters) or the data need their own (texture,
 * preferred orientation). Unresolved lines (nanocrystals, whose lines merge) stay tied. A tied fit
 * that fails outright (a reflection texture all but removed) leaves the free one to try.
 * The background under the peaks is the config's. "auto" takes a parabola where the window spans
 * at least QUADRATIC_FWHMS widths of the peaks (as the line's fit finds them), else the line: a
 * broad feature changing inside the window (a halo fading, a phase dissolving) left under a line
 * is taken up by the peaks' wings and biases the size (an independently generated lab cell: −24 %
 * on a line, +3 % on the parabola; on the beamline cells both agree within 0.2 %), while under
 * peaks nearly as wide as the window (1.75 nm Li2S: FWHM 3.2 nm⁻¹ in a 6 nm⁻¹ window) a parabola
 * takes up the peaks themselves (7× the size). An F-test cannot choose: the wings and the curvature
 * trade off, so χ² hardly tells them apart while the size does.
 */
export function sizeFit(
  pk: PeakConfig,
  radial: Float64Array,
  y: Float64Array,
  sigma: Float64Array | null,
  refl: Reflection[],
): SizeFitResult {
  if (pk.background !== "auto")
    return areasFit(pk, pk.background === "linear" ? 1 : 2, radial, y, sigma, refl);
  const line = areasFit(pk, 1, radial, y, sigma, refl);
  if (!(line.fit.ok && pk.q[1] - pk.q[0] >= QUADRATIC_FWHMS * line.fit.fwhmQ)) return line;
  const curve = areasFit(pk, 2, radial, y, sigma, refl);
  return curve.fit.ok ? curve : line;
}

/** "auto" background: the parabola where the window is at least this many peak FWHMs wide. */
const QUADRATIC_FWHMS = 4;

/**
 * F statistic of a fit `b` with more parameters against `a` (nested): the χ² it gains per extra
 * parameter over its own χ² per degree of freedom; +∞ where b fits better with no more parameters.
 */
function fTest(a: PeakFit, b: PeakFit): number {
  const extra = b.parameters - a.parameters;
  const dof = b.points - b.parameters;
  if (!(dof > 0 && b.chi2 > 0)) return 0;
  if (extra <= 0) return b.chi2 < a.chi2 ? Number.POSITIVE_INFINITY : 0;
  return (a.chi2 - b.chi2) / extra / (b.chi2 / dof);
}

/** The areas model as the config says, for one background degree (see sizeFit). */
function areasFit(
  pk: PeakConfig,
  degree: 1 | 2,
  radial: Float64Array,
  y: Float64Array,
  sigma: Float64Array | null,
  refl: Reflection[],
): SizeFitResult {
  const once = (amplitudes: "ratio" | "free") => {
    const r = fitAndSize(pk, amplitudes, degree, radial, y, sigma, refl);
    const modelErrNm = r.size ? SIZE_SYSTEMATIC * r.size.sizeNm : 0;
    return { ...r, amplitudes, disagree: false, modelErrNm };
  };
  if (pk.amplitudes !== "auto") return once(pk.amplitudes);
  const tied = once("ratio");
  // lines closer than their width are not resolved: their separate areas are not measurable (a
  // free fit trades area for width between them and biases the size), so they stay tied
  const inWindow = refl.map((r) => r.qNm * tied.fit.latticeScale).filter((q) => q >= pk.q[0] && q <= pk.q[1]);
  inWindow.sort((a, b) => a - b);
  const gap = Math.min(...inWindow.slice(1).map((q, k) => q - inWindow[k]!));
  // a tied fit that did not find the phase says nothing of the lines' widths: the free areas get
  // their chance (a reflection that texture all but removed fails the computed ratios outright)
  if (phaseDetected(tied.fit) && !(gap > tied.fit.fwhmQ)) return tied;
  const free = once("free");
  if (!free.size) return tied;
  if (!tied.size) return free;
  const a = tied.size;
  const b = free.size;
  const disagree = Math.abs(a.sizeNm - b.sizeNm) > 2 * Math.hypot(a.sizeErrNm, b.sizeErrNm);
  return { ...(fTest(tied.fit, free.fit) > F_FREE ? free : tied), disagree };
}

function fitAndSize(
  pk: PeakConfig,
  amplitudes: "ratio" | "free",
  backgroundDegree: 1 | 2,
  radial: Float64Array,
  y: Float64Array,
  sigma: Float64Array | null,
  refl: Reflection[],
): { fit: PeakFit; size: CrystalliteSize | null } {
  const fitted = pk.shape === "fitted";
  const inst = instrumentParts(pk);
  const fit = fitPhasePeaks(radial, y, sigma, {
    window: pk.q,
    reflections: refl,
    amplitudes,
    backgroundDegree,
    // the fitted shape: η free (the total width is at least the instrument's)
    ...(fitted ? { eta: "free" as const } : {}),
    ...(pk.instrumentFwhmQ !== undefined && { instrumentFwhmQ: pk.instrumentFwhmQ }),
  });
  if (!phaseDetected(fit)) return { fit, size: null };
  const size = crystalliteSize(fit.fwhmQ, fit.fwhmErr, {
    k: pk.scherrerK,
    ...(fitted
      ? {
          rule: "voigt" as const,
          eta: fit.eta,
          etaErr: fit.etaErr,
          instrumentFwhmQ: inst.gaussian,
          instrumentLorentzianQ: inst.lorentzian,
        }
      : { instrumentFwhmQ: pk.instrumentFwhmQ ?? 0, eta: fit.eta }),
  });
  // a width barely above the instrument's gives a size with no bound: not a measurement
  return { fit, size: size.ok && size.sizeErrNm < MAX_RELATIVE_ERROR * size.sizeNm ? size : null };
}

/**
 * Each pixel's base curve for a peak (nPix × npt, NaN rows where a pixel has none), or null for
 * `base: none`: the initial-OCV mean ("ocv") or the curve at the detector's reference state
 * ("reference", the one its normalisation divides by).
 */
export function peakBase(
  pk: PeakConfig,
  ocv: { mean: Float64Array; count: Int32Array },
  stream: { reference?: Float64Array | null } | undefined,
  npt: number,
): Float64Array | null {
  if (pk.base === "none") return null;
  if (pk.base === "reference") return stream?.reference ?? null;
  return ocvCurves(ocv, npt);
}

/** The mean of a region's pixels' base curves (NaN rows skipped), weighted (e.g. by OCV frame counts). */
export function regionBase(
  base: Float64Array | null,
  inRegion: (p: number) => boolean,
  weight: (p: number) => number,
  nPix: number,
  npt: number,
): Float64Array {
  const out = new Float64Array(npt);
  if (!base) return out;
  let n = 0;
  for (let p = 0; p < nPix; p++) {
    if (!inRegion(p) || !Number.isFinite(base[p * npt]!)) continue;
    const w = weight(p);
    for (let j = 0; j < npt; j++) out[j]! += base[p * npt + j]! * w;
    n += w;
  }
  for (let j = 0; j < npt; j++) out[j]! /= Math.max(n, 1e-300);
  return out;
}
