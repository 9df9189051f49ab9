/**
 * Powder reflections of a structure: enumerate hkl inside a q range, compute F with Waasmaier–Kirfel
 * f0 + Chantler f′ f″ and the Debye–Waller factors, group equal d-spacings (multiplicities come out
 * of the structure itself), and put each ring on the absolute scale of README §1.3:
 *
 *   dΣ/dΩ(q) = φ · r_e² (2π)³/(4π V_c²) · Σ_hkl m|F|²/q_hkl² · Φ(q − q_hkl) · P(2θ, φ_az)
 *
 * The 1/q² is the Lorentz factor in q space (powder average δ(q−G)/(4πG²)); in 2θ it becomes the
 * familiar 1/(sin²θ cosθ) through dq/d2θ = (2π/λ) cosθ. `intensity` leaves P out, because the
 * detector renderer applies pyFAI's per-pixel polarisation factor; `polarisation` holds the
 * azimuthal average P̄ = (1 + cos²2θ)/2 for callers that want an azimuthally averaged 1D curve.
 */
import { cellVolume, type PhaseName, type Structure, structure } from "./structures.js";
import { anomalous, elementOf, energyKeVOf, f0, R_E_CM } from "./xray.js";

export interface Reflection {
  /** A representative index of the group (the largest-index member with all indices ≥ 0 where possible). */
  hkl: [number, number, number];
  /** d-spacing [Å]. */
  dA: number;
  /** q = 2π/d [nm⁻¹]. */
  qNm: number;
  /** Number of hkl in the group with non-zero F (Friedel mates counted separately). */
  multiplicity: number;
  /** Mean |F|² per unit cell over the group [electrons²] (Σ|F|² = multiplicity · f2). */
  f2: number;
  /**
   * Integrated powder intensity per unit volume of the phase: r_e²(2π)³/(4πV_c²)·m|F|²/q² in
   * cm⁻¹ sr⁻¹ · nm⁻¹, i.e. multiplied by a unit-area profile in nm⁻¹ it gives dΣ/dΩ in cm⁻¹ sr⁻¹
   * (volume fraction 1). Lorentz factor included, polarisation not (see `polarisation`).
   */
  intensity: number;
  /** Azimuthally averaged polarisation P̄ = (1 + cos²2θ)/2 at this wavelength (also the lab-tube value). */
  polarisation: number;
  /** Bragg angle 2θ [deg] at this wavelength. */
  twoThetaDeg: number;
}

/** Reciprocal metric tensor G* (Å⁻²) from the direct cell: 1/d² = hᵀ G* h. */
function reciprocalMetric(s: Structure): number[] {
  const r = Math.PI / 180;
  const g = [
    s.a * s.a,
    s.a * s.b * Math.cos(s.gamma * r),
    s.a * s.c * Math.cos(s.beta * r),
    s.b * s.b,
    s.b * s.c * Math.cos(s.alpha * r),
    s.c * s.c,
  ];
  const [g11, g12, g13, g22, g23, g33] = g as [number, number, number, number, number, number];
  const det = g11 * (g22 * g33 - g23 * g23) - g12 * (g12 * g33 - g23 * g13) + g13 * (g12 * g23 - g22 * g13);
  return [
    (g22 * g33 - g23 * g23) / det,
    (g13 * g23 - g12 * g33) / det,
    (g12 * g23 - g13 * g22) / det,
    (g11 * g33 - g13 * g13) / det,
    (g12 * g13 - g11 * g23) / det,
    (g11 * g22 - g12 * g12) / det,
  ];
}

interface Candidate {
  h: number;
  k: number;
  l: number;
  q: number; // Å⁻¹
  f2: number;
}

