/**
 * Powder lines of a phase for `swaxs phases`: the reflections physics/ computes (Waasmaier–Kirfel f0,
 * Chantler f′ f″, the structure's Debye–Waller factors) with the powder-card intensity of an
 * unpolarised beam, I = m |F|² (1 + cos²2θ)/(sin²θ cosθ), scaled so the strongest line in the q
 * window is 100 — the convention of powder cards and of pymatgen's XRDCalculator.
 */
import { PHASES, type PhaseName, reflectionsOf, type Structure, structure } from "../physics/index.js";
import { InputError } from "../util/index.js";
import { wavelengthA } from "./energy.js";

export interface PowderLine {
  hkl: [number, number, number];
  d_A: number;
  q_nm: number;
  two_theta_deg: number;
  /** Number of hkl with non-zero F at this d (Friedel mates counted apart). */
  multiplicity: number;
  /** Lorentz–polarisation-weighted m|F|², strongest = 100. */
  intensity: number;
}

/** Default q window [nm⁻¹]: beyond the paper's WAXS range (16.9–34.7 nm⁻¹). */
export const DEFAULT_Q_RANGE_NM = [0, 40] as const;

/** Lines weaker than this (on the 0–100 scale) are left out, as pymatgen does. */
const MIN_INTENSITY = 1e-3;

/** A built-in phase by name (case-insensitive), or undefined. */
export function builtinPhase(name: string): Structure | undefined {
  const hit = PHASES.find((p) => p.toLowerCase() === name.toLowerCase());
  return hit ? structure(hit as PhaseName) : undefined;
}

/**
 * physics/ names a line by |h| |k| |l|; in an oblique cell (rhombohedral, monoclinic) the sign
 * matters (hematite's 1 0 −1 is not 1 0 1), so pick the largest-first signed index at this q.
 */
function signedHkl(s: Structure, hkl: [number, number, number], qNm: number): [number, number, number] {
  if (s.alpha === 90 && s.beta === 90 && s.gamma === 90) return hkl;
  const r = Math.PI / 180;
  const [ca, cb, cg] = [s.alpha, s.beta, s.gamma].map((x) => Math.cos(x * r)) as [number, number, number];
  const v = s.a * s.b * s.c * Math.sqrt(1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg);
  // reciprocal lengths and angle cosines → 1/d² = hᵀ G* h
  const sa = Math.sqrt(1 - ca * ca);
  const sb = Math.sqrt(1 - cb * cb);
  const sg = Math.sqrt(1 - cg * cg);
  const as = (s.b * s.c * sa) / v;
  const bs = (s.a * s.c * sb) / v;
  const cs = (s.a * s.b * sg) / v;
  const cas = (cb * cg - ca) / (sb * sg);
  const cbs = (ca * cg - cb) / (sa * sg);
  const cgs = (ca * cb - cg) / (sa * sb);
  const q = ([h, k, l]: number[]) =>
    20 *
    Math.PI *
    Math.sqrt(
      h! * h! * as * as +
        k! * k! * bs * bs +
        l! * l! * cs * cs +
        2 * (h! * k! * as * bs * cgs + h! * l! * as * cs * cbs + k! * l! * bs * cs * cas),
    );
  let best: [number, number, number] | null = null;
  for (const sh of [1, -1])
    for (const sk of [1, -1])
      for (const sl of [1, -1]) {
        const c: [number, number, number] = [sh * hkl[0], sk * hkl[1], sl * hkl[2]];
        if (Math.abs(q(c) - qNm) > 1e-6 * qNm) continue;
        if (
          !best ||
          c[0] > best[0] ||
          (c[0] === best[0] && (c[1] > best[1] || (c[1] === best[1] && c[2] > best[2])))
        )
          best = c;
      }
  return best ?? hkl;
}

/** The powder lines of a structure at a photon energy [keV] with qMin ≤ q ≤ qMax [nm⁻¹]. */
export function powderLines(
  s: Structure,
  energyKeV: number,
  qMinNm: number = DEFAULT_Q_RANGE_NM[0],
  qMaxNm: number = DEFAULT_Q_RANGE_NM[1],
): PowderLine[] {
  if (!(qMinNm >= 0 && qMaxNm > qMinNm))
    throw new InputError("", `need 0 ≤ --qmin < --qmax (nm⁻¹), got ${qMinNm} and ${qMaxNm}`);
  const lambdaA = wavelengthA(energyKeV);
  const rows = reflectionsOf(s, lambdaA * 1e-10, qMaxNm, qMinNm).map((r): PowderLine => {
    const th = (r.twoThetaDeg * Math.PI) / 360;
    const c2 = Math.cos(2 * th);
    const lp = (1 + c2 * c2) / (Math.sin(th) ** 2 * Math.cos(th));
    return {
      hkl: signedHkl(s, r.hkl, r.qNm),
      d_A: r.dA,
      q_nm: r.qNm,
      two_theta_deg: r.twoThetaDeg,
      multiplicity: r.multiplicity,
      intensity: r.multiplicity * r.f2 * lp,
    };
  });
  const max = Math.max(0, ...rows.map((r) => r.intensity));
  if (max === 0) return [];
  for (const r of rows) r.intensity = (100 * r.intensity) / max;
  return rows.filter((r) => r.intensity > MIN_INTENSITY);
}
