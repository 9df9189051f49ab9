import { describe, expect, it } from "vitest";
import { fixturePath, fractionWithin, readFixture, readRefFrame } from "../../test/support/fixtures.js";
import { readPoni } from "../geometry/index.js";
import { Integrator2d } from "./index.js";

interface Ref2d {
  radial: number[];
  azimuthal: number[];
  intensity: number[][];
  sigma: number[][];
  count: number[][];
}

// Golden files made by scripts/fixtures/make_pyfai_2d.py with pyFAI 0.21.3 integrate2d_ng.
describe.each(["bbox", "no"] as const)("2D caking vs pyFAI 0.21.3 (WAXS, %s)", (method) => {
  it("radial and azimuthal axes, I, σ and counts agree", async () => {
    const ref = JSON.parse(readFixture("pyfai", `ref_waxs_2d_${method}.json`).toString()) as Ref2d;
    const cal = await readPoni(fixturePath("pyfai", "ref_waxs.poni"));
    const frame = readRefFrame("pilatus100k");
    const integ = new Integrator2d(cal, frame.shape, {
      nptRad: 100,
      nptAzim: 36,
      method,
      polarizationFactor: 0.99,
      errorModel: "poisson",
    });
    const res = integ.integrate(frame.data, "int32");
    expect(fractionWithin(res.radial, ref.radial, 1e-9)).toBe(1);
    expect(fractionWithin(res.azimuthalDeg, ref.azimuthal, 1e-6)).toBe(1);
    const flat = (m: number[][]) => m.flat();
    expect(fractionWithin(res.count, flat(ref.count), 1e-6)).toBe(1);
    expect(fractionWithin(res.intensity, flat(ref.intensity), 1e-6)).toBe(1);
    expect(fractionWithin(res.sigma!, flat(ref.sigma), 1e-6)).toBe(1);
  });
});
