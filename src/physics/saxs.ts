/**
 * Small-angle scattering of the cathodes (README §3, §5), absolute scale dΣ/dΩ [cm⁻¹ sr⁻¹], q in nm⁻¹.
 *
 * Solid-state cathode: the templated carbon's 2.7-nm pores as polydisperse (Schulz) spheres with a
 * Percus–Yevick hard-sphere structure factor, I = φΔρ²⟨V²P⟩/⟨V⟩·S(q) (saxs_models.py), scaled by the
 * pore contrast of a homogenised pore filling (contrast.py): sulfur fills a fraction x of the pore
 * volume, a fraction c of it converts to Li2S (16 → 22 electrons and 15.49 → 27.68 cm³/mol per S).
 */
import { electronDensity, R_E_CM } from "./xray.js";

/** Electron densities [e/Å³] (README §3). */
export const RHO_E = {
  carbon: electronDensity("C", 2.0),
  sulfur: electronDensity("S", 2.07),
  li2s: electronDensity("Li2S", 1.66),
  li6ps5cl: electronDensity("Li6PS5Cl", 1.64),
} as const;

/** Molar volume per S atom [cm³/mol]: in α-S8 and in Li2S (README §3). */
const V_S = 32.06 / 2.07;
const V_LI2S = 45.95 / 1.66;

/** (Δρ)² [cm⁻⁴] for an electron-density difference Δρ_e [e/Å³]: SLD = r_e ρ_e. */
export function sldContrast(dRhoE: number): number {
  const d = R_E_CM * dRhoE * 1e24;
  return d * d;
}

export interface PoreState {
  /** Volume fraction of the pores filled with sulfur before conversion (0..1). */
  sulfurFill: number;
  /** Fraction of that sulfur converted to Li2S (0..1). */
  li2sFraction: number;
}

/** Mean electron density [e/Å³] of a homogenised pore; Li2S beyond the pore volume lies outside it. */
export function poreElectronDensity(s: PoreState): number {
  const x = Math.min(Math.max(s.sulfurFill, 0), 1);
  const c = Math.min(Math.max(s.li2sFraction, 0), 1);
  const vS = x * (1 - c);
  const vL = Math.min(x * c * (V_LI2S / V_S), 1 - vS);
  return vS * RHO_E.sulfur + vL * RHO_E.li2s;
}

/**
 * Pore contrast relative to empty pores, ((ρ_C − ρ_pore)/ρ_C)²: 1 for empty pores, 0.55 with
 * 25 % sulfur filling, 0.42 once that sulfur is all Li2S (the paper's "factor 0.75", README §3).
 */
export function poreContrast(s: PoreState): number {
  const d = RHO_E.carbon - poreElectronDensity(s);
  return (d * d) / (RHO_E.carbon * RHO_E.carbon);
}

export interface PoreSaxsOptions {
  /** Multiplies the empty-pore intensity (use poreContrast). */
  contrast: number;
  /** Mean pore radius [nm] (default 1.35: the 2.7-nm pores). */
  radiusNm?: number;
  /** Relative width σ/R̄ of the Schulz distribution (default 0.25). */
  sigmaRel?: number;
  /** Pore volume fraction inside the carbon (default 0.35: PY hump at ≈2.1 nm⁻¹, README §5.2). */
  phiPore?: number;
  /** Volume fraction of porous carbon in the sample (default 1: per unit volume of carbon). */
  carbonFraction?: number;
}

/** Sphere amplitude 3(sin x − x cos x)/x³. */
export function sphereAmplitude(x: number): number {
  if (x < 1e-3) return 1 - (x * x) / 10;
  return (3 * (Math.sin(x) - x * Math.cos(x))) / (x * x * x);
}

/** Percus–Yevick hard-sphere S(q) (Kinning & Thomas 1984), radius R_hs [nm], volume fraction φ. */
export function percusYevick(q: number, rHs: number, phi: number): number {
  const a = Math.max(2 * q * rHs, 1e-4);
  const alpha = (1 + 2 * phi) ** 2 / (1 - phi) ** 4;
  const beta = (-6 * phi * (1 + phi / 2) ** 2) / (1 - phi) ** 4;
  const gamma = (phi * alpha) / 2;
  const s = Math.sin(a);
  const c = Math.cos(a);
  const g =
    (alpha * (s - a * c)) / a ** 2 +
    (beta * (2 * a * s + (2 - a * a) * c - 2)) / a ** 3 +
    (gamma * (-(a ** 4) * c + 4 * ((3 * a * a - 6) * c + (a ** 3 - 6 * a) * s + 6))) / a ** 5;
  return 1 / (1 + (24 * phi * g) / a);
}

/**
 * Polydisperse Schulz spheres per unit volume of scatterers: ⟨V²P(q)⟩/⟨V⟩ [nm³] on a q grid [nm⁻¹].
 * p(R) ∝ R^z e^{−(z+1)R/R̄}, z = 1/σ² − 1, integrated on 6σ below to 8σ above R̄ (saxs_models.py).
 */
