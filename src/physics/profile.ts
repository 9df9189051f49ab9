/**
 * Peak shapes in q and the powder pattern of a phase (README §4).
 *
 * Broadening rule: crystallite size gives a Lorentzian of FWHM Γ_L = 2πK/L (Scherrer in q, K = 0.9),
 * the instrument a Gaussian of FWHM Γ_G; the two combine into one pseudo-Voigt with the
 * Thompson–Cox–Hastings (1987) Γ and η. A pipeline undoes it by fitting a pseudo-Voigt (Γ, η) and
 * inverting TCH (`tchSplit`): Γ_L = Γ·r(η), then L = 2πK/Γ_L (`scherrerSizeNm`).
 */
import type { Reflection } from "./reflections.js";

const LN2 = Math.LN2;
const G_NORM = 2 * Math.sqrt(LN2 / Math.PI); // unit-area Gaussian height × FWHM

/** Scherrer FWHM in q [nm⁻¹] of crystallites of size L [nm]: Δq = 2πK/L (README §4). */
export function scherrerFwhmQ(sizeNm: number, k = 0.9): number {
  return (2 * Math.PI * k) / sizeNm;
}

/** Inverse of scherrerFwhmQ: L = 2πK/Δq [nm], Δq the size part of the FWHM [nm⁻¹]. */
export function scherrerSizeNm(fwhmQ: number, k = 0.9): number {
  return (2 * Math.PI * k) / fwhmQ;
}

/** Pseudo-Voigt η·L + (1−η)·G with common FWHM, unit area over q. */
export function pseudoVoigt(q: number, centre: number, fwhm: number, eta: number): number {
  const x = (2 * (q - centre)) / fwhm;
  const lor = 2 / (Math.PI * fwhm) / (1 + x * x);
  const gau = (G_NORM / fwhm) * Math.exp(-LN2 * x * x);
  return eta * lor + (1 - eta) * gau;
}

/** Thompson–Cox–Hastings: pseudo-Voigt FWHM Γ and mixing η of a Voigt with Γ_G, Γ_L (README §4). */
export function tchCombine(gammaG: number, gammaL: number): { fwhm: number; eta: number } {
  // Horner in Γ_G with products, not powers: peak fits call this in their inner loop (via tchEta)
  const g = gammaG;
  const l = gammaL;
  const l2 = l * l;
  const fwhm =
    (g * (g * (g * (g * (g + 2.69269 * l) + 2.42843 * l2) + 4.47163 * l2 * l) + 0.07842 * l2 * l2) +
      l2 * l2 * l) **
    0.2;
  const r = fwhm > 0 ? l / fwhm : 0;
  const eta = r * (1.36603 + r * (-0.47719 + 0.11116 * r));
  return { fwhm, eta: Math.min(1, Math.max(0, eta)) };
}

/** Inverse of tchCombine: from a fitted pseudo-Voigt (Γ, η) back to the Lorentzian and Gaussian FWHMs. */
export function tchSplit(fwhm: number, eta: number): { gammaG: number; gammaL: number } {
  // η(r) is monotonic on 0 ≤ r ≤ 1: solve by bisection
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const r = 0.5 * (lo + hi);
    const e = 1.36603 * r - 0.47719 * r * r + 0.11116 * r ** 3;
    if (e < eta) lo = r;
    else hi = r;
  }
  const gammaL = 0.5 * (lo + hi) * fwhm;
  // Γ_G from the quintic with Γ_L known: bisection on [0, Γ]
  let a = 0;
  let b = fwhm;
  for (let i = 0; i < 60; i++) {
    const g = 0.5 * (a + b);
    if (tchCombine(g, gammaL).fwhm < fwhm) a = g;
    else b = g;
  }
  return { gammaG: 0.5 * (a + b), gammaL };
}

export interface PowderOptions {
  /** Multiplies every reflection's `intensity` (e.g. the phase's volume fraction × path). */
  scale: number;
  /** Crystallite size [nm] (Scherrer, K = 0.9, Lorentzian); Infinity for none. */
  sizeNm: number;
  /** Instrumental FWHM [nm⁻¹] (Gaussian). */
  instrumentFwhmNm: number;
  /** Override the TCH mixing parameter η. */
  eta?: number;
  /** Per-reflection weight (texture, disrupted planes, …); 0 skips the reflection. */
  weight?: (r: Reflection) => number;
  /** Half-width of the evaluated window in FWHMs (default 8); the Lorentzian's cut tails are renormalised. */
  cutoffFwhm?: number;
}

