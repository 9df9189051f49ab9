/**
 * X-ray attenuation of the cell's materials (README §2): elemental μ/ρ (Elam 2002, xraydata.ts), the
 * mixture rule μ/ρ = Σ w_i (μ/ρ)_i over mass fractions, and Beer–Lambert through a stack of layers.
 */
import { massFractions, muRhoElement } from "./xray.js";

export interface Material {
  /** A chemical formula, or mass fractions of formulas / other material names. */
  composition: string | Record<string, number>;
  /** Default density [g/cm³]. */
  density: number;
  note: string;
}

// Liquid electrolyte 1 M LiTFSI in DOL:DME 1:3 v/v at ≈1.10 g/cm³ [estimate]: per litre 287 g LiTFSI and
// 813 g solvent split by volume 1:3 (DOL 1.06, DME 0.867 g/cm³) → 26 : 21 : 53 wt %.
const ELECTROLYTE = { LiC2F6NO4S2: 0.261, C3H6O2: 0.214, C4H10O2: 0.525 };
// Borosilicate glass-fibre separator [typical oxide composition, estimate].
const GLASS = { SiO2: 0.7, B2O3: 0.1, Na2O: 0.1, Al2O3: 0.05, CaO: 0.05 };

export const MATERIALS: Record<string, Material> = {
  PEEK: { composition: "C19H12O3", density: 1.3, note: "cell body and 2 × 0.5 mm windows" },
  Li6PS5Cl: { composition: "Li6PS5Cl", density: 1.64, note: "pellet density (≈88 % of 1.865)" },
  Li2S: { composition: "Li2S", density: 1.66, note: "" },
  S: { composition: "S", density: 2.07, note: "α-S8" },
  C: { composition: "C", density: 2.0, note: "templated carbon, skeletal density (assumption)" },
  cathode: {
    composition: { Li6PS5Cl: 0.5, S: 0.3, C: 0.2 },
    density: 1.82,
    note: "Li6PS5Cl:S:C 50:30:20 wt, pore-free mixture density 1/ρ = Σ w/ρ (README §2.2)",
  },
  In: { composition: "In", density: 7.31, note: "" },
  LiIn: { composition: "LiIn", density: 5.18, note: "X-ray density, a = 6.786 Å, Z = 8" },
  Li: { composition: "Li", density: 0.534, note: "" },
  steel: {
    composition: { Fe: 0.655, Cr: 0.17, Ni: 0.12, Mo: 0.025, Mn: 0.02, C: 0.0003 },
    density: 7.99,
    note: "SS316L, approximate composition (README §2)",
  },
  electrolyte: { composition: ELECTROLYTE, density: 1.1, note: "1 M LiTFSI in DOL:DME 1:3 v/v [estimate]" },
  glass: { composition: GLASS, density: 2.5, note: "borosilicate glass fibre [estimate]" },
  "separator-liquid": {
    // 10 vol % glass (0.25 g) + 90 vol % electrolyte (0.99 g) per cm³
    composition: { glass: 0.2016, electrolyte: 0.7984 },
    density: 1.24,
    note: "glass-fibre separator, 90 % porosity, soaked in electrolyte [estimate]",
  },
  "ketjenblack-s": {
    composition: { C: 0.6, S: 0.3, C2F4: 0.1 },
    density: 2.04,
    note: "Ketjenblack:S 2:1 wt + 10 wt % PTFE, pore-free solid density",
  },
  "cathode-liquid": {
    // 30 vol % solid (0.612 g) + 70 vol % electrolyte (0.77 g) per cm³
    composition: { "ketjenblack-s": 0.4428, electrolyte: 0.5572 },
    density: 1.382,
    note: "KB/S/PTFE sheet, 70 % of its volume electrolyte [estimate]",
  },
};

/** Element mass fractions of a material name or chemical formula. */
export function elementFractions(material: string): Record<string, number> {
  const m = MATERIALS[material];
  if (!m) return massFractions(material);
  if (typeof m.composition === "string") return massFractions(m.composition);
  const out: Record<string, number> = {};
  let total = 0;
  for (const [part, w] of Object.entries(m.composition)) {
    for (const [el, we] of Object.entries(elementFractions(part))) out[el] = (out[el] ?? 0) + w * we;
    total += w;
  }
  for (const el of Object.keys(out)) out[el]! /= total;
  return out;
}

/** Mass attenuation coefficient μ/ρ [cm²/g] of a material (or formula) by the mixture rule. */
export function muRho(material: string, energyKeV: number): number {
  let s = 0;
  for (const [el, w] of Object.entries(elementFractions(material))) s += w * muRhoElement(el, energyKeV);
  return s;
}

/** Linear attenuation coefficient μ [1/cm] at the material's default density unless one is given. */
export function mu(material: string, energyKeV: number, density?: number): number {
  const rho = density ?? MATERIALS[material]?.density;
  if (rho === undefined) throw new Error(`no default density for ${material}; pass one`);
  return muRho(material, energyKeV) * rho;
}

export interface Layer {
  material: string;
  thicknessMm: number;
  /** g/cm³; the material's default when omitted. */
  density?: number;
}

/** Transmission exp(−Σ μ_i t_i) of a stack of layers at one photon energy [keV]. */
export function transmission(layers: Layer[], energyKeV: number): number {
  let mut = 0;
  for (const l of layers) mut += mu(l.material, energyKeV, l.density) * (l.thicknessMm / 10);
  return Math.exp(-mut);
}
