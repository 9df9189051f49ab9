import { describe, expect, it } from "vitest";
import { peekHalo } from "./amorphous.js";
import {
  addPowderPattern,
  addPseudoVoigt,
  addPseudoVoigtTerms,
  pseudoVoigt,
  scherrerFwhmQ,
  scherrerSizeNm,
  tchCombine,
  tchSplit,
} from "./profile.js";
import { type Reflection, reflections } from "./reflections.js";
import { HC_KEV_A } from "./xray.js";

const WL_16 = (HC_KEV_A / 16) * 1e-10;

function grid(q0: number, q1: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => q0 + ((q1 - q0) * i) / (n - 1));
}

function trapz(y: Float64Array, x: Float64Array): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += 0.5 * (y[i]! + y[i - 1]!) * (x[i]! - x[i - 1]!);
  return s;
}

/** Least-squares fit of area·PV(q; c, Γ, η) + linear background: Nelder–Mead on (c, Γ, η), area and background linear. */
function fitPseudoVoigt(q: Float64Array, y: Float64Array, start: [number, number, number]) {
  const cost = ([c, g, e]: number[]) => {
    if (!(g! > 0) || e! < 0 || e! > 1) return Number.POSITIVE_INFINITY;
    // linear least squares for [area, b0, b1]
    const cols = [
      Array.from(q, (x) => pseudoVoigt(x, c!, g!, e!)),
      Array.from(q, () => 1),
      Array.from(q, (x) => x),
    ];
    const ata = cols.map((u) => cols.map((v) => u.reduce((s, ui, i) => s + ui * v[i]!, 0)));
    const atb = cols.map((u) => u.reduce((s, ui, i) => s + ui * y[i]!, 0));
    const p = solve3(ata, atb);
    let r = 0;
    for (let i = 0; i < q.length; i++) {
      const d = y[i]! - p[0]! * cols[0]![i]! - p[1]! - p[2]! * q[i]!;
      r += d * d;
    }
    return r;
  };
  let simplex = [
    start,
    [start[0] + 0.05, start[1], start[2]],
    [start[0], start[1] * 1.2, start[2]],
    [start[0], start[1], Math.max(0, start[2] - 0.2)],
  ].map((p) => ({ p: p as number[], f: cost(p) }));
  for (let it = 0; it < 1500 && simplex.some((v) => Math.abs(v.f - simplex[0]!.f) > 1e-18); it++) {
    simplex.sort((a, b) => a.f - b.f);
    const n = 3;
    const cen = [0, 1, 2].map((k) => simplex.slice(0, n).reduce((s, v) => s + v.p[k]!, 0) / n);
    const worst = simplex[n]!;
    const at = (t: number) => cen.map((c, k) => c + t * (worst.p[k]! - c));
    const r = { p: at(-1), f: cost(at(-1)) };
    if (r.f < simplex[0]!.f) {
      const e = { p: at(-2), f: cost(at(-2)) };
      simplex[n] = e.f < r.f ? e : r;
    } else if (r.f < simplex[n - 1]!.f) simplex[n] = r;
    else {
      const k = { p: at(0.5), f: cost(at(0.5)) };
      if (k.f < worst.f) simplex[n] = k;
      else
        simplex = simplex
          .map((v) => (v === simplex[0] ? v : { p: v.p.map((x, j) => 0.5 * (x + simplex[0]!.p[j]!)), f: 0 }))
          .map((v) => ({ p: v.p, f: cost(v.p) }));
    }
  }
  simplex.sort((a, b) => a.f - b.f);
  const [c, fwhm, eta] = simplex[0]!.p as [number, number, number];
  return { c, fwhm, eta };
}

function solve3(a: number[][], b: number[]): number[] {
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let i = 0; i < 3; i++) {
    let piv = i;
    for (let r = i + 1; r < 3; r++) if (Math.abs(m[r]![i]!) > Math.abs(m[piv]![i]!)) piv = r;
    [m[i], m[piv]] = [m[piv]!, m[i]!];
    for (let r = 0; r < 3; r++) {
      if (r === i) continue;
      const f = m[r]![i]! / m[i]![i]!;
      for (let k = i; k < 4; k++) m[r]![k]! -= f * m[i]![k]!;
    }
  }
  return m.map((row, i) => row[3]! / row[i]!);
}

