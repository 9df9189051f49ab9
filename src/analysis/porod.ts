/**
 * Porod quantities of a SAXS curve (issue 15: "the paper's argument, made quantitative").
 *
 * - Invariant over a stated range, Q* = ∫_{q1}^{q2} q² I(q) dq (Porod 1951; Glatter & Kratky,
 *   "Small Angle X-ray Scattering", 1982, ch. 2): for a two-phase system over all q it is
 *   2π² φ(1−φ)(Δρ)², so at a fixed structure it follows the contrast (Δρ)² alone — the quantity the
 *   paper's "factor 0.75" is about. Over a finite range it is a partial invariant, still linear in
 *   (Δρ)² while the shapes stay. Computed on the bins as the exact integral of the polyline through
 *   (qᵢ, qᵢ² Iᵢ) (the trapezoid rule, end segments cut at q1 and q2: analysis/bands.ts), so it is
 *   linear in the Iᵢ and σ_Q* = √(Σ wᵢ² qᵢ⁴ σᵢ²) for independent bins.
 * - Porod constant K from I(q) = K q⁻⁴ + B over a stated range (Porod's law for sharp interfaces,
 *   K = 2π (Δρ)² S/V, plus a flat background B): weighted linear least squares in (K, B) with
 *   weights 1/σᵢ²; σ_K, σ_B from the covariance (AᵀWA)⁻¹, scaled by χ²_red where that exceeds 1
 *   (a model that does not fit the bins as well as their σ say widens its errors, never narrows them).
 */
import { spdInverse } from "../numeric/index.js";
import { bandIntegral } from "./bands.js";

export interface Invariant {
  /** Q* = ∫ q² I dq over the range [I × q³, e.g. I × nm⁻³]. */
  value: number;
  /** Its 1σ from the bins' σ (0 without σ). */
  error: number;
}

/** Q* = ∫_{q1}^{q2} q² I(q) dq on the bins, with its σ; non-finite bins are left out (see bandIntegral). */
export function porodInvariant(
  qNm: Float64Array,
  intensity: ArrayLike<number>,
  sigma: ArrayLike<number> | null,
  range: readonly [number, number],
): Invariant {
  const n = qNm.length;
  const y = new Float64Array(n);
  const s = sigma ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    const q2 = qNm[i]! * qNm[i]!;
    y[i] = q2 * intensity[i]!;
    if (s) s[i] = q2 * sigma![i]!;
  }
  const r = bandIntegral(qNm, y, s, range);
  return { value: r.value, error: r.error };
}

export interface PorodFit {
  /** K of I = K q⁻⁴ + B [I × q⁴]. */
  k: number;
  kErr: number;
  /** Flat background B [I]. */
  b: number;
  bErr: number;
  /** χ² per degree of freedom (NaN with fewer than 3 bins). */
  chi2Red: number;
  /** Bins used. */
  n: number;
  /** False when fewer than 2 usable bins (then everything is NaN). */
  ok: boolean;
}

/**
 * Weighted fit of I = K q⁻⁴ + B over [q1, q2]. Without σ (or a bin with σ ≤ 0) the bins are
 * weighted equally and the errors come from the residuals. `background: false` fits K alone (B = 0).
 */
