/**
 * Radial units of integration, as pyFAI names them (pyFAI/units.py). Every unit is computed in an
 * internal base ("q_nm^-1" or "2th_rad") and multiplied by `scale` only on output: pyFAI builds its
 * pixel→bin matrices in the unscaled unit (`array_from_unit(..., scale=False)`), and copying that keeps
 * the float32 rounding of the corner positions, hence the bin boundaries, identical to pyFAI's.
 */
export type RadialUnitName = "q_nm^-1" | "q_A^-1" | "2th_deg" | "2th_rad";

export interface RadialUnit {
  name: RadialUnitName;
  base: "q_nm^-1" | "2th_rad";
  /** output value = base value × scale */
  scale: number;
  /** Column label and units for outputs. */
  label: string;
  units: string;
}

const UNITS: Record<RadialUnitName, RadialUnit> = {
  "q_nm^-1": { name: "q_nm^-1", base: "q_nm^-1", scale: 1, label: "q", units: "1/nm" },
  "q_A^-1": { name: "q_A^-1", base: "q_nm^-1", scale: 0.1, label: "q", units: "1/angstrom" },
  "2th_deg": { name: "2th_deg", base: "2th_rad", scale: 180 / Math.PI, label: "2th", units: "deg" },
  "2th_rad": { name: "2th_rad", base: "2th_rad", scale: 1, label: "2th", units: "rad" },
};

export const RADIAL_UNIT_NAMES = Object.keys(UNITS) as RadialUnitName[];

/** Look a unit up by its pyFAI name; accepts a few common spellings ("q_nm-1", "q_A-1", "2theta_deg"). */
export function radialUnit(name: string): RadialUnit | null {
  const key = name
    .trim()
    .replace(/^2theta/i, "2th")
    .replace(/\^?-1$/, "^-1")
    .replace(/_a\^/i, "_A^");
  return (UNITS as Record<string, RadialUnit>)[key] ?? null;
}

/** q [nm⁻¹] from 2θ [rad]: q = 4π/λ · sin(2θ/2), λ in m, ×1e-9 for nm⁻¹ (pyFAI `f_q`). */
export function qNmFromTth(tthRad: number, wavelengthM: number): number {
  return ((4.0e-9 * Math.PI) / wavelengthM) * Math.sin(tthRad / 2.0);
}
