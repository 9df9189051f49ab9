import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fixturePath, readCsvTable } from "../../test/support/fixtures.js";
import { expectSameArray } from "../../test/support/same-array.js";
import {
  centreFields,
  centreRadial,
  computeCentres,
  computeCornerGrid,
  cornerRadial,
  cornerRadialGrid,
  pixelCentreLab,
  polarization,
  radialBase,
  radialExtent,
  radialHalfWidth,
  radialUnit,
  readPoni,
  solidAngleAbsolute,
  solidAngleRelative,
} from "./index.js";
import { tthExtentByScan } from "./pixels.js";

// Columns of ref_*_pixels.csv (pyFAI 0.21.3 per-pixel output, 32 pixels per geometry)
const D1 = 0,
  D2 = 1,
  X = 2,
  Y = 3,
  Z = 4,
  TTH = 5,
  CHI = 6,
  Q = 7,
  SA = 8,
  SA_ABS = 9,
  POL = 10,
  DQ = 11,
  QA = 12;

describe.each(["saxs", "waxs"])("per-pixel geometry vs pyFAI 0.21.3 (%s)", (name) => {
  it("2θ, χ, q, lab position, solid angle, polarisation, Δq and corner q agree to 1e-9", async () => {
    const cal = await readPoni(fixturePath("pyfai", `ref_${name}.poni`));
    const shape = cal.detector.shape!;
    const c = computeCentres(cal, shape);
    const unit = radialUnit("q_nm^-1")!;
    const q = centreRadial(c, unit, cal.wavelengthM);
    const grid = cornerRadialGrid(cal, shape, unit);
    const corners = cornerRadial(grid, shape);
    const dq = radialHalfWidth(q, grid, shape);
    const sa = solidAngleRelative(c);
    const saAbs = solidAngleAbsolute(c, cal);
    const pol = polarization(c, 0.99);
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);
    const rows = readCsvTable("pyfai", `ref_${name}_pixels.csv`);
    expect(rows.length).toBe(32);
    for (const r of rows) {
      const k = r[D1]! * shape[1] + r[D2]!;
      expect(rel(c.tthRad[k]!, r[TTH]!)).toBeLessThan(1e-9);
      expect(rel(c.chiRad[k]!, r[CHI]!)).toBeLessThan(1e-9);
      expect(rel(q[k]!, r[Q]!)).toBeLessThan(1e-9);
      expect(rel(sa[k]!, r[SA]!)).toBeLessThan(1e-9);
      expect(rel(saAbs[k]!, r[SA_ABS]!)).toBeLessThan(1e-9);
      expect(rel(pol[k]!, r[POL]!)).toBeLessThan(1e-7);
      expect(rel(dq[k]!, r[DQ]!)).toBeLessThan(1e-7);
      for (let e = 0; e < 4; e++) expect(rel(corners[k * 4 + e]!, r[QA + e]!)).toBeLessThan(1e-7);
      const lab = pixelCentreLab(cal, r[D1]!, r[D2]!);
      expect(Math.abs(lab.x - r[X]!)).toBeLessThan(1e-12);
      expect(Math.abs(lab.y - r[Y]!)).toBeLessThan(1e-12);
      expect(Math.abs(lab.z - r[Z]!)).toBeLessThan(1e-11);
    }
  });
});

describe("radialExtent", () => {
  it.each(["ref_waxs.poni", "v21_eiger2_orientation.poni"])(
    "%s: the extremes of every pixel centre's radial value, as computeCentres gives them",
    async (name) => {
      const cal = await readPoni(fixturePath("poni", name));
      const shape: [number, number] = [cal.detector.shape?.[0] ?? 195, cal.detector.shape?.[1] ?? 487];
      for (const u of ["q_nm^-1", "2th_deg"] as const) {
        const unit = radialUnit(u)!;
        const r = centreRadial(computeCentres(cal, shape), unit, cal.wavelengthM);
        let lo = Number.POSITIVE_INFINITY;
        let hi = Number.NEGATIVE_INFINITY;
        for (const v of r) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
        expect(radialExtent(cal, shape, unit)).toEqual([lo * unit.scale, hi * unit.scale]);
      }
    },
  );
});

