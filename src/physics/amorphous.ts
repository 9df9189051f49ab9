/**
 * Diffuse scattering of the amorphous parts (PEEK windows, carbon, glass fibre, liquid electrolyte),
 * absolute scale dΣ/dΩ [cm⁻¹ sr⁻¹] per unit volume of the material, q in nm⁻¹:
 *
 *   dΣ/dΩ = r_e² Σ_el n_el [ f_el(q)² · S(q) + Z_el (1 − (f_el/Z_el)²) ]
 *
 * n_el atoms per cm³, f the Waasmaier–Kirfel f0, S(q) a model structure factor: a low-q plateau S0
 * (compressibility) rising to 1, plus Gaussian humps at the halo positions. The second term is
 * Compton scattering in the simple Waller–Hartree form without exchange, good enough as a smooth
 * background. Halo positions: PEEK ≈13.8 nm⁻¹ (README §1.2); the others are typical values [estimate].
 */
import { elementFractions, MATERIALS } from "./attenuation.js";
import { AVOGADRO, atomicMass, atomicNumber, f0, R_E_CM } from "./xray.js";

export interface Hump {
  q: number;
  fwhm: number;
  amp: number;
}

export interface AmorphousModel {
  material: string;
  density?: number;
  humps: Hump[];
  /** S(q → 0) (default 0.05). */
  s0?: number;
}

export const AMORPHOUS: Record<string, AmorphousModel> = {
  PEEK: {
    material: "PEEK",
    humps: [
      { q: 13.8, fwhm: 6, amp: 1.4 },
      { q: 31, fwhm: 10, amp: 0.25 },
    ],
  },
  carbon: {
    material: "C",
    humps: [
      { q: 17.5, fwhm: 6, amp: 1.2 }, // turbostratic (002)
      { q: 30, fwhm: 5, amp: 0.4 }, // (10)
    ],
  },
  "separator-liquid": {
    material: "separator-liquid",
    humps: [
      { q: 14.5, fwhm: 6, amp: 1.2 },
      { q: 30, fwhm: 10, amp: 0.2 },
    ],
  },
};

/** dΣ/dΩ [cm⁻¹ sr⁻¹] of an amorphous material on a q grid [nm⁻¹]. */
export function amorphousScattering(qNm: Float64Array, model: AmorphousModel): Float64Array {
  const rho = model.density ?? MATERIALS[model.material]?.density;
  if (rho === undefined) throw new Error(`no density for ${model.material}`);
  const els = Object.entries(elementFractions(model.material)).map(([el, w]) => ({
    el,
    n: (rho * w * AVOGADRO) / atomicMass(el),
    z: atomicNumber(el),
  }));
  const s0 = model.s0 ?? 0.05;
  const re2 = R_E_CM * R_E_CM;
  const out = new Float64Array(qNm.length);
  for (let j = 0; j < qNm.length; j++) {
    const q = qNm[j]!;
    const s = q / 10 / (4 * Math.PI);
    let sq = 1 - (1 - s0) * Math.exp(-((q / 8) ** 2));
    for (const h of model.humps) sq += h.amp * Math.exp((-4 * Math.LN2 * (q - h.q) ** 2) / (h.fwhm * h.fwhm));
    let sum = 0;
    for (const { el, n, z } of els) {
      const f = f0(el, s);
      sum += n * (f * f * sq + z * (1 - (f / z) ** 2));
    }
    out[j] = re2 * sum;
  }
  return out;
}

/** Amorphous PEEK (1.30 g/cm³) halo at ≈13.8 nm⁻¹ [cm⁻¹ sr⁻¹] (README §1.2). */
export function peekHalo(qNm: Float64Array): Float64Array {
  return amorphousScattering(qNm, AMORPHOUS["PEEK"]!);
}

/** Diffuse scattering of "PEEK", "carbon" or "separator-liquid" (glass fibre + electrolyte). */
export function amorphousHalo(name: string, qNm: Float64Array): Float64Array {
  const m = AMORPHOUS[name];
  if (!m) throw new Error(`no amorphous model ${name}; known: ${Object.keys(AMORPHOUS).join(", ")}`);
  return amorphousScattering(qNm, m);
}
