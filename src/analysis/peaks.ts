/**
 * Fit of one phase's reflections inside a q window (issue 5 "Peaks and Scherrer"), the inverse of the
 * digital twin's `addPowderPattern` (src/physics/profile.ts):
 *
 *   y(q) = Σₖ aₖ·PV(q; s·qₖ, Γ, η) + b₀ + b₁(q − q̄)
 *
 * - PV is the unit-area pseudo-Voigt η·L + (1−η)·G with one FWHM Γ shared by all reflections (a
 *   size-broadened phase has the same Γ_L = 2πK/L at every q in the Scherrer-in-q picture). As in the
 *   simulator, each peak is cut at ±cutoff·Γ (default 8) with its Lorentzian part divided by the area
 *   kept, (2/π)·atan(2·cutoff); `cutoffFwhm: Infinity` gives the plain profile.
 * - η: with `instrumentFwhmQ` (Γ_G) given, η is tied to Γ by Thompson–Cox–Hastings, η = η_TCH(Γ_G,
 *   Γ_L(Γ)) — exactly the forward model, and one parameter fewer; a number fixes η; "free" fits it
 *   in [0, 1]. Default: tied when Γ_G is given, else free.
 * - aₖ: "ratio" (default) aₖ = scale·Iₖ with the phase's reflection intensities Iₖ (the simulator's
 *   `scale`), so heavily overlapping nanocrystalline peaks share one amplitude; "free" fits one area
 *   per reflection inside the window.
 * - centres s·qₖ with one lattice-scale factor s ∈ [0.95, 1.05]; q̄ is the window centre.
 *
 * Weighted least squares (w = 1/σ², or 1 without σ) by Levenberg–Marquardt, started from the best
 * point of a grid over (s, Γ) on which the linear parameters are solved exactly; errors from the
 * covariance (JᵀWJ)⁻¹·χ²_red. In ratio mode every reflection given is modelled (a neighbour just
 * outside the window still adds its tail); in free mode only those inside the window.
 */

import { ColumnsLsq, levenbergMarquardt } from "../numeric/index.js";
import { addPseudoVoigt as addPeak, addPseudoVoigtTerms, tchEta } from "../physics/index.js";
import { gridColumns } from "./peak-grid.js";

export interface PhaseReflection {
  /** Position [nm⁻¹] at lattice scale 1. */
  qNm: number;
  /** Relative integrated intensity (the simulator's `Reflection.intensity`). */
  intensity: number;
}

export interface PeakFitOptions {
  /** q range [nm⁻¹] of the data that is fitted. */
  window: [number, number];
  reflections: PhaseReflection[];
  /** Starting FWHM [nm⁻¹] (a grid search is done anyway; this value is added to it). */
  initialFwhm?: number;
  /** Fixed η, "free", or "tch" (tied to Γ through instrumentFwhmQ). Default: "tch" with instrumentFwhmQ, else "free". */
  eta?: number | "free" | "tch";
  /** Instrumental Gaussian FWHM Γ_G [nm⁻¹]: ties η to Γ, and Γ ≥ Γ_G. */
  instrumentFwhmQ?: number;
  /** "ratio" (default): one scale × the reflection intensities; "free": one area per reflection. */
  amplitudes?: "ratio" | "free";
  /**
   * Degree of the background polynomial in (q − q̄) (default 1, a line; 2 fits a curved background:
   * a broad feature that changes inside the window, e.g. a halo or a phase dissolving).
   */
  backgroundDegree?: 1 | 2;
  /** Peak cut-off in FWHMs, as the simulator's `cutoffFwhm` (default 8). */
  cutoffFwhm?: number;
  /** Smallest amplitude/σ for a peak to count as present (default 3). */
  minSignificance?: number;
  maxIterations?: number;
}

export interface FittedReflection {
  qNm: number;
  /** Integrated area aₖ (units of y × nm⁻¹) and its error. */
  area: number;
  areaErr: number;
}

export interface PeakFit {
  ok: boolean;
  /** Why ok is false. */
  message?: string;
  /** Fitted position of the strongest reflection in the window [nm⁻¹]. */
  centerQ: number;
  centerErr: number;
  /** Lattice-scale factor s (centres at s·qₖ). */
  latticeScale: number;
  latticeScaleErr: number;
  /** Shared pseudo-Voigt FWHM Γ [nm⁻¹] and its error. */
  fwhmQ: number;
  fwhmErr: number;
  eta: number;
  /** 0 when η is fixed or tied. */
  etaErr: number;
  /** aₖ = scale·Iₖ (ratio mode); in free mode the strongest reflection's area over its intensity. */
  scale: number;
  scaleErr: number;
  /** b₀, b₁ of b₀ + b₁·(q − q̄). */
  background: [number, number];
  /** q̄, the window centre the background slope is taken about. */
  backgroundQ0: number;
  peaks: FittedReflection[];
  chi2red: number;
  /** χ² (weighted) and the number of fitted parameters: for comparing nested models. */
  chi2: number;
  parameters: number;
  /** Peaks + background at every q of the input (extrapolated outside the window). */
  model: Float64Array;
  iterations: number;
  /** Number of data points in the window that were used. */
  points: number;
}

