/**
 * Reflection positions (q = 2π/d) of the cell's phases, for the tick marks on WAXS curves and
 * heatmaps. Computed from the digital twin's crystal structures; lithium metal is not among them,
 * so its bcc cell is given here.
 */
import { type Reflection, reflections, reflectionsOf } from "./reflections.js";
import type { Structure } from "./structures.js";

/** One phase's reflection ticks. */
export interface PhaseReflections {
  phase: string;
  /** q = 2π/d, in the detector's q units. */
  q: number[];
  hkl: string[];
}

/** The phases the paper marks: Li2S (product), In (anode), Li6PS5Cl (electrolyte), S8, Li. */
const PHASES = ["Li2S", "In", "Li6PS5Cl", "S8"] as const;

/** bcc Li, Im-3m, a = 3.51 Å (room temperature), B = 3 Å² (a light, soft metal). */
const LITHIUM: Structure = {
  name: "Li",
  a: 3.51,
  b: 3.51,
  c: 3.51,
  alpha: 90,
  beta: 90,
  gamma: 90,
  atoms: [
    { species: "Li", x: 0, y: 0, z: 0, occ: 1, b: 3 },
    { species: "Li", x: 0.5, y: 0.5, z: 0.5, occ: 1, b: 3 },
  ],
  source: "bcc Li, a = 3.51 Å",
};

/**
 * The positions do not depend on the wavelength; it only enters the (anomalous) intensities used
 * to keep the strongest reflections, so a nominal 1 Å does.
 */
const NOMINAL_WAVELENGTH_M = 1e-10;
/** Per phase, at most this many reflections and none weaker than this fraction of the strongest. */
const MAX_PER_PHASE = 30;
const MIN_RELATIVE = 0.01;

function strongest(list: Reflection[]): Reflection[] {
  const top = Math.max(0, ...list.map((r) => r.intensity));
  return list
    .filter((r) => r.intensity >= MIN_RELATIVE * top)
    .sort((a, b) => b.intensity - a.intensity)
    .slice(0, MAX_PER_PHASE)
    .sort((a, b) => a.qNm - b.qNm);
}

/**
 * Reflections inside [qMin, qMax]. `qPerNm` converts from nm⁻¹ to the detector's q unit
 * (1 for 1/nm, 0.1 for 1/Å); detectors in 2θ get none.
 */
export function phaseReflections(qMin: number, qMax: number, qPerNm: number): PhaseReflections[] {
  if (!(qPerNm > 0) || !(qMax > qMin)) return [];
  const lo = qMin / qPerNm;
  const hi = qMax / qPerNm;
  const lists: [string, Reflection[]][] = PHASES.map((p) => [
    p,
    reflections(p, NOMINAL_WAVELENGTH_M, hi, lo),
  ]);
  lists.push(["Li", reflectionsOf(LITHIUM, NOMINAL_WAVELENGTH_M, hi, lo)]);
  return lists.map(([phase, list]) => {
    const kept = strongest(list);
    return { phase, q: kept.map((r) => r.qNm * qPerNm), hkl: kept.map((r) => r.hkl.join("")) };
  });
}