/** First index i with q[i] ≥ x (q ascending). */
function lowerBound(q: Float64Array, x: number): number {
  let lo = 0;
  let hi = q.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (q[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The indices [i0, i1) of q (ascending) that addPseudoVoigt writes: those within ±cut·Γ of c. */
export function peakSupport(q: Float64Array, c: number, fwhm: number, cut: number): [number, number] {
  const half = cut * fwhm;
  return [lowerBound(q, c - half), lowerBound(q, c + half)];
}

/**
 * Adds amp·PV(q; c, Γ, η) to out (q ascending), evaluated within ±cut·Γ only, the Lorentzian part
 * divided by its area inside that window, (2/π)·atan(2·cut), so the integrated area stays amp.
 * `cut` = Infinity gives the plain profile. The one pseudo-Voigt kernel of the project: the twin
 * draws with it and the peak fits model with it.
 */
export function addPseudoVoigt(
  out: Float64Array,
  q: Float64Array,
  c: number,
  fwhm: number,
  eta: number,
  amp: number,
  cut: number,
): void {
  const lorKeep = Number.isFinite(cut) ? (2 / Math.PI) * Math.atan(2 * cut) : 1;
  const cL = (eta * 2) / (Math.PI * fwhm) / lorKeep;
  const cG = ((1 - eta) * G_NORM) / fwhm;
  const k = 2 / fwhm;
  const [i0, i1] = peakSupport(q, c, fwhm, cut);
  for (let i = i0; i < i1; i++) {
    const x = (q[i]! - c) * k;
    const x2 = x * x;
    out[i]! += amp * (cL / (1 + x2) + cG * Math.exp(-LN2 * x2));
  }
}

/** Where addPseudoVoigtTerms adds PV and its derivatives, each array with its own factor. */
export interface PvTerms {
  f: Float64Array;
  fScale: number;
  dc: Float64Array;
  dcScale: number;
  dGamma: Float64Array;
  dGammaScale: number;
  dEta: Float64Array;
  dEtaScale: number;
}

/**
 * Adds PV(q; c, Γ, η) (as addPseudoVoigt: the same cut, the same values) and its partial
 * derivatives with respect to the centre c, the FWHM Γ (η held) and η, each times its factor, to
 * the arrays of `t` (the same array may take several): the peak fits' Levenberg–Marquardt takes
 * its Jacobian from these in one pass instead of 2 model evaluations per parameter (issue 11).
 * With x = 2(q − c)/Γ, u = 1/(1 + x²), e = exp(−ln2·x²), PV = η·hL·u + (1 − η)·hG·e where
 * hL = 2/(πΓ·keep) and hG = 2√(ln2/π)/Γ: ∂x/∂c = −2/Γ, ∂x/∂Γ = −x/Γ, ∂u/∂x = −2x·u²,
 * ∂e/∂x = −2·ln2·x·e, and both heights scale as 1/Γ. The cut-off's moving edges are left out (the
 * profile there is ~1e-3 of its height).
 */
export function addPseudoVoigtTerms(
  t: PvTerms,
  q: Float64Array,
  c: number,
  fwhm: number,
  eta: number,
  cut: number,
): void {
  const lorKeep = Number.isFinite(cut) ? (2 / Math.PI) * Math.atan(2 * cut) : 1;
  const hL = 2 / (Math.PI * fwhm) / lorKeep;
  const hG = G_NORM / fwhm;
  const cL = eta * hL;
  const cG = (1 - eta) * hG;
  const k = 2 / fwhm;
  const { f, dc, dGamma, dEta } = t;
  const sC = -t.dcScale * k;
  const sG = -t.dGammaScale / fwhm;
  const [i0, i1] = peakSupport(q, c, fwhm, cut);
  for (let i = i0; i < i1; i++) {
    const x = (q[i]! - c) * k;
    const x2 = x * x;
    const u = 1 / (1 + x2);
    const e = Math.exp(-LN2 * x2);
    const v = cL * u + cG * e;
    // ∂(cL·u + cG·e)/∂x
    const dvdx = -2 * x * (cL * u * u + LN2 * cG * e);
    f[i]! += t.fScale * v;
    dc[i]! += sC * dvdx;
    dGamma[i]! += sG * (v + dvdx * x);
    dEta[i]! += t.dEtaScale * (hL * u - hG * e);
  }
}

/**
 * Add Σ scale·w·intensity·PV(q − q_hkl) to out (q ascending, nm⁻¹). With `scale` = volume fraction
 * the result is dΣ/dΩ in cm⁻¹ sr⁻¹ (no polarisation; see Reflection). Each peak is evaluated within
 * ±cutoff·FWHM only; the Lorentzian part is divided by its area inside the window, (2/π)atan(2c),
 * so the integrated intensity is kept.
 */
export function addPowderPattern(
  out: Float64Array,
  qNm: Float64Array,
  refl: Reflection[],
  opts: PowderOptions,
): Float64Array {
  const gammaL = Number.isFinite(opts.sizeNm) && opts.sizeNm > 0 ? scherrerFwhmQ(opts.sizeNm) : 0;
  const tch = tchCombine(Math.max(opts.instrumentFwhmNm, 0), gammaL);
  const fwhm = tch.fwhm;
  if (!(fwhm > 0)) throw new RangeError("peak FWHM must be > 0 (give a size or an instrumental width)");
  const eta = opts.eta ?? tch.eta;
  const cut = opts.cutoffFwhm ?? 8;
  for (const r of refl) {
    const w = opts.weight ? opts.weight(r) : 1;
    if (w === 0) continue;
    addPseudoVoigt(out, qNm, r.qNm, fwhm, eta, opts.scale * w * r.intensity, cut);
  }
  return out;
}
