import { describe, expect, it } from "vitest";
import { fixturePath, readRefFrame } from "../../test/support/fixtures.js";
import { readPoni } from "../geometry/index.js";
import { IntegrationPool, Integrator1d } from "./index.js";

describe("IntegrationPool", () => {
  it("gives on 2 workers exactly what the main thread gives, frame by frame", async () => {
    const cal = await readPoni(fixturePath("pyfai", "ref_waxs.poni"));
    const frame = readRefFrame("pilatus100k");
    const integ = new Integrator1d(cal, frame.shape, {
      npt: 300,
      errorModel: "poisson",
      polarizationFactor: 0.99,
    });
    const pool = new IntegrationPool(integ, 2);
    try {
      const frames = [1, 2, 3, 4, 5].map((s) =>
        Int32Array.from(frame.data, (v, k) => (v < 0 ? v : v + ((k * s) % 5))),
      );
      const expected = frames.map((f, i) => integ.integrate(f, "int32", i + 1));
      const got = await Promise.all(frames.map((f, i) => pool.integrate(Int32Array.from(f), "int32", i + 1)));
      for (let i = 0; i < frames.length; i++) {
        expect(Array.from(got[i]!.intensity)).toEqual(Array.from(expected[i]!.intensity));
        expect(Array.from(got[i]!.sigma!)).toEqual(Array.from(expected[i]!.sigma!));
      }
    } finally {
      await pool.close();
    }
  });
});
