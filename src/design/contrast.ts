/**
 * SAXS contrast of a porous matrix whose pores are filled (the paper's "factor 0.75" argument, its
 * Table 2 of the SI; shared physics README §3). Electron density ρ_e = ρ N_A ΣZ / M; X-ray SLD =
 * r_e ρ_e, with f′ added to Z at a given energy. Pore scattering ∝ (Δρ)² between matrix and pore.
 *
 * The paper's number needs an assumption, because pores *completely* filled with S (ρ_e 0.622, just
 * above carbon's 0.602) and then with Li2S (0.479) give a contrast that grows 36-fold, not one that
 * drops by 0.75. Stated here as the homogenised-pore model: a fraction x of the pore volume holds
 * the first filling; converting it conserves the atoms of the heaviest element the two fillings
 * share (S), so the product takes (V_B/V_A per S atom) = 1.787× the volume, and the pore's mean
 * density goes from x ρ_A to min(1.787 x, 1) ρ_B. With x = 0.25: factor 0.756.
 */
import {
  AVOGADRO,
  anomalous,
  atomicMass,
  atomicNumber,
  electronDensity,
  parseFormula,
  R_E_CM,
} from "../physics/index.js";
import { InputError } from "../util/index.js";

/** The pore filling the paper's factor 0.75 implies (shared physics README §0.5, §3). */
export const PAPER_PORE_FILL = 0.25;

export interface Phase {
  formula: string;
  densityGCm3: number;
}

export interface PhaseContrast {
  formula: string;
  density_g_cm3: number;
  /** [e/Å³] */
  electron_density_e_A3: number;
  /** X-ray SLD [10⁻⁶ Å⁻²]: r_e Σ n_i (Z_i + f′_i) per volume (f′ only with an energy). */
  sld_1e_6_A2: number;
}

export interface FillingContrast extends PhaseContrast {
  /** SLD difference matrix − filled pore [10⁻⁶ Å⁻²], pores completely filled. */
  delta_sld_1e_6_A2: number;
  /** (ΔSLD)² [10⁻¹² Å⁻⁴] and the same in cm⁻⁴ (× 10²⁰). */
  delta_sld_sq_1e_12_A4: number;
  delta_sld_sq_cm4: number;
  /** (Δρ)² relative to empty pores: the pore scattering left once the pores are full. */
  ratio_to_empty: number;
}

export interface Conversion {
  from: string;
  to: string;
  /** The element whose atoms the conversion conserves (null: the product takes the same volume). */
  conserved_element: string | null;
  /** Volume of the product per volume of the first filling. */
  volume_ratio: number;
  /** (Δρ)² after / before with pores completely filled by each. */
  ratio_full_pores: number;
  /** The stated assumption: fraction of the pore volume the first filling takes. */
  pore_fill: number;
  /** Fraction of the pore volume the product takes (capped at 1: then it overflows the pores). */
  pore_fill_after: number;
  overflows: boolean;
  /** (Δρ)² after / before in the homogenised-pore model: the paper's factor. */
  ratio: number;
}

export interface ContrastResult {
  energy_kev: number | null;
  matrix: PhaseContrast;
  fillings: FillingContrast[];
  conversions: Conversion[];
  assumption: string;
}

/** "C:2.0" → {formula C, density 2.0}. */
export function parsePhase(spec: string, flag: string): Phase {
  const m = /^([A-Za-z0-9.]+):([0-9.eE+-]+)$/.exec(spec.trim());
  const density = m ? Number(m[2]) : Number.NaN;
  if (!m || !(density > 0))
    throw new InputError("", `${flag} takes FORMULA:DENSITY_G_CM3 (e.g. S:2.07), got "${spec}"`);
  formulaOrThrow(m[1]!, flag);
  return { formula: m[1]!, densityGCm3: density };
}

function formulaOrThrow(formula: string, flag: string): Record<string, number> {
  try {
    return parseFormula(formula);
  } catch (err) {
    throw new InputError("", `${flag} "${formula}": ${(err as Error).message}`);
  }
}