/** Reflections of a structure for wavelength λ [m] with qMin ≤ q ≤ qMax [nm⁻¹]. */
export function reflectionsOf(s: Structure, wavelengthM: number, qMaxNm: number, qMinNm = 0): Reflection[] {
  const lambdaA = wavelengthM * 1e10;
  const eKeV = energyKeVOf(wavelengthM);
  const qMaxA = Math.min(qMaxNm / 10, (4 * Math.PI) / lambdaA); // beyond 2θ = 180° nothing is reachable
  const qMinA = Math.max(qMinNm / 10, 1e-9);
  const gs = reciprocalMetric(s);
  const [s11, s12, s13, s22, s23, s33] = gs as [number, number, number, number, number, number];
  const gMax = qMaxA / (2 * Math.PI); // |G| = 1/d ≤ gMax ⇒ |h| ≤ gMax·a
  const hMax = Math.floor(gMax * s.a + 1e-9);
  const kMax = Math.floor(gMax * s.b + 1e-9);
  const lMax = Math.floor(gMax * s.c + 1e-9);

  // atoms sharing species and B share f(s)
  const kinds = new Map<string, { species: string; b: number; fp: number; fpp: number; idx: number[] }>();
  s.atoms.forEach((at, i) => {
    const key = `${at.species}|${at.b}`;
    let k = kinds.get(key);
    if (!k) {
      const { fp, fpp } = anomalous(elementOf(at.species), eKeV);
      k = { species: at.species, b: at.b, fp, fpp, idx: [] };
      kinds.set(key, k);
    }
    k.idx.push(i);
  });
  const kindList = [...kinds.values()];
  const xs = s.atoms.map((a) => a.x);
  const ys = s.atoms.map((a) => a.y);
  const zs = s.atoms.map((a) => a.z);
  const occ = s.atoms.map((a) => a.occ);

  const cands: Candidate[] = [];
  let f2Max = 0;
  for (let h = -hMax; h <= hMax; h++) {
    for (let k = -kMax; k <= kMax; k++) {
      for (let l = -lMax; l <= lMax; l++) {
        if (h === 0 && k === 0 && l === 0) continue;
        const inv2 = s11 * h * h + s22 * k * k + s33 * l * l + 2 * (s12 * h * k + s13 * h * l + s23 * k * l);
        const q = 2 * Math.PI * Math.sqrt(inv2);
        if (q > qMaxA || q < qMinA) continue;
        const sv = q / (4 * Math.PI);
        let re = 0;
        let im = 0;
        for (const kind of kindList) {
          const dw = Math.exp(-kind.b * sv * sv);
          const fr = (f0(kind.species, sv) + kind.fp) * dw;
          const fi = kind.fpp * dw;
          let cr = 0;
          let ci = 0;
          for (const i of kind.idx) {
            const ph = 2 * Math.PI * (h * xs[i]! + k * ys[i]! + l * zs[i]!);
            cr += occ[i]! * Math.cos(ph);
            ci += occ[i]! * Math.sin(ph);
          }
          // (fr + i fi)(cr + i ci)
          re += fr * cr - fi * ci;
          im += fr * ci + fi * cr;
        }
        const f2 = re * re + im * im;
        if (f2 > f2Max) f2Max = f2;
        cands.push({ h, k, l, q, f2 });
      }
    }
  }
  cands.sort((u, v) => u.q - v.q);

  const vcCm3 = cellVolume(s) * 1e-24;
  const pref = (R_E_CM * R_E_CM * (2 * Math.PI) ** 3) / (4 * Math.PI * vcCm3 * vcCm3);
  const cubic = s.a === s.b && s.b === s.c && s.alpha === 90 && s.beta === 90 && s.gamma === 90;
  const out: Reflection[] = [];
  const tiny = 1e-6 * Math.max(f2Max, 1);
  for (let i = 0; i < cands.length; ) {
    let j = i + 1;
    while (j < cands.length && cands[j]!.q - cands[i]!.q < 1e-7 * cands[i]!.q) j++;
    const group = cands.slice(i, j).filter((c) => c.f2 > tiny);
    i = j;
    if (group.length === 0) continue;
    const q = group[0]!.q;
    const sum = group.reduce((acc, c) => acc + c.f2, 0);
    const m = group.length;
    const sinT = (q * lambdaA) / (4 * Math.PI);
    const cos2T = 1 - 2 * sinT * sinT;
    const qCm = q * 1e8;
    out.push({
      hkl: representative(group, cubic),
      dA: (2 * Math.PI) / q,
      qNm: q * 10,
      multiplicity: m,
      f2: sum / m,
      intensity: ((pref * sum) / (qCm * qCm)) * 1e-7,
      polarisation: (1 + cos2T * cos2T) / 2,
      twoThetaDeg: (2 * Math.asin(sinT) * 180) / Math.PI,
    });
  }
  return out;
}

function representative(group: Candidate[], cubic: boolean): [number, number, number] {
  if (cubic) {
    // all permutations are equivalent in d: report |indices| sorted high → low (111, 220, 511)
    let best: number[] = [];
    for (const c of group) {
      const v = [Math.abs(c.h), Math.abs(c.k), Math.abs(c.l)].sort((a, b) => b - a);
      if (best.length === 0 || v[0]! > best[0]! || (v[0] === best[0] && v[1]! > best[1]!)) best = v;
    }
    return best as [number, number, number];
  }
  let best = group[0]!;
  const key = (c: Candidate) => [c.h, c.k, c.l];
  for (const c of group) {
    const a = key(c);
    const b = key(best);
    if (a[0]! > b[0]! || (a[0] === b[0] && (a[1]! > b[1]! || (a[1] === b[1] && a[2]! > b[2]!)))) best = c;
  }
  return [Math.abs(best.h), Math.abs(best.k), Math.abs(best.l)];
}

const memo = new Map<string, Reflection[]>();

/**
 * Reflections of a named phase (default structure) for wavelength λ [m], qMin ≤ q ≤ qMax [nm⁻¹].
 * Memoised: the simulator asks for the same lists over and over. Do not mutate the result.
 */
export function reflections(phase: PhaseName, wavelengthM: number, qMaxNm: number, qMinNm = 0): Reflection[] {
  const key = `${phase}|${wavelengthM}|${qMaxNm}|${qMinNm}`;
  let r = memo.get(key);
  if (!r) {
    r = reflectionsOf(structure(phase), wavelengthM, qMaxNm, qMinNm);
    memo.set(key, r);
  }
  return r;
}