export function porodFit(
  qNm: Float64Array,
  intensity: ArrayLike<number>,
  sigma: ArrayLike<number> | null,
  range: readonly [number, number],
  opts: { background?: boolean } = {},
): PorodFit {
  const withB = opts.background !== false;
  const useSigma = sigma !== null;
  // the model's columns x = q⁻⁴ (and 1 for B), weights w = 1/σ²
  const rows: [number, number, number][] = [];
  for (let i = 0; i < qNm.length; i++) {
    const q = qNm[i]!;
    const v = intensity[i]!;
    if (!(q >= range[0] && q <= range[1]) || !Number.isFinite(v) || !(q > 0)) continue;
    let w = 1;
    if (useSigma) {
      const e = sigma![i]!;
      if (!(e > 0 && Number.isFinite(e))) continue;
      w = 1 / (e * e);
    }
    rows.push([q ** -4, v, w]);
  }
  const n = rows.length;
  const p = withB ? 2 : 1;
  const nan = { k: Number.NaN, kErr: Number.NaN, b: Number.NaN, bErr: Number.NaN, chi2Red: Number.NaN };
  if (n < p) return { ...nan, n, ok: false };
  // the normal equations and their inverse (numeric/: the coefficients and their covariance)
  const a = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  for (const [x, v, w] of rows) {
    a[0]! += w * x * x;
    rhs[0]! += w * x * v;
    if (withB) {
      a[1]! += w * x;
      a[3]! += w;
      rhs[1]! += w * v;
    }
  }
  if (withB) a[2] = a[1]!;
  const inv = spdInverse(a, p);
  if (!inv) return { ...nan, n, ok: false };
  const k = withB ? inv[0]! * rhs[0]! + inv[1]! * rhs[1]! : inv[0]! * rhs[0]!;
  const b = withB ? inv[2]! * rhs[0]! + inv[3]! * rhs[1]! : 0;
  const varK = inv[0]!;
  const varB = withB ? inv[3]! : 0;
  let chi2 = 0;
  for (const [x, v, w] of rows) chi2 += w * (v - k * x - b) ** 2;
  const dof = n - p;
  const chi2Red = dof > 0 ? chi2 / dof : Number.NaN;
  // without σ the weights are 1 and the residuals' variance is the bins' (scale always); with σ only upward
  const scale = !useSigma
    ? dof > 0
      ? chi2Red
      : Number.NaN
    : Number.isFinite(chi2Red)
      ? Math.max(1, chi2Red)
      : 1;
  return {
    k,
    kErr: Math.sqrt(varK * scale),
    b,
    bErr: Math.sqrt(varB * scale),
    chi2Red,
    n,
    ok: true,
  };
}

export interface StabilityLimit {
  /** Mean of the reference (initial-OCV) values. */
  reference: number;
  /** σ of one value's ratio to the reference: the larger of the propagated and the scatter estimate. */
  sigmaRatio: number;
  /** How sigmaRatio was set: "propagated" (the values' σ) or "scatter" (SD of the reference values). */
  from: "propagated" | "scatter";
  /** The detection limit of |ratio − 1|: 3 σ_ratio. */
  limit: number;
}

/**
 * The detection limit of a ratio v/v₀ (the stability metric), v₀ the mean of the reference values
 * (the initial-OCV sweeps): 3σ, σ the larger of (a) the σ of the ratio propagated from the values'
 * own σ (a typical value's relative σ and the mean's, in quadrature) and (b) the sample standard
 * deviation of the reference values about their mean over v₀ (the scatter of sweeps that should be
 * equal: drift, alignment, transmission — what the Poisson σ does not see). Needs ≥ 1 reference value.
 */
export function stabilityLimit(
  refValues: number[],
  refErrors: number[],
  typicalRelErr: number,
): StabilityLimit {
  const k = refValues.length;
  const v0 = refValues.reduce((a, x) => a + x, 0) / k;
  const e0 = Math.sqrt(refErrors.reduce((a, x) => a + x * x, 0)) / k;
  const propagated = Math.hypot(typicalRelErr, e0 / Math.abs(v0));
  let scatter = 0;
  if (k >= 2) {
    const ss = refValues.reduce((a, x) => a + (x - v0) ** 2, 0);
    scatter = Math.sqrt(ss / (k - 1)) / Math.abs(v0);
  }
  const sigmaRatio = Math.max(propagated, scatter);
  return {
    reference: v0,
    sigmaRatio,
    from: scatter > propagated ? "scatter" : "propagated",
    limit: 3 * sigmaRatio,
  };
}