/** SLD [10⁻⁶ Å⁻²] of a phase, with f′ at `energyKeV` when given. */
export function xraySld(p: Phase, energyKeV?: number): number {
  const n = parseFormula(p.formula);
  let z = 0;
  let mass = 0;
  for (const [el, k] of Object.entries(n)) {
    z += k * (atomicNumber(el) + (energyKeV === undefined ? 0 : anomalous(el, energyKeV).fp));
    mass += k * atomicMass(el);
  }
  const perCm3 = (p.densityGCm3 * AVOGADRO * z) / mass; // electrons (incl. f′) per cm³
  return R_E_CM * perCm3 * 1e-16 * 1e6;
}

function describe(p: Phase, energyKeV?: number): PhaseContrast {
  return {
    formula: p.formula,
    density_g_cm3: p.densityGCm3,
    electron_density_e_A3: electronDensity(p.formula, p.densityGCm3),
    sld_1e_6_A2: xraySld(p, energyKeV),
  };
}

/** Molar volume [cm³/mol] per atom of `element` in a phase. */
function volumePerAtom(p: Phase, element: string): number {
  const n = parseFormula(p.formula);
  let mass = 0;
  for (const [el, k] of Object.entries(n)) mass += k * atomicMass(el);
  return mass / p.densityGCm3 / n[element]!;
}

/** The heaviest element two formulas share, or null. */
function sharedElement(a: string, b: string): string | null {
  const nb = parseFormula(b);
  const common = Object.keys(parseFormula(a)).filter((el) => nb[el] !== undefined);
  common.sort((u, v) => atomicNumber(v) - atomicNumber(u));
  return common[0] ?? null;
}

/** Electron densities, SLDs and pore contrasts of a matrix and its pore fillings (see the module note). */
export function poreContrasts(
  matrix: Phase,
  fillings: Phase[],
  opts: { energyKeV?: number; poreFill?: number } = {},
): ContrastResult {
  const e = opts.energyKeV;
  const x = opts.poreFill ?? PAPER_PORE_FILL;
  if (!(x > 0 && x <= 1)) throw new InputError("", `--pore-fill must be in (0, 1], got ${x}`);
  if (fillings.length === 0)
    throw new InputError("", "give at least one --pores-filled-with FORMULA:DENSITY");
  const m = describe(matrix, e);
  const sq = (v: number) => v * v;
  const rows: FillingContrast[] = fillings.map((f) => {
    const d = describe(f, e);
    const delta = m.sld_1e_6_A2 - d.sld_1e_6_A2;
    return {
      ...d,
      delta_sld_1e_6_A2: delta,
      delta_sld_sq_1e_12_A4: sq(delta),
      delta_sld_sq_cm4: sq(delta) * 1e20,
      ratio_to_empty: sq(delta) / sq(m.sld_1e_6_A2),
    };
  });
  const first = fillings[0]!;
  const a = rows[0]!;
  const conversions = fillings.slice(1).map((f, i): Conversion => {
    const b = rows[i + 1]!;
    const el = sharedElement(first.formula, f.formula);
    const r = el ? volumePerAtom(f, el) / volumePerAtom(first, el) : 1;
    const after = x * r;
    const before = sq(m.sld_1e_6_A2 - x * a.sld_1e_6_A2);
    return {
      from: first.formula,
      to: f.formula,
      conserved_element: el,
      volume_ratio: r,
      ratio_full_pores: b.delta_sld_sq_1e_12_A4 / a.delta_sld_sq_1e_12_A4,
      pore_fill: x,
      pore_fill_after: Math.min(after, 1),
      overflows: after > 1,
      ratio: sq(m.sld_1e_6_A2 - Math.min(after, 1) * b.sld_1e_6_A2) / before,
    };
  });
  return {
    energy_kev: e ?? null,
    matrix: m,
    fillings: rows,
    conversions,
    assumption:
      `homogenised pores: the first filling takes ${x} of the pore volume; converting it conserves the ` +
      "atoms of the heaviest shared element, so the product fills volume_ratio × as much; the pore's " +
      "mean SLD is fill × SLD of what fills it, and pore scattering ∝ (SLD_matrix − SLD_pore)²",
  };
}
