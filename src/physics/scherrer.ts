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
 * - "voigt": the size broadening's own shape, not assumed Lorentzian (issue 20). Real crystallite
 *   size distributions broaden with a Gaussian part too; taking all of it as Lorentzian overstates
 *   the size when it is partly Gaussian. The fitted pseudo-Voigt (Γ, η) is split by TCH into the
 *   Voigt's Gaussian and Lorentzian FWHMs (Γ_G, Γ_L); the instrument's parts are removed as Voigt
 *   convolution composes them — Gaussians in quadrature, Lorentzians linearly:
 *   Γ_G,size = √(Γ_G² − Γ_G,inst²), Γ_L,size = Γ_L − Γ_L,inst — and the size profile's FWHM is
 *   their TCH combination (its η is the size broadening's shape, reported). Needs a fitted η.
 * Then L = 2πK/Γ_size, and σ_L from σ_Γ (and σ_η for "voigt") to first order.
 */

import { scherrerSizeNm, tchCombine, tchSplit } from "./profile.js";

const TWO_PI = 2 * Math.PI;

/** Lorentzian FWHM Γ_L with TCH Γ(Γ_G, Γ_L) = Γ; 0 when Γ ≤ Γ_G (no size broadening resolved). */
export function tchLorentzian(fwhm: number, gammaG: number): number {
  if (!(fwhm > gammaG)) return 0;
  if (!(gammaG > 0)) return fwhm;
  // Newton on P(Γ_L) = Γ⁵, P the TCH quintic in Γ_L for this Γ_G: P is increasing and convex for
  // Γ_L ≥ 0 (all its coefficients are positive), so from Γ_L = Γ (where P ≥ Γ⁵, as Γ(Γ_G, Γ_L) ≥ Γ_L)
  // the iterates fall monotonically onto the root, quadratically (peak fits call this in their
  // inner loop: a handful of steps instead of 64 bisections)
  const g = gammaG;
  const target = fwhm ** 5;
  let l = fwhm;
  for (let i = 0; i < 60; i++) {
    const l2 = l * l;
    const p =
      g * (g * (g * (g * (g + 2.69269 * l) + 2.42843 * l2) + 4.47163 * l2 * l) + 0.07842 * l2 * l2) +
      l2 * l2 * l;
    const dp = g * (g * (g * (2.69269 * g + 4.85686 * l) + 13.41489 * l2) + 0.31368 * l2 * l) + 5 * l2 * l2;
    const step = (p - target) / dp;
    l = Math.max(0, l - step);
    if (!(step > 1e-15 * fwhm)) break;
  }
  return l;
}

/** η of the pseudo-Voigt of FWHM Γ whose Gaussian part is Γ_G: what the forward model uses. */
export function tchEta(fwhm: number, gammaG: number): number {
  return tchCombine(gammaG, tchLorentzian(fwhm, gammaG)).eta;
}

export type BroadeningRule = "tch" | "quadrature" | "linear" | "voigt";

/**
 * The size part of a fitted Voigt (pseudo-Voigt FWHM Γ, mixing η) once the instrument's Gaussian
 * and Lorentzian FWHMs are removed (rule "voigt" above): its FWHM and η (0 Gaussian … 1 Lorentzian).
 */
export function voigtSizePart(
  fwhm: number,
  eta: number,
  gammaGInst: number,
  gammaLInst = 0,
): { fwhm: number; eta: number } {
  const { gammaG, gammaL } = tchSplit(fwhm, Math.min(1, Math.max(0, eta)));
  const g = Math.sqrt(Math.max(0, gammaG * gammaG - gammaGInst * gammaGInst));
  const l = Math.max(0, gammaL - gammaLInst);
  return g + l > 0 ? tchCombine(g, l) : { fwhm: 0, eta: 0 };
}

export interface ScherrerOptions {
  /** Scherrer constant (default 0.9, as the simulator). */
  k?: number;
  /** Instrumental (Gaussian) FWHM Γ_G [nm⁻¹], from a calibrant or given; default 0. */
  instrumentFwhmQ?: number;
  /** Fitted pseudo-Voigt η; used by "tch" only when instrumentFwhmQ is not given, and by "voigt". */
  eta?: number;
  /** Its error (rule "voigt"). */
  etaErr?: number;
  /** The instrument's Lorentzian FWHM [nm⁻¹] (rule "voigt"; instrumentFwhmQ is then its Gaussian one). */
  instrumentLorentzianQ?: number;
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
  /** The size broadening's η (rule "voigt"; 1, Lorentzian, for the others). */
  sizeEta: number;
  /** False (with a message) when the size is not resolved. */
  ok: boolean;
  message?: string;
}

function sizeFwhm(
  fwhm: number,
  gammaG: number,
  eta: number | undefined,
  rule: BroadeningRule,
  gammaLInst = 0,
): number {
  switch (rule) {
    case "voigt":
      return voigtSizePart(fwhm, eta ?? 1, gammaG, gammaLInst).fwhm;
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
  const gammaLInst = opts.instrumentLorentzianQ ?? 0;
  const rule = opts.rule ?? "tch";
  const unresolved = (message: string): CrystalliteSize => ({
    sizeNm: Number.POSITIVE_INFINITY,
    sizeErrNm: Number.POSITIVE_INFINITY,
    sizeFwhmQ: 0,
    sizeEta: Number.NaN,
    ok: false,
    message,
  });
  if (!(fwhmQ > 0 && Number.isFinite(fwhmQ)) || !(gammaG >= 0) || !(gammaLInst >= 0))
    return unresolved(`FWHM ${fwhmQ} (instrument ${gammaG}) does not give a size`);
  if (rule === "voigt" && !(opts.eta !== undefined && Number.isFinite(opts.eta)))
    return unresolved('rule "voigt" needs the fitted η');
  const part = (f: number, eta = opts.eta) => sizeFwhm(f, gammaG, eta, rule, gammaLInst);
  const gl = part(fwhmQ);
  if (!(gl > 0))
    return unresolved(
      `peak (FWHM ${fwhmQ.toPrecision(4)} nm⁻¹) is no wider than the instrument (${gammaG.toPrecision(4)} nm⁻¹)`,
    );
  const sizeNm = scherrerSizeNm(gl, k);
  // ∂Γ_size/∂Γ (and ∂/∂η for "voigt") by central differences (the rules are smooth where Γ > Γ_G);
  // σ_L = (2πK/Γ_size²)·σ(Γ_size), the errors of Γ and η taken as independent
  const h = 1e-6 * fwhmQ;
  const lo = Math.max(fwhmQ - h, gammaG);
  const dGl = (part(fwhmQ + h) - part(lo)) / (fwhmQ + h - lo);
  let varGl = (dGl * Math.abs(fwhmErr)) ** 2;
  if (rule === "voigt" && opts.etaErr !== undefined && opts.etaErr > 0) {
    const e = opts.eta!;
    const he = 1e-5;
    const e0 = Math.max(0, e - he);
    const e1 = Math.min(1, e + he);
    const dEta = (part(fwhmQ, e1) - part(fwhmQ, e0)) / (e1 - e0);
    varGl += (dEta * opts.etaErr) ** 2;
  }
  const sizeErrNm = Number.isFinite(varGl)
    ? ((TWO_PI * k) / (gl * gl)) * Math.sqrt(varGl)
    : Number.POSITIVE_INFINITY;
  const sizeEta = rule === "voigt" ? voigtSizePart(fwhmQ, opts.eta!, gammaG, gammaLInst).eta : 1;
  return { sizeNm, sizeErrNm, sizeFwhmQ: gl, sizeEta, ok: true };
}
