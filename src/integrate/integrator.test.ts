import { describe, expect, it } from "vitest";
import {
  fixturePath,
  fractionWithin,
  maxRelDev,
  readCsvTable,
  readRefFrame,
} from "../../test/support/fixtures.js";
import { readPoni } from "../geometry/index.js";
import { Integrator1d, type Kernel, type SplitMethod } from "./index.js";

// pyFAI 0.21.3 integrate1d(frame, 1000, unit="q_nm^-1", method=M, correctSolidAngle=True,
// polarization_factor=0.99, error_model="poisson"), detector gap mask; see test/fixtures/README.md.
const DETECTORS = [
  { name: "saxs", tag: "pilatus1m", nnzBBox: 2_614_882 },
  { name: "waxs", tag: "pilatus100k", nnzBBox: 324_124 },
] as const;
// every golden comparison on both per-frame loops: WebAssembly and the JavaScript reference
const CASES = (["wasm", "js"] as const).flatMap((kernel) => DETECTORS.map((d) => ({ ...d, kernel })));

const col = (rows: number[][], c: number) => rows.map((r) => r[c]!);

async function integrate(
  name: string,
  tag: "pilatus1m" | "pilatus100k",
  method: SplitMethod,
  kernel: Kernel,
) {
  const cal = await readPoni(fixturePath("pyfai", `ref_${name}.poni`));
  const frame = readRefFrame(tag);
  const integ = new Integrator1d(cal, frame.shape, {
    npt: 1000,
    unit: "q_nm^-1",
    method,
    polarizationFactor: 0.99,
    errorModel: "poisson",
    kernel,
  });
  return { integ, res: integ.integrate(frame.data, "int32") };
}

describe.each(CASES)("1D integration vs pyFAI 0.21.3 ($name, $kernel)", ({ name, tag, nnzBBox, kernel }) => {
  it("bbox/csr: same matrix size; q, I, σ and the four sums within 1e-6", async () => {
    const { integ, res } = await integrate(name, tag, "bbox", kernel);
    const ref = readCsvTable("pyfai", `ref_${name}_bbox.csv`);
    expect(integ.matrix.coef.length).toBe(nnzBBox);
    expect(maxRelDev(res.radial, col(ref, 0))).toBeLessThan(1e-8);
    expect(maxRelDev(res.intensity, col(ref, 1))).toBeLessThan(1e-6);
    expect(maxRelDev(res.sigma!, col(ref, 2))).toBeLessThan(1e-6);
    expect(maxRelDev(res.sums.signal, col(ref, 3))).toBeLessThan(1e-7);
    expect(maxRelDev(res.sums.variance, col(ref, 4))).toBeLessThan(1e-7);
    expect(maxRelDev(res.sums.normalization, col(ref, 5))).toBeLessThan(1e-7);
    expect(maxRelDev(res.sums.count, col(ref, 6))).toBeLessThan(1e-7);
  });

  it("no splitting (histogram): q, I, σ within 1e-6", async () => {
    const { res } = await integrate(name, tag, "no", kernel);
    const ref = readCsvTable("pyfai", `ref_${name}_no.csv`);
    expect(maxRelDev(res.radial, col(ref, 0))).toBeLessThan(1e-8);
    expect(maxRelDev(res.intensity, col(ref, 1))).toBeLessThan(1e-6);
    expect(maxRelDev(res.sigma!, col(ref, 2))).toBeLessThan(1e-6);
  });

  it("full splitting: q exact, I within 1e-4 except the direct-beam bins, ≥99 % of bins within 1e-5", async () => {
    const { res } = await integrate(name, tag, "full", kernel);
    const ref = readCsvTable("pyfai", `ref_${name}_full.csv`);
    expect(maxRelDev(res.radial, col(ref, 0))).toBeLessThan(1e-8);
    // the pixel holding the direct beam is a degenerate quadrilateral in (q, χ): pyFAI differs in bins 0–1
    const skip = name === "saxs" ? 2 : 0;
    expect(maxRelDev(res.intensity.slice(skip), col(ref, 1).slice(skip))).toBeLessThan(1e-4);
    expect(fractionWithin(res.intensity, col(ref, 1), 1e-5)).toBeGreaterThanOrEqual(0.99);
    expect(fractionWithin(res.sigma!, col(ref, 2), 1e-4)).toBeGreaterThanOrEqual(0.99);
  });
});