describe("peak shapes", () => {
  it("Scherrer in q: 2πK/L (README §4 table) and its inverse", () => {
    expect(scherrerFwhmQ(1.75)).toBeCloseTo(3.23, 2);
    expect(scherrerFwhmQ(1.0)).toBeCloseTo(5.65, 2);
    expect(scherrerFwhmQ(1.75, 1.075)).toBeCloseTo(3.86, 2);
    expect(scherrerSizeNm(scherrerFwhmQ(2.7))).toBeCloseTo(2.7, 12);
  });

  it.each([0, 0.3, 1])("pseudo-Voigt η=%f has unit area and FWHM as given", (eta) => {
    const q = grid(-400, 400, 400001);
    const y = q.map((x) => pseudoVoigt(x, 0, 0.5, eta));
    expect(trapz(y, q)).toBeCloseTo(1, 3);
    expect(pseudoVoigt(0.25, 0, 0.5, eta) / pseudoVoigt(0, 0, 0.5, eta)).toBeCloseTo(0.5, 12);
  });

  it("TCH: pure limits and the inverse", () => {
    expect(tchCombine(0.3, 0).fwhm).toBeCloseTo(0.3, 12);
    expect(tchCombine(0.3, 0).eta).toBe(0);
    expect(tchCombine(0, 0.4).fwhm).toBeCloseTo(0.4, 12);
    expect(tchCombine(0, 0.4).eta).toBeCloseTo(1, 4);
    for (const [g, l] of [
      [0.12, 3.23],
      [0.12, 1.13],
      [0.5, 0.5],
      [0.8, 0.1],
    ] as const) {
      const { fwhm, eta } = tchCombine(g, l);
      const back = tchSplit(fwhm, eta);
      expect(back.gammaL).toBeCloseTo(l, 6);
      expect(back.gammaG).toBeCloseTo(g, 6);
    }
  });
});

describe("addPseudoVoigtTerms: the peak fits' closed-form Jacobian", () => {
  // central differences of addPseudoVoigt itself (the model the fits evaluate) are the reference
  const q = grid(15, 25, 2001);
  const pv = (c: number, fwhm: number, eta: number, cut: number) => {
    const out = new Float64Array(q.length);
    addPseudoVoigt(out, q, c, fwhm, eta, 1, cut);
    return out;
  };
  it.each([
    [19.3, 0.4, 0.3, Number.POSITIVE_INFINITY],
    [19.3, 3.2, 0.8, 8],
    [21.05, 0.13, 0, 8],
    [18.7, 1.1, 1, 8],
  ])(
    "c %f, Γ %f, η %f, cut %f: value and ∂/∂c, ∂/∂Γ, ∂/∂η equal central differences",
    (c, fwhm, eta, cut) => {
      const arrays = Array.from({ length: 4 }, () => new Float64Array(q.length));
      const [f, dc, dg, de] = arrays as [Float64Array, Float64Array, Float64Array, Float64Array];
      addPseudoVoigtTerms(
        { f, fScale: 2, dc, dcScale: 2, dGamma: dg, dGammaScale: 2, dEta: de, dEtaScale: 2 },
        q,
        c,
        fwhm,
        eta,
        cut,
      );
      const h = 1e-6;
      const numeric = (plus: Float64Array, minus: Float64Array, span: number) =>
        Float64Array.from(plus, (v, i) => (2 * (v - minus[i]!)) / span);
      const etaUp = Math.min(1, eta + h);
      const etaDown = Math.max(0, eta - h);
      const expected: [Float64Array, Float64Array][] = [
        [f, Float64Array.from(pv(c, fwhm, eta, cut), (v) => 2 * v)],
        [dc, numeric(pv(c + h, fwhm, eta, cut), pv(c - h, fwhm, eta, cut), 2 * h)],
        [dg, numeric(pv(c, fwhm + h, eta, cut), pv(c, fwhm - h, eta, cut), 2 * h)],
        [de, numeric(pv(c, fwhm, etaUp, cut), pv(c, fwhm, etaDown, cut), etaUp - etaDown)],
      ];
      for (const [got, want] of expected) {
        const scale = Math.max(...Array.from(want, Math.abs));
        // away from the cut's edges, where the support itself moves with c and Γ
        const edge = cut * fwhm;
        let worst = 0;
        want.forEach((v, i) => {
          if (Math.abs(Math.abs(q[i]! - c) - edge) < 0.02) return;
          worst = Math.max(worst, Math.abs(got[i]! - v) / scale);
        });
        expect(worst).toBeLessThan(1e-6);
        expect(scale).toBeGreaterThan(0);
      }
    },
  );
});