function finite(v: number, fallback = 0): number {
  return Number.isFinite(v) ? v : fallback;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1]! : 0;
}

/** Fits the reflections of one phase inside opts.window (see the file comment). */
export function fitPhasePeaks(
  q: Float64Array,
  y: Float64Array,
  sigma: Float64Array | null,
  opts: PeakFitOptions,
): PeakFit {
  const [w0, w1] = opts.window;
  const cut = opts.cutoffFwhm ?? 8;
  const gammaG = opts.instrumentFwhmQ ?? 0;
  const etaMode: number | "free" | "tch" = opts.eta ?? (gammaG > 0 ? "tch" : "free");
  const ratio = (opts.amplitudes ?? "ratio") === "ratio";
  const minSig = opts.minSignificance ?? 3;
  const qc = 0.5 * (w0 + w1);

  const fail = (message: string, extra: Partial<PeakFit> = {}): PeakFit => ({
    ok: false,
    message,
    centerQ: 0,
    centerErr: 0,
    latticeScale: 1,
    latticeScaleErr: 0,
    fwhmQ: 0,
    fwhmErr: 0,
    eta: 0,
    etaErr: 0,
    scale: 0,
    scaleErr: 0,
    background: [0, 0],
    backgroundQ0: qc,
    peaks: [],
    chi2red: 0,
    chi2: 0,
    parameters: 0,
    model: new Float64Array(q.length),
    iterations: 0,
    points: 0,
    ...extra,
  });

  if (q.length !== y.length || (sigma && sigma.length !== q.length)) {
    return fail(`q, y and sigma lengths differ (${q.length}, ${y.length}, ${sigma?.length})`);
  }
  if (!(Number.isFinite(w0) && Number.isFinite(w1) && w0 < w1)) return fail(`bad window [${w0}, ${w1}]`);
  if (etaMode === "tch" && !(gammaG > 0)) return fail('eta "tch" needs instrumentFwhmQ > 0');
  if (typeof etaMode === "number" && !(etaMode >= 0 && etaMode <= 1))
    return fail(`eta ${etaMode} not in [0, 1]`);

  // the data in the window
  const qa: number[] = [];
  const ya: number[] = [];
  const wa: number[] = [];
  for (let i = 0; i < q.length; i++) {
    const qi = q[i]!;
    const yi = y[i]!;
    if (!(qi >= w0 && qi <= w1) || !Number.isFinite(yi)) continue;
    let wi = 1;
    if (sigma) {
      const s = sigma[i]!;
      if (!(s > 0 && Number.isFinite(s))) continue;
      wi = 1 / (s * s);
    }
    qa.push(qi);
    ya.push(yi);
    wa.push(wi);
  }
  const qw = Float64Array.from(qa);
  const yw = Float64Array.from(ya);
  const ww = Float64Array.from(wa);
  const m = qw.length;

  // the reflections modelled, intensities normalised to the strongest one inside the window
  const inWindow = opts.reflections.filter((r) => r.qNm >= w0 && r.qNm <= w1 && r.intensity > 0);
  if (inWindow.length === 0) return fail(`no reflection of the phase inside [${w0}, ${w1}]`);
  const strongest = inWindow.reduce((a, b) => (b.intensity > a.intensity ? b : a));
  const refl = (ratio ? opts.reflections.filter((r) => r.intensity > 0) : inWindow).map((r) => ({
    qNm: r.qNm,
    rel: r.intensity / strongest.intensity,
  }));
  const nAmp = ratio ? 1 : refl.length;
  const iEta = etaMode === "free" ? 2 : -1;
  const iAmp = etaMode === "free" ? 3 : 2;
  const iB0 = iAmp + nAmp;
  const nB = (opts.backgroundDegree ?? 1) + 1;
  const np = iB0 + nB;
  if (m < np + 3) return fail(`only ${m} usable points in the window for ${np} parameters`, { points: m });

  const dq = median(Array.from({ length: m - 1 }, (_, i) => qw[i + 1]! - qw[i]!));
  const gMin = Math.max(gammaG * (1 + 1e-6), dq, 1e-9);
  const gMax = 1.5 * (w1 - w0);
  const etaOf = (p: Float64Array): number =>
    etaMode === "free" ? p[iEta]! : etaMode === "tch" ? tchEta(p[1]!, gammaG) : etaMode;

  const modelAt = (qs: Float64Array, p: Float64Array, out: Float64Array): void => {
    const s = p[0]!;
    const fwhm = p[1]!;
    const eta = etaOf(p);
    const b0 = p[iB0]!;
    const b1 = p[iB0 + 1]!;
    const b2 = nB > 2 ? p[iB0 + 2]! : 0;
    for (let i = 0; i < qs.length; i++) {
      const x = qs[i]! - qc;
      out[i] = b0 + x * (b1 + x * b2);
    }
    refl.forEach((r, k) => {
      const amp = ratio ? p[iAmp]! * r.rel : p[iAmp + k]!;
      addPeak(out, qs, s * r.qNm, fwhm, eta, amp, cut);
    });
  };

  /** ∂model/∂p at qw, in closed form (physics addPseudoVoigtTerms): the same model as modelAt. */
  const jacobianAt = (p: Float64Array, cols: Float64Array[]): void => {
    const s = p[0]!;
    const fwhm = p[1]!;
    const eta = etaOf(p);
    // tied η moves with Γ: dη/dΓ by a central difference of the scalar TCH relation
    let dEtaDGamma = 0;
    if (etaMode === "tch") {
      const h = 1e-6 * fwhm;
      dEtaDGamma = (tchEta(fwhm + h, gammaG) - tchEta(fwhm - h, gammaG)) / (2 * h);
    }
    refl.forEach((r, k) => {
      const amp = ratio ? p[iAmp]! * r.rel : p[iAmp + k]!;
      addPseudoVoigtTerms(
        {
          f: cols[ratio ? iAmp : iAmp + k]!,
          fScale: ratio ? r.rel : 1,
          dc: cols[0]!,
          dcScale: amp * r.qNm,
          dGamma: cols[1]!,
          dGammaScale: amp,
          dEta: iEta >= 0 ? cols[iEta]! : cols[1]!,
          dEtaScale: iEta >= 0 ? amp : amp * dEtaDGamma,
        },
        qw,
        s * r.qNm,
        fwhm,
        eta,
        cut,
      );
    });
    for (let i = 0; i < m; i++) {
      const x = qw[i]! - qc;
      cols[iB0]![i] = 1;
      cols[iB0 + 1]![i] = x;
      if (nB > 2) cols[iB0 + 2]![i] = x * x;
    }
  };

  // grid over (s, Γ): linear parameters solved exactly at each node
  const ones = new Float64Array(m).fill(1);
  const slope = Float64Array.from(qw, (v) => v - qc);
  const bgCols = nB > 2 ? [ones, slope, Float64Array.from(slope, (x) => x * x)] : [ones, slope];
  const gammas: number[] = [];
  const nG = 18;
  for (let i = 0; i < nG; i++) gammas.push(gMin * (gMax / gMin) ** (i / (nG - 1)));
  if (opts.initialFwhm && opts.initialFwhm > gMin && opts.initialFwhm < gMax) gammas.push(opts.initialFwhm);
  const eta0 = typeof etaMode === "number" ? etaMode : 0.5;
  const qRefMax = Math.max(...refl.map((r) => r.qNm));
  let best: { chi2: number; s: number; fwhm: number; lin: Float64Array } = {
    chi2: Number.POSITIVE_INFINITY,
    s: 1,
    fwhm: gammas[0]!,
    lin: new Float64Array(nAmp + nB),
  };
  // the linear parameters at each node by the normal equations, the background's part summed once
  const lsq = new ColumnsLsq(yw, ww, bgCols, nAmp);
  const etas = gammas.map((g) => (etaMode === "tch" ? tchEta(g, gammaG) : eta0));
  // the highest line moves by a quarter of the FWHM from one node to the next
  const steps = gammas.map((g) => Math.min(200, Math.ceil(0.1 / Math.max((0.25 * g) / qRefMax, 5e-4))));
  const node = gridColumns({ qw, refl, ratio, cut, gammas, etas, steps });
  gammas.forEach((g, gi) => {
    const nS = steps[gi]!;
    const at = (j: number): number => {
      const { cols, lo, hi } = node(gi, j);
      const sol = lsq.solveCompact(cols, lo, hi);
      if (!sol) return Number.POSITIVE_INFINITY;
      if (sol.chi2 < best.chi2) best = { chi2: sol.chi2, s: 0.95 + (0.1 * j) / nS, fwhm: g, lin: sol.x };
      return sol.chi2;
    };
    // every other node first (the highest line moves by half a FWHM between them, less than the
    // width of its χ² dip), then the skipped ones beside the best: half the linear solves
    let jBest = 0;
    let cBest = Number.POSITIVE_INFINITY;
    for (let j = 0; j <= nS; j += 2) {
      const c2 = at(j);
      if (c2 < cBest) [cBest, jBest] = [c2, j];
    }
    for (const j of [jBest - 1, jBest + 1]) if (j > 0 && j <= nS) at(j);
  });
  if (!Number.isFinite(best.chi2))
    return fail("no starting point: the linear fits are all singular", { points: m });

  // Levenberg–Marquardt from the best grid node
  const p0 = new Float64Array(np);
  const lower = new Float64Array(np);
  const upper = new Float64Array(np);
  const typical = new Float64Array(np);
  const yScale = Math.max(...Array.from(yw, Math.abs), 1e-300);
  p0[0] = best.s;
  lower[0] = 0.95;
  upper[0] = 1.05;
  typical[0] = 1;
  p0[1] = best.fwhm;
  lower[1] = gMin;
  upper[1] = gMax;
  typical[1] = best.fwhm;
  if (iEta >= 0) {
    p0[iEta] = eta0;
    lower[iEta] = 0;
    upper[iEta] = 1;
    typical[iEta] = 1;
  }
  for (let k = 0; k < nAmp + nB; k++) {
    p0[iAmp + k] = best.lin[k]!;
    lower[iAmp + k] = Number.NEGATIVE_INFINITY;
    upper[iAmp + k] = Number.POSITIVE_INFINITY;
    typical[iAmp + k] = Math.max(Math.abs(best.lin[k]!), yScale * 1e-6);
  }
  typical[iB0 + 1] = Math.max(Math.abs(best.lin[nAmp + 1]!), (yScale * 1e-6) / (w1 - w0));
  if (nB > 2) typical[iB0 + 2] = Math.max(Math.abs(best.lin[nAmp + 2]!), (yScale * 1e-6) / (w1 - w0) ** 2);
  const lm = levenbergMarquardt({
    model: (p, out) => modelAt(qw, p, out),
    jacobian: jacobianAt,
    y: yw,
    w: ww,
    p0,
    lower,
    upper,
    typical,
    maxIterations: opts.maxIterations ?? 200,
  });
  const p = lm.p;
  const err = (j: number): number => (lm.cov ? Math.sqrt(Math.max(lm.cov[j * np + j]!, 0)) : 0);
  const model = new Float64Array(q.length);
  modelAt(q, p, model);
  for (let i = 0; i < model.length; i++) model[i] = finite(model[i]!);

  const peaks: FittedReflection[] = refl.map((r, k) => ({
    qNm: finite(p[0]! * r.qNm),
    area: finite(ratio ? p[iAmp]! * r.rel : p[iAmp + k]!),
    areaErr: finite(ratio ? err(iAmp) * r.rel : err(iAmp + k)),
  }));
  const kStrong = ratio ? 0 : refl.findIndex((r) => r.rel === 1);
  const aStrong = p[iAmp + kStrong]!;
  const aStrongErr = err(iAmp + kStrong);
  const eta = etaOf(p);
  const result: PeakFit = {
    ok: true,
    centerQ: finite(p[0]! * strongest.qNm),
    centerErr: finite(err(0) * strongest.qNm),
    latticeScale: finite(p[0]!, 1),
    latticeScaleErr: finite(err(0)),
    fwhmQ: finite(p[1]!),
    fwhmErr: finite(err(1)),
    eta: finite(eta),
    etaErr: iEta >= 0 ? finite(err(iEta)) : 0,
    scale: finite(aStrong / strongest.intensity),
    scaleErr: finite(aStrongErr / strongest.intensity),
    background: [finite(p[iB0]!), finite(p[iB0 + 1]!)],
    backgroundQ0: qc,
    peaks,
    chi2red: finite(lm.chi2red),
    chi2: finite(lm.chi2),
    parameters: np,
    model,
    iterations: lm.iterations,
    points: m,
  };

  const problems: string[] = [];
  if (!lm.converged) problems.push(`did not converge in ${lm.iterations} iterations`);
  if (!lm.cov) problems.push("singular covariance: parameters not determined by the data");
  const sig = aStrongErr > 0 ? aStrong / aStrongErr : aStrong > 0 ? Number.POSITIVE_INFINITY : 0;
  if (!(sig >= minSig)) {
    problems.push(`peak not significant: amplitude ${aStrong.toPrecision(3)} is ${finite(sig).toFixed(1)} σ`);
  }
  if (p[1]! > w1 - w0) problems.push(`peak (FWHM ${p[1]!.toPrecision(3)} nm⁻¹) broader than the window`);
  if (lm.atBound[0]) problems.push(`centre on the ±5 % lattice-scale limit (s = ${p[0]!.toFixed(4)})`);
  if (lm.atBound[1] && p[1]! < 0.5 * (gMin + gMax)) {
    problems.push(
      `FWHM at its lower limit ${gMin.toPrecision(3)} nm⁻¹ (instrument or bin width): no width resolved`,
    );
  }
  if (problems.length > 0) return { ...result, ok: false, message: problems.join("; ") };
  return result;
}
