import { describe, expect, it } from "vitest";
import {
  colorDomains,
  formatTick,
  linearScale,
  linearTicks,
  logScale,
  logTicks,
  outside,
  quantileDomain,
  quantileSorted,
  robustDomain,
  tickStep,
} from "./index.js";

describe("scales", () => {
  it("maps the domain ends onto the range ends and inverts", () => {
    const s = linearScale([2, 12], [100, 0]);
    expect(s.map(2)).toBe(100);
    expect(s.map(12)).toBe(0);
    expect(s.invert(50)).toBeCloseTo(7, 12);
    const l = logScale([1e-3, 10], [0, 400]);
    expect(l.map(1e-3)).toBeCloseTo(0, 9);
    expect(l.map(1)).toBeCloseTo(300, 9);
    expect(l.invert(200)).toBeCloseTo(0.1, 12);
    expect(l.map(0)).toBeNaN();
  });

  it("survives a flat or empty domain", () => {
    const s = linearScale([5, 5], [0, 100]);
    expect(s.domain[0]).toBeLessThan(5);
    expect(s.domain[1]).toBeGreaterThan(5);
    expect(Number.isFinite(s.map(5))).toBe(true);
    expect(Number.isFinite(linearScale([Number.NaN, Number.NaN], [0, 1]).map(0))).toBe(true);
  });

  it("chooses 1, 2, 5 × 10^k steps and exact tick values", () => {
    expect(tickStep(0, 1, 5)).toBeCloseTo(0.2, 15);
    expect(tickStep(0, 100, 5)).toBe(20);
    expect(tickStep(0, 7, 5)).toBe(1);
    expect(linearTicks(0.1, 0.5, 4)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(linearTicks(-3.2, 7.9, 5)).toEqual([-2, 0, 2, 4, 6]);
  });

  it("puts log ticks on decades (and 2, 5 for short ranges)", () => {
    expect(logTicks(1e-4, 1e2)).toEqual([1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100]);
    expect(logTicks(0.15, 6)).toEqual([0.2, 0.5, 1, 2, 5]);
  });

  it("formats labels with the decimals the step needs", () => {
    expect(formatTick(0.3, 0.1)).toBe("0.3");
    expect(formatTick(15, 5)).toBe("15");
    expect(formatTick(2.5e-5, 1e-5)).toBe("2.5e-5");
    expect(formatTick(1e6, 1e6)).toBe("1e6");
    expect(formatTick(0, 1)).toBe("0");
  });

  it("takes a quantile domain that ignores outliers and NaN", () => {
    const v = new Float32Array(1000).map((_, i) => i / 999);
    v[3] = 1e9;
    v[4] = Number.NaN;
    const [lo, hi] = quantileDomain(v, 0.01, 0.99);
    expect(lo).toBeCloseTo(0.01, 2);
    expect(hi).toBeCloseTo(0.99, 2);
  });
});

describe("colour ranges of maps shown together", () => {
  // a band at 0, 50 and 100 % SOD: barely changed at first, grown by the end; one hot pixel at 100 %
  const sod0 = Float32Array.from({ length: 20 }, (_, i) => 0.992 + (i * 0.018) / 19);
  const sod50 = Float32Array.from({ length: 20 }, (_, i) => 1 + (i * 0.3) / 19);
  const sod100 = Float32Array.from({ length: 20 }, (_, i) => (i === 7 ? 40 : 1 + (i * 0.7) / 19));
  sod100[3] = Number.NaN;
  const maps = [sod0, sod50, sod100];

  it("gives every map of one quantity the same range: the 2nd–98th percentile of all their values", () => {
    const d = colorDomains(maps);
    expect(d).toHaveLength(3);
    for (const x of d) expect(x).toEqual(d[0]);
    // the percentiles as numpy computes them (linear interpolation) over the 59 finite values
    const all = maps.flatMap((m) => Array.from(m).filter(Number.isFinite)).sort((a, b) => a - b);
    const pct = (p: number) => {
      const at = p * (all.length - 1);
      const i = Math.floor(at);
      return all[i]! + (all[i + 1]! - all[i]!) * (at - i);
    };
    expect(d[0]![0]).toBeCloseTo(pct(0.02), 12);
    expect(d[0]![1]).toBeCloseTo(pct(0.98), 12);
    // the hot pixel does not set the top: the 100 % map's real range stays inside the colours
    expect(d[0]![1]).toBeLessThan(2);
    expect(d[0]![1]).toBeGreaterThan(1.6);
  });

  it("frees each map's range on request: each its own percentiles", () => {
    const d = colorDomains(maps, { shared: false });
    expect(d[0]![1]).toBeLessThan(1.011);
    expect(d[0]).toEqual(robustDomain([sod0]));
    expect(d[1]).toEqual(robustDomain([sod50]));
    expect(d[2]).toEqual(robustDomain([sod100]));
  });

  it("marks values beyond the range, and survives flat or empty maps", () => {
    const d = colorDomains(maps)[0]!;
    expect(outside(sod100, d)).toEqual({ below: false, above: true });
    expect(outside(sod50, d)).toEqual({ below: false, above: false });
    const flat = robustDomain([[2, 2, 2]]);
    expect(flat[0]).toBeLessThan(2);
    expect(flat[1]).toBeGreaterThan(2);
    expect(robustDomain([[Number.NaN]])).toEqual([0, 1]);
  });

  it("interpolates quantiles like numpy", () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
  });

  it("writes every tick of a small-step axis the same way", () => {
    expect(formatTick(0.001, 1e-4)).toBe("1.0e-3");
    expect(formatTick(0.0009, 1e-4)).toBe("9e-4");
  });
});
