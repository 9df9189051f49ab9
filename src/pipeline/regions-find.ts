/**
 * Region finding for `swaxs run`: the per-row features the labelling works from, measured on each
 * pixel's initial-OCV mean curve, then `labelRows` with the stated stack and the hand-set rows.
 */
import { bandIntegral } from "../analysis/bands.js";
import { labelRows, type Role } from "../analysis/regions.js";

export interface RegionInputs {
  rows: number;
  cols: number;
  /** Mean sample transmission of each row over the initial OCV (NaN/absent rows count as 0). */
  transmissionByRow: number[];
  /** Per detector: radial axis and each pixel's initial-OCV mean curve (pixel = row·cols + col). */
  saxs?: { radial: Float64Array; ocvMean: Float64Array[] };
  waxs?: { radial: Float64Array; ocvMean: Float64Array[] };
  stack: Role[];
  byRow: Map<number, Role>;
}

const band = (m: Float64Array, q: Float64Array, a: number, b: number) =>
  bandIntegral(q, m, null, [a, b]).value;

export function findRegions(x: RegionInputs): Role[] {
  const rowMean = (det: RegionInputs["saxs"], f: (m: Float64Array, q: Float64Array) => number) =>
    Array.from({ length: x.rows }, (_, r) => {
      if (!det) return 0;
      let s = 0;
      for (let c = 0; c < x.cols; c++) s += f(det.ocvMean[r * x.cols + c]!, det.radial);
      return s / x.cols;
    });
  return labelRows(
    {
      transmission: x.transmissionByRow,
      // the carbon's pore hump (solid-state cell, q in nm⁻¹)
      poreSaxs: rowMean(x.saxs, (m, q) => band(m, q, 1.5, 2.6)),
      // In (101) / LiIn above its local baseline
      alloyWaxs: rowMean(x.waxs, (m, q) =>
        Math.max(0, band(m, q, 22.9, 23.4) / 0.5 - (band(m, q, 22.5, 22.8) + band(m, q, 23.5, 23.8)) / 0.6),
      ),
    },
    x.stack,
    x.byRow,
  );
}
