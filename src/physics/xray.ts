/**
 * Element-level X-ray quantities from the embedded XrayDB tables (xraydata.ts): atomic form factors
 * f0(s) (Waasmaier & Kirfel 1995), anomalous f′ f″ (Chantler) and mass attenuation μ/ρ (Elam 2002),
 * plus chemical formulas → atom counts and mass fractions.
 */
import { ELEMENTS, WK_F0, XRAY_TABLE } from "./xraydata.js";

/** hc [keV·Å]. */
export const HC_KEV_A = 12.398419843320026;
/** Classical electron radius [cm]. */
export const R_E_CM = 2.8179403262e-13;
export const AVOGADRO = 6.02214076e23;

/** Photon energy [keV] of a wavelength [m]. */
export function energyKeVOf(wavelengthM: number): number {
  return HC_KEV_A / (wavelengthM * 1e10);
}

/** The element of a species name: "Li1+" → "Li", "Cl1-" → "Cl". */
export function elementOf(species: string): string {
  return species.replace(/[0-9+-]+$/, "");
}

/** Whether a Waasmaier–Kirfel f0 exists for a species name ("Na", "Li1+"). */
export function hasF0(species: string): boolean {
  return WK_F0[species] !== undefined;
}

/** f0(s) [electrons] at s = sinθ/λ = q/4π [Å⁻¹] (Waasmaier–Kirfel 5-Gaussian fit). */
export function f0(species: string, s: number): number {
  const c = WK_F0[species];
  if (!c) throw new Error(`no Waasmaier–Kirfel f0 for ${species}`);
  const s2 = s * s;
  let f = c[5]!;
  for (let i = 0; i < 5; i++) f += c[i]! * Math.exp(-c[6 + i]! * s2);
  return f;
}

function bracket(e: readonly number[], x: number): number {
  if (x <= e[0]!) return 0;
  if (x >= e[e.length - 1]!) return e.length - 2;
  let lo = 0;
  let hi = e.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (e[mid]! <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

function table(element: string) {
  const t = XRAY_TABLE[element];
  if (!t) throw new Error(`no X-ray table for element ${element}`);
  return t;
}

/**
 * Total mass attenuation μ/ρ [cm²/g] of an element (Elam). Log-log interpolation between grid points;
 * the grid has points 1 eV either side of every edge in 5–30 keV, so no interval straddles an edge.
 */
export function muRhoElement(element: string, energyKeV: number): number {
  const t = table(element);
  if (energyKeV < t.e[0]! || energyKeV > t.e[t.e.length - 1]!) {
    throw new RangeError(`μ/ρ tabulated for ${t.e[0]}–${t.e[t.e.length - 1]} keV, got ${energyKeV}`);
  }
  const i = bracket(t.e, energyKeV);
  const x0 = Math.log(t.e[i]!);
  const x1 = Math.log(t.e[i + 1]!);
  const y0 = Math.log(t.muRho[i]!);
  const y1 = Math.log(t.muRho[i + 1]!);
  return Math.exp(y0 + ((Math.log(energyKeV) - x0) * (y1 - y0)) / (x1 - x0));
}

/** Anomalous f′, f″ [electrons] of an element (Chantler), linear in energy, clamped to 5–30 keV. */
export function anomalous(element: string, energyKeV: number): { fp: number; fpp: number } {
  const t = table(element);
  const e = Math.min(Math.max(energyKeV, t.e[0]!), t.e[t.e.length - 1]!);
  const i = bracket(t.e, e);
  const w = (e - t.e[i]!) / (t.e[i + 1]! - t.e[i]!);
  return {
    fp: t.fp[i]! + w * (t.fp[i + 1]! - t.fp[i]!),
    fpp: t.fpp[i]! + w * (t.fpp[i + 1]! - t.fpp[i]!),
  };
}

export function atomicNumber(element: string): number {
  const el = ELEMENTS[element];
  if (!el) throw new Error(`unknown element ${element}`);
  return el.z;
}

export function atomicMass(element: string): number {
  const el = ELEMENTS[element];
  if (!el) throw new Error(`unknown element ${element}`);
  return el.mass;
}

/** "Li6PS5Cl" → { Li: 6, P: 1, S: 5, Cl: 1 }; "C19H12O3" likewise (no brackets needed here). */
export function parseFormula(formula: string): Record<string, number> {
  const out: Record<string, number> = {};
  const re = /([A-Z][a-z]?)(\d*\.?\d*)/g;
  let consumed = 0;
  for (const m of formula.matchAll(re)) {
    if (m[0] === "") continue;
    atomicNumber(m[1]!); // throws on unknown symbols
    out[m[1]!] = (out[m[1]!] ?? 0) + (m[2] ? Number(m[2]) : 1);
    consumed += m[0].length;
  }
  if (consumed !== formula.length) throw new Error(`cannot parse formula ${formula}`);
  return out;
}

/** Mass fractions of the elements of a formula. */
export function massFractions(formula: string): Record<string, number> {
  const n = parseFormula(formula);
  let m = 0;
  for (const [el, k] of Object.entries(n)) m += k * atomicMass(el);
  const out: Record<string, number> = {};
  for (const [el, k] of Object.entries(n)) out[el] = (k * atomicMass(el)) / m;
  return out;
}

/** Electron density [e/Å³] of a compound at mass density ρ [g/cm³]: ρ N_A ΣZ / M (README §3). */
export function electronDensity(formula: string, density: number): number {
  const n = parseFormula(formula);
  let z = 0;
  let m = 0;
  for (const [el, k] of Object.entries(n)) {
    z += k * atomicNumber(el);
    m += k * atomicMass(el);
  }
  return (density * AVOGADRO * z) / m / 1e24;
}
