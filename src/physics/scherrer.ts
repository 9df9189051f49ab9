/**
 * Crystallite size from a fitted peak width (issue 5 "Peaks and Scherrer"), undoing the forward model
 * of the digital twin (src/physics/profile.ts): size broadens as a Lorentzian of FWHM
 * Γ_L = 2πK/L, the instrument as a Gaussian of FWHM Γ_G, and the two make one pseudo-Voigt of FWHM
 * Γ and mixing η by Thompson–Cox–Hastings (TCH):
 *
 *   Γ⁵ = Γ_G⁵ + 2.69269Γ_G⁴Γ_L + 2.42843Γ_G³Γ_L² + 4.47163Γ_G²Γ_L³ + 0.07842Γ_GΓ_L⁴ + Γ_L⁵
 *   η  = 1.36603r − 0.47719r² + 0.11116r³,  r = Γ_L/Γ
 *
 * Removing the instrument, by rule:
 * - "tch" (default): with Γ_G known, Γ_L is the root of the quintic above for the fitted Γ (Γ grows
 *   monotonically with Γ_L, so bisection finds it). Exact for the forward model, and it does not need
 *   η, which a fit determines poorly when peaks overlap. With only η known (no Γ_G), TCH is inverted
 *   through η instead: Γ_L = r(η)·Γ. With neither, all of Γ is taken as size broadening.
 * - "quadrature": Γ_L = √(Γ² − Γ_G²), the rule for two Gaussians;
 * - "linear": Γ_L = Γ − Γ_G, the rule for two Lorentzians.
 * Then L = 2πK/Γ_L, and σ_L = |dL/dΓ|·σ_Γ (first order).
 */

import { scherrerSizeNm, tchCombine, tchSplit } from "./profile.js";

const TWO_PI = 2 * Math.PI;

/** Lorentzian FWHM Γ_L with TCH Γ(Γ_G, Γ_L) = Γ; 0 when Γ ≤ Γ_G (no size broadening resolved). */
export function tchLorentzian(fwhm: number, gammaG: number): number {
  if (!(fwhm > gammaG)) return 0;
  if (!(gammaG > 0)) return fwhm;
  // Γ(Γ_G, Γ_L) ≥ Γ_L, so the root lies in [0, Γ]
  let lo = 0;
  let hi = fwhm;
  for (let i = 0; i < 64 && hi - lo > 1e-15 * fwhm; i++) {
    const mid = 0.5 * (lo + hi);
    if (tchCombine(gammaG, mid).fwhm < fwhm) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** η of the pseudo-Voigt of FWHM Γ whose Gaussian part is Γ_G: what the forward model uses. */
export function tchEta(fwhm: number, gammaG: number): number {
  return tchCombine(gammaG, tchLorentzian(fwhm, gammaG)).eta;
}

export type BroadeningRule = "tch" | "quadrature" | "linear";

export interface ScherrerOptions {
  /** Scherrer constant (default 0.9, as the simulator). */
  k?: number;
  /** Instrumental (Gaussian) FWHM Γ_G [nm⁻¹], from a calibrant or given; default 0. */
  instrumentFwhmQ?: number;
  /** Fitted pseudo-Voigt η; used by "tch" only when instrumentFwhmQ is not given. */
  eta?: number;
  /** How the instrument is removed (default "tch"). */
  rule?: BroadeningRule;
}

export interface CrystalliteSize {
  /** L = 2πK/Γ_L [nm]; Infinity when the peak is no wider than the instrument. */
  sizeNm: number;
  /** σ_L [nm] (Infinity with sizeNm). */
  sizeErrNm: number;
  /** Γ_L, the size part of the FWHM [nm⁻¹]. */
  sizeFwhmQ: number;
  /** False (with a message) when the size is not resolved. */
  ok: boolean;
  message?: string;
}

function sizeFwhm(fwhm: number, gammaG: number, eta: number | undefined, rule: BroadeningRule): number {
  switch (rule) {
    case "quadrature":
      return fwhm > gammaG ? Math.sqrt(fwhm * fwhm - gammaG * gammaG) : 0;
    case "linear":
      return Math.max(fwhm - gammaG, 0);
    default:
      if (gammaG > 0) return tchLorentzian(fwhm, gammaG);
      if (eta !== undefined) return tchSplit(fwhm, eta).gammaL;
      return fwhm;
  }
}

/** Crystallite size and its error from a fitted FWHM Γ ± σ_Γ [nm⁻¹] (see the file comment). */
export function crystalliteSize(fwhmQ: number, fwhmErr: number, opts: ScherrerOptions = {}): CrystalliteSize {
  const k = opts.k ?? 0.9;
  const gammaG = opts.instrumentFwhmQ ?? 0;
  const rule = opts.rule ?? "tch";
  if (!(fwhmQ > 0 && Number.isFinite(fwhmQ)) || !(gammaG >= 0)) {
    return {
      sizeNm: Number.POSITIVE_INFINITY,
      sizeErrNm: Number.POSITIVE_INFINITY,
      sizeFwhmQ: 0,
      ok: false,
      message: `FWHM ${fwhmQ} (instrument ${gammaG}) does not give a size`,
    };
  }
  const gl = sizeFwhm(fwhmQ, gammaG, opts.eta, rule);
  if (!(gl > 0)) {
    return {
      sizeNm: Number.POSITIVE_INFINITY,
      sizeErrNm: Number.POSITIVE_INFINITY,
      sizeFwhmQ: 0,
      ok: false,
      message: `peak (FWHM ${fwhmQ.toPrecision(4)} nm⁻¹) is no wider than the instrument (${gammaG.toPrecision(4)} nm⁻¹)`,
    };
  }
  const sizeNm = scherrerSizeNm(gl, k);
  // dΓ_L/dΓ by a central difference (exact rules are smooth where Γ > Γ_G)
  const h = 1e-6 * fwhmQ;
  const up = sizeFwhm(fwhmQ + h, gammaG, opts.eta, rule);
  const dn = sizeFwhm(Math.max(fwhmQ - h, gammaG), gammaG, opts.eta, rule);
  const dGl = (up - dn) / (fwhmQ + h - Math.max(fwhmQ - h, gammaG));
  const err = Math.abs(fwhmErr);
  const sizeErrNm = Number.isFinite(err)
    ? ((TWO_PI * k) / (gl * gl)) * Math.abs(dGl) * err
    : Number.POSITIVE_INFINITY;
  return { sizeNm, sizeErrNm, sizeFwhmQ: gl, ok: true };
}
