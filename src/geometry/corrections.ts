/**
 * Intensity corrections that depend only on geometry (pyFAI `geometry.py`).
 */
import type { PixelCentres } from "./pixels.js";
import type { Calibration } from "./types.js";

/**
 * Relative solid angle cos³α (α = incidence on the detector plane, from the PONI, not the beam):
 * 1 at the PONI. pyFAI's `integrate1d` always uses this relative form (`diffSolidAngle`, order 3).
 */
export function solidAngleRelative(c: PixelCentres): Float64Array {
  const out = new Float64Array(c.cosIncidence.length);
  for (let k = 0; k < out.length; k++) out[k] = solidAngleAt(c.cosIncidence[k]!);
  return out;
}

/** cos³α of one pixel (see `solidAngleRelative`). */
export function solidAngleAt(cosIncidence: number): number {
  return cosIncidence * cosIncidence * cosIncidence;
}

/** Absolute solid angle of each pixel [sr]: pixel1·pixel2/L² · cos³α (`solidAngleArray(absolute=True)`). */
export function solidAngleAbsolute(c: PixelCentres, cal: Calibration): Float64Array {
  const k0 = (cal.detector.pixel1M * cal.detector.pixel2M) / (cal.distM * cal.distM);
  const rel = solidAngleRelative(c);
  for (let k = 0; k < rel.length; k++) rel[k] = rel[k]! * k0;
  return rel;
}

/**
 * Polarisation factor P (data are divided by it), stored float32 as pyFAI does:
 *   P = ½·(1 + cos²2θ − f·cos(2(χ + offset))·(1 − cos²2θ))
 * f ∈ [−1, 1]: +1 fully polarised in the horizontal plane (χ = 0), 0 unpolarised.
 */
export function polarization(c: PixelCentres, factor: number, axisOffsetRad = 0): Float32Array {
  const out = new Float32Array(c.tthRad.length);
  for (let k = 0; k < out.length; k++)
    out[k] = polarizationAt(c.tthRad[k]!, c.chiRad[k]!, factor, axisOffsetRad);
  return out;
}

/** P of one pixel in float64 (see `polarization`; stored float32 there). */
export function polarizationAt(tthRad: number, chiRad: number, factor: number, axisOffsetRad = 0): number {
  const ct = Math.cos(tthRad);
  const cos2 = ct * ct;
  return 0.5 * (1.0 + cos2 - factor * Math.cos(2.0 * (chiRad + axisOffsetRad)) * (1.0 - cos2));
}
