import { describe, expect, it } from "vitest";
import { ColumnsLsq } from "./columns-lsq.js";
import { spdInverse, spdSolve } from "./linalg.js";
import { linearLeastSquares } from "./lm.js";

/** A peak-like column: a bump on [lo, hi), zero elsewhere. */
function bump(m: number, lo: number, hi: number, height: number): Float64Array {
  const c = new Float64Array(m);
  for (let i = lo; i < hi; i++) c[i] = height * Math.sin((Math.PI * (i - lo + 0.5)) / (hi - lo));
  return c;
}

describe("ColumnsLsq", () => {
  const m = 120;
  const x = Float64Array.from({ length: m }, (_, i) => i / m - 0.5);
  const ones = new Float64Array(m).fill(1);
  const w = Float64Array.from({ length: m }, (_, i) => 1 + (i % 7) / 3);
  const truth = (i: number) => 3 + 2 * x[i]! + 5 * bump(m, 30, 70, 1)[i]! - 2 * bump(m, 60, 100, 1)[i]!;
  const y = Float64Array.from({ length: m }, (_, i) => truth(i) + 0.05 * Math.sin(7.3 * i));

  it("gives linearLeastSquares' coefficients and the residuals' χ² from supports alone", () => {
    const lsq = new ColumnsLsq(y, w, [ones, x], 2);
    // filled twice, with a clear between: the first fill's support must not leak into the second
    for (const [a, b] of [
      [10, 50],
      [30, 70],
    ] as const) {
      lsq.clear();
      lsq.cols[0]!.set(bump(m, a, b, 1));
      lsq.lo[0] = a;
      lsq.hi[0] = b;
      lsq.cols[1]!.set(bump(m, 60, 100, 1));
      lsq.lo[1] = 60;
      lsq.hi[1] = 100;
      const got = lsq.solve()!;
      const cols = [bump(m, a, b, 1), bump(m, 60, 100, 1), ones, x];
      const want = linearLeastSquares(cols, y, w)!;
      // the same sums in the same order: the same numbers, not merely close ones
      expect(Array.from(got.x)).toEqual(Array.from(want));
      let chi2 = 0;
      for (let i = 0; i < m; i++) {
        let f = 0;
        for (let c = 0; c < cols.length; c++) f += want[c]! * cols[c]![i]!;
        chi2 += w[i]! * (y[i]! - f) ** 2;
      }
      expect(got.chi2).toBeCloseTo(chi2, 9);
    }
    // the true columns recover the true coefficients (to the added wiggle)
    const x0 = lsq.solve()!.x;
    expect(x0[0]).toBeCloseTo(5, 1);
    expect(x0[1]).toBeCloseTo(-2, 1);
    expect(x0[2]).toBeCloseTo(3, 1);
    expect(x0[3]).toBeCloseTo(2, 1);
  });

  it("is null where a column is empty (singular normal equations)", () => {
    const lsq = new ColumnsLsq(y, w, [ones, x], 1);
    lsq.clear();
    expect(lsq.solve()).toBeNull();
  });
});

describe("spdSolve", () => {
  it("solves as the inverse does (to rounding), and refuses a singular matrix", () => {
    const n = 5;
    const rng = (k: number) =>
      Math.sin(12.9898 * k) * 43758.5453 - Math.floor(Math.sin(12.9898 * k) * 43758.5453);
    for (let trial = 0; trial < 20; trial++) {
      // A = MᵀM + small ridge, entries over several orders of magnitude (fit parameters do)
      const m = Float64Array.from({ length: n * n }, (_, k) => (rng(trial * 100 + k) - 0.5) * 10 ** (k % n));
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = i === j ? 1e-6 : 0;
          for (let k = 0; k < n; k++) s += m[k * n + i]! * m[k * n + j]!;
          a[i * n + j] = s;
        }
      const b = Float64Array.from({ length: n }, (_, k) => rng(trial * 7 + k) - 0.3);
      const inv = spdInverse(a, n)!;
      const x = spdSolve(a, b, n)!;
      // A·x = b, checked in the scaled system (each row by its diagonal)
      for (let i = 0; i < n; i++) {
        let r = 0;
        for (let j = 0; j < n; j++) r += a[i * n + j]! * x[j]!;
        expect(Math.abs(r - b[i]!) / Math.sqrt(a[i * n + i]!)).toBeLessThan(1e-6);
        let viaInv = 0;
        for (let j = 0; j < n; j++) viaInv += inv[i * n + j]! * b[j]!;
        expect(x[i]).toBeCloseTo(viaInv, 6);
      }
    }
    // rank one: not positive definite
    const v = [1, 2, 3];
    const a = Float64Array.from({ length: 9 }, (_, k) => v[Math.floor(k / 3)]! * v[k % 3]!);
    expect(spdSolve(a, Float64Array.from([1, 0, 0]), 3)).toBeNull();
    expect(spdSolve(new Float64Array(4), Float64Array.from([1, 1]), 2)).toBeNull();
  });
});
