import { describe, expect, it } from "vitest";
import { expNeg, logFactorial, Rng } from "./rng.js";

function moments(xs: Float64Array): { mean: number; variance: number } {
  let s = 0;
  for (const x of xs) s += x;
  const mean = s / xs.length;
  let v = 0;
  for (const x of xs) v += (x - mean) * (x - mean);
  return { mean, variance: v / (xs.length - 1) };
}

describe("Rng", () => {
  it("is xoshiro128** (reference stream from the state 1, 2, 3, 4)", () => {
    const r = Rng.fromState([1, 2, 3, 4]);
    const got = Array.from({ length: 6 }, () => r.uint32());
    expect(got).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it("is reproducible by seed and differs between seeds", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 100 }, () => a.poisson(7.5) + a.next() + a.normal());
    const sb = Array.from({ length: 100 }, () => b.poisson(7.5) + b.next() + b.normal());
    const sc = Array.from({ length: 100 }, () => c.poisson(7.5) + c.next() + c.normal());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    // The high word of a large seed matters too.
    expect(new Rng(2 ** 40 + 5).uint32()).not.toBe(new Rng(5).uint32());
  });

  it("gives uniforms in [0, 1) with the right mean and variance", () => {
    const r = new Rng(1);
    const n = 200_000;
    const u = new Float64Array(n);
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      u[i] = r.next();
      d[i] = r.nextDouble();
    }
    for (const xs of [u, d]) {
      const m = moments(xs);
      expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
      expect(Math.abs(m.mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
      expect(Math.abs(m.variance - 1 / 12)).toBeLessThan(0.002);
    }
  });

  it("gives unbiased integers", () => {
    const r = new Rng(2);
    const counts = new Float64Array(7);
    const n = 70_000;
    for (let i = 0; i < n; i++) counts[r.int(7)]!++;
    for (const c of counts) expect(Math.abs(c - n / 7)).toBeLessThan(5 * Math.sqrt(n / 7));
    expect(() => r.int(0)).toThrow(RangeError);
    expect(() => r.int(2.5)).toThrow(RangeError);
  });

  it("gives standard normals", () => {
    const r = new Rng(3);
    const n = 200_000;
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) z[i] = r.normal();
    const m = moments(z);
    expect(Math.abs(m.mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(m.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(new Rng(3).normal(10, 2)).toBeCloseTo(10 + 2 * new Rng(3).normal(), 12);
  });

  it.each([0.1, 3, 9.99, 10, 30, 1000, 1e5])(
    "gives Poisson deviates with mean = variance = λ (λ = %s)",
    (lambda) => {
      const r = new Rng(Math.round(lambda * 1000) + 7);
      const n = 200_000;
      const xs = new Float64Array(n);
      for (let i = 0; i < n; i++) xs[i] = r.poisson(lambda);
      expect(xs.every((k) => Number.isInteger(k) && k >= 0)).toBe(true);
      const m = moments(xs);
      // Standard errors: mean √(λ/n); variance √((2λ² + λ)/n) (Poisson fourth cumulant = λ).
      expect(Math.abs(m.mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / n));
      expect(Math.abs(m.variance - lambda)).toBeLessThan(5 * Math.sqrt((2 * lambda * lambda + lambda) / n));
    },
  );

  it("matches the Poisson probabilities (λ = 3 by inversion, λ = 30 by PTRS)", () => {
    for (const lambda of [3, 30]) {
      const r = new Rng(99);
      const n = 400_000;
      const counts = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const k = r.poisson(lambda);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      const lo = Math.max(0, Math.floor(lambda - 2 * Math.sqrt(lambda)));
      const hi = Math.ceil(lambda + 2 * Math.sqrt(lambda));
      for (let k = lo; k <= hi; k++) {
        const p = Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k));
        const expected = n * p;
        expect(Math.abs((counts.get(k) ?? 0) - expected)).toBeLessThan(5 * Math.sqrt(expected));
      }
    }
  });

  it("handles λ = 0 and refuses bad λ", () => {
    const r = new Rng(5);
    expect(r.poisson(0)).toBe(0);
    expect(() => r.poisson(-1)).toThrow(RangeError);
    expect(() => r.poisson(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => r.poisson(Number.NaN)).toThrow(RangeError);
    expect(() => new Rng(Number.NaN)).toThrow(RangeError);
  });

  it("computes ln k! across the table / Stirling boundary", () => {
    let exact = 0;
    for (let k = 1; k <= 400; k++) {
      exact += Math.log(k);
      expect(Math.abs(logFactorial(k) - exact)).toBeLessThan(1e-12 * Math.max(1, exact));
    }
  });

  it("computes e^(−x) like Math.exp on [0, 10] and beyond", () => {
    for (let x = 0; x <= 12; x += 0.0037) {
      expect(Math.abs(expNeg(x) / Math.exp(-x) - 1)).toBeLessThan(4e-16);
    }
    expect(expNeg(1000)).toBe(0);
  });

  it("draws millions of Poisson deviates per second", () => {
    const r = new Rng(11);
    const n = 2_000_000;
    let sum = 0;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sum += r.poisson(i & 1 ? 4 : 500);
    const perSecond = n / ((performance.now() - t0) / 1000);
    expect(sum).toBeGreaterThan(0);
    console.log(`Rng.poisson: ${(perSecond / 1e6).toFixed(1)} M/s (λ = 4 and 500 alternating)`);
    expect(perSecond).toBeGreaterThan(2e6);
  });
});