describe("addPowderPattern", () => {
  const q = grid(10, 37, 2000);

  it("keeps each ring's integrated intensity (Lorentzian tails cut at ±8 FWHM and renormalised)", () => {
    const refl = reflections("In", WL_16, 36, 10);
    const out = addPowderPattern(new Float64Array(q.length), q, refl, {
      scale: 0.5,
      sizeNm: 50,
      instrumentFwhmNm: 0.12,
    });
    const total = refl.reduce((s, r) => s + r.intensity, 0);
    expect(trapz(out, q) / (0.5 * total)).toBeCloseTo(1, 2);
  });

  it("weight selects reflections (In(110) alone)", () => {
    const refl = reflections("In", WL_16, 36, 10);
    const only110 = (r: Reflection) => (r.hkl.join("") === "110" ? 1 : 0);
    const out = addPowderPattern(new Float64Array(q.length), q, refl, {
      scale: 1,
      sizeNm: 80,
      instrumentFwhmNm: 0.12,
      weight: only110,
    });
    const imax = out.indexOf(Math.max(...out));
    expect(q[imax]!).toBeCloseTo(27.32, 1);
    expect(out[q.findIndex((x) => x > 23.12)]!).toBeLessThan(1e-3 * out[imax]!);
  });

  it.each([1.75, 5, 20])("a fitted pseudo-Voigt gives the crystallite size back (%f nm)", (size) => {
    const inst = 0.12;
    const r: Reflection = {
      hkl: [1, 1, 1],
      dA: (2 * Math.PI) / 1.907,
      qNm: 19.07,
      multiplicity: 8,
      f2: 1,
      intensity: 1,
      polarisation: 1,
      twoThetaDeg: 13.5,
    };
    const fw = tchCombine(inst, scherrerFwhmQ(size)).fwhm;
    const qq = grid(19.07 - 4 * fw, 19.07 + 4 * fw, 321);
    const y = addPowderPattern(new Float64Array(qq.length), qq, [r], {
      scale: 1,
      sizeNm: size,
      instrumentFwhmNm: inst,
    });
    const fit = fitPseudoVoigt(qq, y, [19.0, fw * 1.3, 0.5]);
    expect(fit.c).toBeCloseTo(19.07, 3);
    // the pipeline's inverse: TCH split, then Scherrer on the Lorentzian part
    const { gammaL } = tchSplit(fit.fwhm, fit.eta);
    expect(scherrerSizeNm(gammaL) / size).toBeCloseTo(1, 1);
    expect(Math.abs(scherrerSizeNm(gammaL) / size - 1)).toBeLessThan(0.02);
  });

  it("is fast: 1000 Li2S patterns (1.75 nm) on 2000 points (≈0.2 s here; 3 s limit for slow CI)", () => {
    const refl = reflections("Li2S", WL_16, 39, 8);
    const out = new Float64Array(q.length);
    const t0 = performance.now();
    for (let k = 0; k < 1000; k++)
      addPowderPattern(out, q, refl, { scale: 1, sizeNm: 1.75, instrumentFwhmNm: 0.12 });
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});

describe("amorphous PEEK halo", () => {
  it("peaks near 13.8 nm⁻¹ (README §1.2) at a few tenths of cm⁻¹", () => {
    const q = grid(0.1, 40, 4000);
    const h = peekHalo(q);
    let imax = 0;
    for (let i = 0; i < q.length; i++) if (h[i]! > h[imax]!) imax = i;
    expect(Math.abs(q[imax]! - 13.8)).toBeLessThan(0.8);
    expect(h[imax]!).toBeGreaterThan(0.1);
    expect(h[imax]!).toBeLessThan(1);
    expect(h[0]!).toBeLessThan(0.1 * h[imax]!); // flat and low under the SAXS
  });
});
