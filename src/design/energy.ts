/**
 * The photon energy of a design command: `--energy-kev E` or `--line CuKa|MoKa`, the weighted Kα
 * wavelengths (2Kα1 + Kα2)/3 of the lab tubes, 1.54184 Å and 0.71073 Å (International Tables C,
 * the values pymatgen's XRDCalculator uses), checked against the span of the embedded X-ray tables.
 */
import { HC_KEV_A } from "../physics/index.js";
import { InputError } from "../util/index.js";

/** Weighted Kα wavelengths [Å]. */
export const LINES = { CuKa: 1.54184, MoKa: 0.71073 } as const;
export type LineName = keyof typeof LINES;

/** The embedded μ/ρ and f′ f″ tables span this range [keV] (physics/xraydata.ts). */
export const ENERGY_RANGE_KEV = [5, 30] as const;

/** The beam of the paper's solid-state experiment (Elettra Austrian SAXS beamline) [keV]. */
export const PAPER_ENERGY_KEV = 16;

/** Photon energy [keV] from `--energy-kev` or `--line` (one of them), or `fallback` when neither is given. */
export function photonEnergyKeV(
  energyKeV: number | undefined,
  line: string | undefined,
  fallback?: number,
): number {
  if (energyKeV !== undefined && line !== undefined)
    throw new InputError("", "give --energy-kev or --line, not both");
  let e: number;
  if (line !== undefined) {
    const lambda = LINES[line as LineName];
    if (lambda === undefined)
      throw new InputError("", `--line must be one of ${Object.keys(LINES).join(", ")}, got "${line}"`);
    e = HC_KEV_A / lambda;
  } else if (energyKeV !== undefined) e = energyKeV;
  else if (fallback !== undefined) e = fallback;
  else throw new InputError("", "give the photon energy: --energy-kev E or --line CuKa|MoKa");
  const [lo, hi] = ENERGY_RANGE_KEV;
  if (!(e >= lo && e <= hi))
    throw new InputError(
      "",
      `photon energy ${e} keV is outside the ${lo}–${hi} keV of the embedded X-ray tables`,
    );
  return e;
}

/** Wavelength [Å] of a photon energy [keV]. */
export const wavelengthA = (energyKeV: number): number => HC_KEV_A / energyKeV;
