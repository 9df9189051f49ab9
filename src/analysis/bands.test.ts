import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bandIntegral } from "./bands.js";

/** Sorted distinct grid of n points in [0, 10]. */
const gridArb = fc
  .uniqueArray(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 2, maxLength: 60 })
  .map((v) => Float64Array.from(v.sort((a, b) => a - b)))
  .filter((q) => q[q.length - 1]! - q[0]! > 1e-3);

/** A band [a, b] inside the grid's range, from two fractions. */
function bandIn(q: Float64Array, u: number, v: number): [number, number] {
  const lo = q[0]!;
  const span = q[q.length - 1]! - lo;
  const a = lo + span * Math.min(u, v);
  const b = lo + span * Math.max(u, v);
  return [a, b];
}

const frac = fc.double({ min: 0, max: 1, noNaN: true });

describe("bandIntegral", () => {
  it("is exact for straight lines on any grid and any band inside it", () => {
    fc.assert(
      fc.property(
        gridArb,
        frac,
        frac,
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        (q, u, v, c0, c1) => {
          fc.pre(Math.abs(u - v) > 1e-6);
          const [a, b] = bandIn(q, u, v);
          const y = q.map((x) => c0 + c1 * x);
          const exact = c0 * (b - a) + (c1 * (b * b - a * a)) / 2;
          expect(bandIntegral(q, y, null, [a, b]).value).toBeCloseTo(exact, 8);
        },
      ),
    );
  });

  it("converges as h² on smooth functions (sin, exp, Gaussian) on uniform grids", () => {
    const fns: [(x: number) => number, (x: number) => number][] = [
      [Math.sin, (x) => -Math.cos(x)],
      [Math.exp, Math.exp],
      [(x) => Math.exp(-((x - 5) ** 2)), (x) => (Math.sqrt(Math.PI) / 2) * erf(x - 5)],
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 50, max: 400 }),
        frac,
        frac,
        fc.integer({ min: 0, max: 2 }),
        (n, u, v, k) => {
          fc.pre(Math.abs(u - v) > 1e-3);
          const q = Float64Array.from({ length: n }, (_, i) => (10 * i) / (n - 1));
          const [f, prim] = fns[k]!;
          const [a, b] = bandIn(q, u, v);
          const h = 10 / (n - 1);
          const got = bandIntegral(q, q.map(f), null, [a, b]).value;
          const exact = prim(b) - prim(a);
          // trapezoid error ≤ (b − a + 2h)·h²·max|f″|/12, plus the two interpolated end bits (h²/8·max|f″| each)
          const maxF2 = k === 1 ? Math.exp(10) : 2;
          expect(Math.abs(got - exact)).toBeLessThanOrEqual(
            ((b - a + 2 * h) * h * h * maxF2) / 12 + (h * h * maxF2) / 4 + 1e-9,
          );
        },
      ),
    );
  });

  it("adds over adjacent bands; error matches the explicit weights", () => {
    fc.assert(
      fc.property(gridArb, frac, frac, frac, (q, u, v, t) => {
        fc.pre(Math.abs(u - v) > 1e-6);
        const [a, b] = bandIn(q, u, v);
        const m = a + t * (b - a);
        fc.pre(m > a && m < b);
        const y = q.map((x) => Math.cos(x) + 2);
        const s = q.map((x) => 0.1 + 0.05 * x);
        const whole = bandIntegral(q, y, s, [a, b]);
        const left = bandIntegral(q, y, s, [a, m]);
        const right = bandIntegral(q, y, s, [m, b]);
        expect(left.value + right.value).toBeCloseTo(whole.value, 9);
        // σ² = Σ wᵢ²σᵢ² with wᵢ = ∂I/∂yᵢ, found by perturbing each yᵢ (I is linear in y)
        let variance = 0;
        const base = bandIntegral(q, y, null, [a, b]).value;
        for (let i = 0; i < q.length; i++) {
          const y2 = Float64Array.from(y);
          y2[i]! += 1;
          const wi = bandIntegral(q, y2, null, [a, b]).value - base;
          variance += wi * wi * s[i]! ** 2;
        }
        expect(whole.error).toBeCloseTo(Math.sqrt(variance), 8);
      }),
    );
  });

  it("partial end bins: interpolated at q0 and q1", () => {
    const q = Float64Array.of(0, 1, 2, 3);
    const y = Float64Array.of(0, 2, 2, 0);
    // ∫ from 0.5 to 2.5: 0.5·(1+2)/2 + 2 + 0.5·(2+1)/2 = 3.5
    expect(bandIntegral(q, y, null, [0.5, 2.5]).value).toBeCloseTo(3.5, 14);
    // inside one bin
    expect(bandIntegral(q, y, null, [0.25, 0.75]).value).toBeCloseTo(0.5, 14);
    // σ of a band inside one bin of constant σ: weights 0.25 each → √(2·0.25²)·σ
    const s = Float64Array.of(1, 1, 1, 1);
    expect(bandIntegral(q, y, s, [0.25, 0.75]).error).toBeCloseTo(Math.sqrt(0.125), 14);
  });

  it("clips to the data, skips non-finite bins, rejects bad input", () => {
    const q = Float64Array.of(0, 1, 2, 3);
    const y = Float64Array.of(1, 1, Number.NaN, 1);
    expect(bandIntegral(q, y, null, [-5, 10]).value).toBeCloseTo(3, 14);
    expect(bandIntegral(q, y, null, [5, 10])).toEqual({ value: 0, error: 0 });
    expect(() => bandIntegral(q, y, null, [2, 1])).toThrow(RangeError);
    expect(() => bandIntegral(q, y.subarray(1), null, [0, 1])).toThrow(RangeError);
    expect(() => bandIntegral(Float64Array.of(0, 2, 1), Float64Array.of(1, 1, 1), null, [0, 1])).toThrow(
      /ascending/,
    );
  });
});

/** erf to ~1e-15 (Taylor series below 3, continued fraction of erfc above). */
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  if (a < 3) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 200; n++) {
      term *= (-a * a) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (s * 2 * sum) / Math.sqrt(Math.PI);
  }
  // erfc(a) = e^(−a²)/√π · 1/(a + 1/2/(a + 1/(a + 3/2/(a + …))))
  let f = a;
  for (let n = 60; n >= 1; n--) f = a + n / 2 / f;
  return s * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f);
}
