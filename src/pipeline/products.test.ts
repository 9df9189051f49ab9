import { describe, expect, it } from "vitest";
import type { FrameClock } from "../echem/index.js";
import { numbers, parseCsv } from "../results/index.js";
import type { RegionSweep } from "./analyse.js";
import { bandSeries, mapAt } from "./products.js";

describe("mapAt: a band's map at a moment, with its σ", () => {
  // one pixel visited at t = 0, 10, 20 s with values 1, 3, 5 and σ 0.3, 0.4, 0.5
  const v = Float64Array.of(1, 3, 5);
  const e = Float64Array.of(0.3, 0.4, 0.5);
  const t = Float64Array.of(0, 10, 20);

  it("interpolates value and σ between the two visits around the moment (σ² = (1−w)²σa² + w²σb²)", () => {
    const m = mapAt([[0, 1, 2]], v, e, t, 12.5);
    expect(m.value[0]).toBeCloseTo(3.5, 12);
    expect(m.error[0]).toBeCloseTo(Math.sqrt((0.75 * 0.4) ** 2 + (0.25 * 0.5) ** 2), 12);
    expect(m.opaque[0]).toBe(0);
  });

  it("flags the point where a visit it would use is opaque, with no value", () => {
    const m = mapAt([[0, 1, 2]], v, e, t, 12.5, (i) => i === 2);
    expect(m.opaque[0]).toBe(1);
    expect(Number.isNaN(m.value[0]!) && Number.isNaN(m.error[0]!)).toBe(true);
    // a moment between two clear visits is not flagged by an opaque one elsewhere
    expect(mapAt([[0, 1, 2]], v, e, t, 5, (i) => i === 2).value[0]).toBeCloseTo(2, 12);
  });
});

describe("bandSeries: a region's band per sweep", () => {
  const n = 6;
  const clock = {
    sodcPct: new Float64Array(n),
    step: new Int32Array(n),
    cycle: new Int32Array(n),
    halfCycle: new Int32Array(n).fill(-1),
  } as unknown as FrameClock;
  const sweep = (frames: number[]): RegionSweep => ({
    sweep: 0,
    mid: frames[0]!,
    frames,
    normalised: new Float64Array(0),
    normalisedSigma: new Float64Array(0),
    raw: new Float64Array(0),
    sigma: new Float64Array(0),
  });
  const value = Float64Array.of(1, 2, 3, 100, 5, 7);
  const error = Float64Array.of(0.1, 0.2, 0.2, 50, 0.3, 0.4);

  it("averages the points, σ of the mean √(Σσᵢ²)/n, and leaves opaque points out", () => {
    const s = bandSeries(
      "cathode",
      { name: "b", detector: "waxs" },
      [sweep([0, 1, 2, 3]), sweep([4, 5])],
      { value, error, opaque: (i) => i === 3 },
      Float64Array.from({ length: n }, (_, i) => 1.7e9 + i),
      clock,
    );
    expect(s.value[0]).toBeCloseTo(2, 12);
    expect(s.error[0]).toBeCloseTo(Math.sqrt(0.01 + 0.04 + 0.04) / 3, 12);
    expect(s.error[1]).toBeCloseTo(0.5 / 2, 12);
    const t = { file: "x.csv", ...splitCsv(s.csv) };
    expect(Array.from(numbers(t, "n_pixels"))).toEqual([3, 2]);
    expect(numbers(t, "value_err")[0]).toBeCloseTo(s.error[0]!, 7);
  });
});

function splitCsv(text: string): { header: string[]; rows: string[][] } {
  const [header, ...rows] = parseCsv(text);
  return { header: header!, rows };
}
