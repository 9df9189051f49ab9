import { describe, expect, it } from "vitest";
import {
  formatTick,
  linearScale,
  linearTicks,
  logScale,
  logTicks,
  quantileDomain,
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
