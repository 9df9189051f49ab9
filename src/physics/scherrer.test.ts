import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scherrerFwhmQ, tchCombine } from "../physics/profile.js";
import { crystalliteSize, tchEta, tchLorentzian } from "./scherrer.js";

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