describe("normalisation and corrections", () => {
  it("a normalisation factor of 2 halves I and σ exactly and keeps the sums S, V, C", async () => {
    const cal = await readPoni(fixturePath("pyfai", "ref_waxs.poni"));
    const frame = readRefFrame("pilatus100k");
    const integ = new Integrator1d(cal, frame.shape, { npt: 200, errorModel: "poisson" });
    const a = integ.integrate(frame.data, "int32", 1);
    const b = integ.integrate(frame.data, "int32", 2);
    for (let i = 0; i < 200; i++) {
      expect(b.intensity[i]).toBe(a.intensity[i]! / 2);
      expect(b.sigma![i]).toBe(a.sigma![i]! / 2);
      expect(b.sums.signal[i]).toBe(a.sums.signal[i]);
    }
  });

  it("dark subtraction and a flat field act per pixel; σ ignores the dark (pyFAI 0.21.3)", async () => {
    const cal = await readPoni(fixturePath("pyfai", "ref_waxs.poni"));
    const frame = readRefFrame("pilatus100k");
    const n = frame.data.length;
    const plain = new Integrator1d(cal, frame.shape, { npt: 100, errorModel: "poisson" }).integrate(
      frame.data,
      "int32",
    );
    const dark = new Float32Array(n).fill(1);
    const flat = new Float32Array(n).fill(2);
    const corr = new Integrator1d(cal, frame.shape, { npt: 100, errorModel: "poisson", dark, flat });
    const shifted = Int32Array.from(frame.data, (v) => (v < 0 ? v : v + 1));
    const r = corr.integrate(shifted, "int32");
    for (let i = 0; i < 100; i++) {
      if (plain.sums.count[i] === 0) continue;
      expect(r.intensity[i]).toBeCloseTo(plain.intensity[i]! / 2, 9);
    }
  });

  it("negative pixels of a signed frame are skipped per frame (Pilatus −2 bad pixels)", async () => {
    const cal = await readPoni(fixturePath("pyfai", "ref_waxs.poni"));
    const frame = readRefFrame("pilatus100k");
    const integ = new Integrator1d(cal, frame.shape, { npt: 50 });
    const bad = Int32Array.from(frame.data);
    bad[1000] = -2;
    const a = integ.integrate(frame.data, "int32");
    const b = integ.integrate(bad, "int32");
    let total = 0;
    for (let i = 0; i < 50; i++) total += a.sums.count[i]! - b.sums.count[i]!;
    expect(total).toBeCloseTo(1, 6);
  });

  it("q_A^-1 and 2th_deg: the same bins scaled", async () => {
    const cal = await readPoni(fixturePath("pyfai", "ref_saxs.poni"));
    const frame = readRefFrame("pilatus1m");
    const nm = new Integrator1d(cal, frame.shape, { npt: 300, unit: "q_nm^-1" }).integrate(
      frame.data,
      "int32",
    );
    const a = new Integrator1d(cal, frame.shape, { npt: 300, unit: "q_A^-1" }).integrate(frame.data, "int32");
    for (let i = 0; i < 300; i++) {
      expect(a.radial[i]).toBeCloseTo(nm.radial[i]! / 10, 12);
      expect(a.intensity[i]).toBe(nm.intensity[i]);
    }
    const t = new Integrator1d(cal, frame.shape, { npt: 300, unit: "2th_deg" }).integrate(
      frame.data,
      "int32",
    );
    // the last 2θ bin edge is the 2θ of the last q bin edge: 2·asin(q·λ/4π)
    const qEdge = nm.radial[299]! + (nm.radial[1]! - nm.radial[0]!) / 2;
    const tthEdgeDeg = (2 * Math.asin((qEdge * cal.wavelengthM * 1e9) / (4 * Math.PI)) * 180) / Math.PI;
    const halfBin = (t.radial[1]! - t.radial[0]!) / 2;
    expect(t.radial[299]! + halfBin).toBeCloseTo(tthEdgeDeg, 6);
  });
});
