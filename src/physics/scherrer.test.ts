import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scherrerFwhmQ, tchCombine } from "../physics/profile.js";
import { crystalliteSize, tchEta, tchLorentzian, voigtSizePart } from "./scherrer.js";

/** FWHM of the numerical convolution of a Gaussian (FWHM g) and a Lorentzian (FWHM l): a true Voigt. */
function voigtFwhm(g: number, l: number): number {
  const n = 40001;
  const span = 40 * (g + l);
  const dx = span / (n - 1);
  const y = new Float64Array(n);
  const sg = g / (2 * Math.sqrt(2 * Math.LN2));
  const gl = l / 2;
  for (let i = 0; i < n; i++) {
    const x = -span / 2 + i * dx;
    let v = 0;
    // ∫ G(t) L(x − t) dt over ±6σ of the Gaussian
    for (let k = -300; k <= 300; k++) {
      const t = (k / 50) * sg;
      const gt = g > 0 ? Math.exp(-(t * t) / (2 * sg * sg)) : k === 0 ? 1 : 0;
      v += gt * (gl > 0 ? gl / ((x - t) ** 2 + gl * gl) : Math.abs(x - t) < dx / 2 ? 1 : 0);
    }
    y[i] = v;
  }
  const max = Math.max(...y);
  let a = 0;
  while (y[a]! < max / 2) a++;
  let b = n - 1;
  while (y[b]! < max / 2) b--;
  return (b - a) * dx;
}

describe("crystalliteSize, rule voigt (the size broadening's shape fitted, issue 20)", () => {
  it("recovers the size whatever the size broadening's shape, where the Lorentzian rule overstates it", () => {
    const gi = 0.15; // instrument, Gaussian
    for (const sizeEta of [0, 0.3, 0.7, 1]) {
      // a size profile of FWHM 2πK/L and the given shape; Voigts compose as G in quadrature, L linearly
      const L = 15;
      const want = scherrerFwhmQ(L);
      let lo = 0;
      let hi = 1;
      for (let i = 0; i < 60; i++) {
        const r = (lo + hi) / 2;
        if (tchCombine(want * (1 - r), want * r).eta < sizeEta) lo = r;
        else hi = r;
      }
      const r = (lo + hi) / 2;
      let scale = 1;
      for (let i = 0; i < 60; i++) scale *= want / tchCombine(want * (1 - r) * scale, want * r * scale).fwhm;
      const gs = want * (1 - r) * scale;
      const ls = want * r * scale;
      const total = tchCombine(Math.hypot(gs, gi), ls);
      const s = crystalliteSize(total.fwhm, 0, { rule: "voigt", eta: total.eta, instrumentFwhmQ: gi });
      expect(s.ok).toBe(true);
      expect(s.sizeNm / L).toBeCloseTo(1, 3);
      expect(s.sizeEta).toBeCloseTo(sizeEta, 2);
      // taking all of the size broadening as Lorentzian: too large a size once it is partly Gaussian
      const lorentz = crystalliteSize(total.fwhm, 0, { instrumentFwhmQ: gi });
      if (sizeEta === 0) expect(lorentz.sizeNm / L).toBeGreaterThan(1.05);
    }
  });

  it("the size part's FWHM is that of the numerical Voigt convolution (TCH within 1 %)", () => {
    for (const [g, l] of [
      [0.4, 0.1],
      [0.2, 0.3],
      [0.05, 0.5],
    ] as const) {
      const part = voigtSizePart(tchCombine(g, l).fwhm, tchCombine(g, l).eta, 0, 0);
      expect(part.fwhm / voigtFwhm(g, l)).toBeCloseTo(1, 1);
      expect(Math.abs(part.fwhm / voigtFwhm(g, l) - 1)).toBeLessThan(0.01);
    }
  });

  it("carries η's error into the size's", () => {
    const t = tchCombine(0.3, 0.2);
    const a = crystalliteSize(t.fwhm, 0.001, { rule: "voigt", eta: t.eta, instrumentFwhmQ: 0.1 });
    const b = crystalliteSize(t.fwhm, 0.001, {
      rule: "voigt",
      eta: t.eta,
      etaErr: 0.05,
      instrumentFwhmQ: 0.1,
    });
    expect(b.sizeErrNm).toBeGreaterThan(a.sizeErrNm * 1.05);
    expect(Number.isFinite(b.sizeErrNm)).toBe(true);
    const bad = crystalliteSize(t.fwhm, 0.001, { rule: "voigt", instrumentFwhmQ: 0.1 });
    expect(bad.ok).toBe(false);
  });
});

describe("crystalliteSize", () => {
  it("inverts the forward model's TCH combination of size and instrument", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.3, max: 200, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (l, g) => {
          const { fwhm, eta } = tchCombine(g, scherrerFwhmQ(l));
          const s = crystalliteSize(fwhm, 0, { instrumentFwhmQ: g });
          expect(s.ok).toBe(true);
          expect(s.sizeNm / l).toBeCloseTo(1, 8);
          expect(tchEta(fwhm, g)).toBeCloseTo(eta, 8);
        },
      ),
    );
  });

  it("with only η known, splits through η (tchSplit)", () => {
    const { fwhm, eta } = tchCombine(0.2, scherrerFwhmQ(3));
    expect(crystalliteSize(fwhm, 0, { eta }).sizeNm).toBeCloseTo(3, 5);
  });

  it("error: first-order propagation, checked against a finite difference", () => {
    const g = 0.12;
    const fwhm = tchCombine(g, scherrerFwhmQ(2.7)).fwhm;
    const s = crystalliteSize(fwhm, 0.01, { instrumentFwhmQ: g });
    const up = crystalliteSize(fwhm + 1e-5, 0, { instrumentFwhmQ: g }).sizeNm;
    const dn = crystalliteSize(fwhm - 1e-5, 0, { instrumentFwhmQ: g }).sizeNm;
    expect(s.sizeErrNm).toBeCloseTo((Math.abs(up - dn) / 2e-5) * 0.01, 6);
  });

  it("quadrature and linear rules, and K", () => {
    expect(crystalliteSize(0.5, 0, { instrumentFwhmQ: 0.3, rule: "quadrature" }).sizeFwhmQ).toBeCloseTo(
      0.4,
      12,
    );
    expect(crystalliteSize(0.5, 0, { instrumentFwhmQ: 0.3, rule: "linear" }).sizeFwhmQ).toBeCloseTo(0.2, 12);
    expect(crystalliteSize(1, 0, { k: 1 }).sizeNm).toBeCloseTo(2 * Math.PI, 12);
    expect(crystalliteSize(1, 0).sizeNm).toBeCloseTo(2 * Math.PI * 0.9, 12);
  });

  it("no wider than the instrument, or a bad width → not ok, no NaN", () => {
    for (const [f, g] of [
      [0.1, 0.12],
      [0.12, 0.12],
      [0, 0.1],
      [Number.NaN, 0.1],
    ] as const) {
      const s = crystalliteSize(f, 0.01, { instrumentFwhmQ: g });
      expect(s.ok).toBe(false);
      expect(s.message).toBeTruthy();
      expect(Number.isNaN(s.sizeNm) || Number.isNaN(s.sizeErrNm)).toBe(false);
    }
    expect(tchLorentzian(0.1, 0.2)).toBe(0);
    expect(tchLorentzian(0.5, 0)).toBe(0.5);
  });
});
