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