export function schulzSpheres(qNm: Float64Array, rMean: number, sigmaRel: number, nR = 240): Float64Array {
  const z = 1 / (sigmaRel * sigmaRel) - 1;
  const r0 = Math.max(1e-3, rMean * (1 - 6 * sigmaRel));
  const r1 = rMean * (1 + 8 * sigmaRel);
  const dr = (r1 - r0) / (nR - 1);
  const rs = new Float64Array(nR);
  const w = new Float64Array(nR);
  let lnMax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < nR; i++) {
    rs[i] = r0 + i * dr;
    w[i] = z * Math.log(rs[i]!) - ((z + 1) * rs[i]!) / rMean;
    lnMax = Math.max(lnMax, w[i]!);
  }
  let vMean = 0;
  const v = new Float64Array(nR);
  for (let i = 0; i < nR; i++) {
    const t = i === 0 || i === nR - 1 ? 0.5 : 1; // trapezoid weights
    w[i] = Math.exp(w[i]! - lnMax) * t;
    v[i] = (4 / 3) * Math.PI * rs[i]! ** 3;
    vMean += w[i]! * v[i]!;
  }
  const out = new Float64Array(qNm.length);
  for (let j = 0; j < qNm.length; j++) {
    let s = 0;
    for (let i = 0; i < nR; i++) {
      const f = sphereAmplitude(qNm[j]! * rs[i]!);
      s += w[i]! * v[i]! * v[i]! * f * f;
    }
    out[j] = s / vMean; // ⟨V²P⟩/⟨V⟩: the weights' normalisation cancels
  }
  return out;
}

/**
 * SAXS of the templated carbon's pores [cm⁻¹ sr⁻¹]: empty pores against carbon at 2.0 g/cm³
 * ((ΔSLD)² = 2.87×10²² cm⁻⁴), times `contrast` (poreContrast) and `carbonFraction`.
 */
export function carbonPoreSaxs(qNm: Float64Array, opts: PoreSaxsOptions): Float64Array {
  const r = opts.radiusNm ?? 1.35;
  const phi = opts.phiPore ?? 0.35;
  const shape = schulzSpheres(qNm, r, opts.sigmaRel ?? 0.25);
  const k = phi * sldContrast(RHO_E.carbon) * 1e-21 * opts.contrast * (opts.carbonFraction ?? 1);
  for (let j = 0; j < qNm.length; j++) shape[j]! *= k * percusYevick(qNm[j]!, r, phi);
  return shape;
}

/** Electron density [e/Å³] of 1 M LiTFSI in DOL:DME 1:3 (≈1.10 g/cm³, 26:21:53 wt %) [estimate]. */
export const ELECTROLYTE_RHO_E =
  0.261 * electronDensity("LiC2F6NO4S2", 1.1) +
  0.214 * electronDensity("C3H6O2", 1.1) +
  0.525 * electronDensity("C4H10O2", 1.1);

export interface LiquidCellOptions {
  /** Volume fraction of solid sulfur domains in the wet cathode before dissolution (default 0.09). */
  sulfurFraction?: number;
  /** Mean radius [nm] of the sulfur domains (default 6; Schulz σ/R̄ = 0.4). */
  sulfurRadiusNm?: number;
  /** Volume fraction of Ketjenblack (default 0.18) and its DAB correlation length [nm] (default 4). */
  carbonFraction?: number;
  carbonCorrelationNm?: number;
  /** Rise of the electrolyte's electron density when all sulfur is dissolved [e/Å³] (default 0.04). */
  dissolvedRhoE?: number;
}

/**
 * Liquid-electrolyte Li–S cathode (Ketjenblack/S wetted by 1 M LiTFSI DOL/DME) [cm⁻¹ sr⁻¹], a model
 * for the paper's control experiment, where dissolution changes the SAXS most at 0.1–1 nm⁻¹. Solid
 * sulfur domains (Schulz spheres, R̄ ≈ 6 nm) shrink in volume as (1 − d) and lose contrast, and the
 * polysulfides raise the electrolyte's electron density, lowering the carbon/electrolyte contrast of
 * the Ketjenblack (Debye–Anderson–Brumberger term). d = dissolved fraction of the sulfur (0..1).
 * Parameters are illustrative estimates, not taken from the paper (its SI was not available).
 */
export function liquidCellSaxs(
  qNm: Float64Array,
  dissolvedFraction: number,
  opts: LiquidCellOptions = {},
): Float64Array {
  const d = Math.min(Math.max(dissolvedFraction, 0), 1);
  const phiS = (opts.sulfurFraction ?? 0.09) * (1 - d);
  const rhoEl = ELECTROLYTE_RHO_E + d * (opts.dissolvedRhoE ?? 0.04);
  const phiC = opts.carbonFraction ?? 0.18;
  const a = opts.carbonCorrelationNm ?? 4;
  const out = new Float64Array(qNm.length);
  if (phiS > 0) {
    const s = schulzSpheres(qNm, opts.sulfurRadiusNm ?? 6, 0.4);
    const k = phiS * sldContrast(RHO_E.sulfur - rhoEl) * 1e-21;
    for (let j = 0; j < qNm.length; j++) out[j] = k * s[j]!;
  }
  const kc = 8 * Math.PI * phiC * (1 - phiC) * sldContrast(RHO_E.carbon - rhoEl) * a ** 3 * 1e-21;
  for (let j = 0; j < qNm.length; j++) {
    const u = 1 + (qNm[j]! * a) ** 2;
    out[j]! += kc / (u * u);
  }
  return out;
}