describe("radialExtent without visiting every pixel", () => {
  it("equals the full pass on random geometries: tilted, rotated, beam on and off the detector, flipped", async () => {
    const base = await readPoni(fixturePath("poni", "ref_waxs.poni"));
    const unit = radialUnit("2th_rad")!;
    fc.assert(
      fc.property(
        fc.record({
          distM: fc.double({ min: 0.005, max: 3, noNaN: true }),
          poni1M: fc.double({ min: -0.3, max: 0.3, noNaN: true }),
          poni2M: fc.double({ min: -0.3, max: 0.3, noNaN: true }),
          rot1Rad: fc.double({ min: -0.8, max: 0.8, noNaN: true }),
          rot2Rad: fc.double({ min: -0.8, max: 0.8, noNaN: true }),
          rot3Rad: fc.double({ min: -3.2, max: 3.2, noNaN: true }),
          orientation: fc.constantFrom(0, 1, 2, 3, 4),
          n1: fc.integer({ min: 1, max: 120 }),
          n2: fc.integer({ min: 1, max: 200 }),
        }),
        (g) => {
          const cal = {
            ...base,
            ...g,
            detector: { ...base.detector, orientation: g.orientation },
          } as typeof base;
          const shape: [number, number] = [g.n1, g.n2];
          const [lo, hi] = tthExtentByScan(cal, shape);
          const got = radialExtent(cal, shape, unit);
          expect(got[1]).toBe(hi);
          // the lowest pixel to rounding: where 2θ is flat, neighbours differ in the last bits
          expect(Math.abs(got[0] - lo)).toBeLessThanOrEqual(1e-14 + 1e-12 * lo);
        },
      ),
      { numRuns: 400 },
    );
    // back-scattering, where it visits every pixel: a detector 1 cm away, tilted, reaching past 90°
    const back = { ...base, distM: 0.01, poni1M: 0.01, poni2M: -0.05, rot1Rad: 0.8, rot2Rad: 0, rot3Rad: 0 };
    const [lo, hi] = tthExtentByScan(back, [100, 150]);
    expect(hi).toBeGreaterThan(Math.PI / 2);
    expect(radialExtent(back, [100, 150], unit)).toEqual([lo, hi]);
  });
});

describe("centreFields and cornerRadialGrid", () => {
  it.each(["ref_waxs.poni", "v21_eiger2_orientation.poni"])(
    "%s: bit for bit the values of computeCentres → centreRadial, polarisation × solid angle, and computeCornerGrid",
    async (name) => {
      const cal = await readPoni(fixturePath("poni", name));
      // a 300 × 400 corner of the detector: the same arithmetic, and vitest compares it quickly
      const shape: [number, number] = [300, 400];
      const c = computeCentres(cal, shape);
      const g = computeCornerGrid(cal, shape, false);
      for (const u of ["q_nm^-1", "2th_deg"] as const) {
        const unit = radialUnit(u)!;
        for (const f of [0.99, null]) {
          for (const solidAngle of [true, false]) {
            const got = centreFields(cal, shape, {
              unit,
              normalisation: { polarizationFactor: f, solidAngle },
            });
            expectSameArray(got.radial, centreRadial(c, unit, cal.wavelengthM), `${u} radial`);
            const pol = f === null ? null : polarization(c, f);
            const sa = solidAngleRelative(c);
            const want = new Float32Array(c.tthRad.length);
            for (let k = 0; k < want.length; k++) {
              let v = pol ? Math.fround(pol[k]!) : 1;
              if (solidAngle) v = Math.fround(v * Math.fround(sa[k]!));
              want[k] = v;
            }
            expectSameArray(got.norm, want, `${u} ${f} ${solidAngle} norm`);
          }
        }
        const grid = cornerRadialGrid(cal, shape, unit);
        expectSameArray(
          grid,
          Float32Array.from(g.tthRad, (t) => radialBase(unit, t, cal.wavelengthM)),
          u,
        );
      }
      expect(centreFields(cal, shape, {})).toEqual({ radial: null, norm: null });
    },
  );
});
