/**
 * Pixel→bin matrices for 1D azimuthal integration, one builder per pixel-splitting method.
 * Each mirrors pyFAI 0.21.3 (see the shared reference `pyfai.md` §4 and its NumPy spec):
 *   no   — the pixel centre goes to one bin, coefficient 1 (no/histogram/cython);
 *   bbox — the pixel is the interval [c−Δ, c+Δ], spread uniformly (splitBBox calc_lut_1d);
 *   full — the pixel is its quadrilateral in (bin, χ); each bin gets its exact area share
 *          (splitpixel calc_lut_1d), by the signed line integral ∫χ dx of the 4 edges.
 */
import { type BinGrid, bboxWeights, binGrid } from "./bins.js";
import { CooBuilder, type PixelBins } from "./sparse.js";

export interface Built1d {
  matrix: PixelBins;
  grid: BinGrid;
}

/** Explicit range in the base unit, or null to take it from the pixels. */
export type Range = [number, number] | null;

function rangeOrData(range: Range, lo: number, hi: number, npt: number): BinGrid {
  if (range) return binGrid(range[0], range[1], npt);
  // allow_pos0_neg=False: the radial axis starts at 0 at the lowest
  return binGrid(Math.max(0, lo), Math.max(0, hi), npt);
}

/**
 * No splitting. The range comes from *all* pixel centres, masked ones included: pyFAI's histogram
 * engine does this (pitfall P1 of the reference), and copying it keeps the bin grid identical.
 */
export function buildNoSplit(
  centre: Float64Array,
  mask: Uint8Array | null,
  npt: number,
  range: Range,
): Built1d {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  if (!range) {
    for (let k = 0; k < centre.length; k++) {
      const c = centre[k]!;
      if (c < lo) lo = c;
      if (c > hi) hi = c;
    }
  }
  const grid = range ? binGrid(range[0], range[1], npt) : binGrid(lo, hi, npt);
  const coo = new CooBuilder(npt, centre.length, centre.length);
  for (let k = 0; k < centre.length; k++) {
    if (mask && mask[k] !== 0) continue;
    const c = centre[k]!;
    if (c < grid.min || c >= grid.max) continue;
    const b = Math.trunc((c - grid.min) / grid.delta);
    if (b >= 0 && b < npt) coo.add(b, k, 1);
  }
  return { matrix: coo.toPixelBins(), grid };
}

/** Bounding-box splitting: pixel k covers [centre−halfWidth, centre+halfWidth]. */
export function buildBBox1d(
  centre: Float64Array,
  halfWidth: Float64Array,
  mask: Uint8Array | null,
  npt: number,
  range: Range,
): Built1d {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < centre.length; k++) {
    if (mask && mask[k] !== 0) continue;
    const c = centre[k]!;
    const d = halfWidth[k]!;
    if (c - d < lo) lo = c - d;
    if (c + d > hi) hi = c + d;
  }
  const grid = rangeOrData(range, lo, hi, npt);
  const coo = new CooBuilder(npt, centre.length, centre.length * 3);
  let pixel = 0;
  const emit = (bin: number, w: number) => coo.add(bin, pixel, w);
  for (let k = 0; k < centre.length; k++) {
    if (mask && mask[k] !== 0) continue;
    const c = centre[k]!;
    const d = halfWidth[k]!;
    pixel = k;
    bboxWeights((c - d - grid.min) / grid.delta, (c + d - grid.min) / grid.delta, npt, emit);
  }
  return { matrix: coo.toPixelBins(), grid };
}

/**
 * Full splitting. `cornersRadial` and `cornersChi` are (n, 4) float32 arrays (corners A,B,C,D).
 * Areas are accumulated in float64 (pyFAI uses a float32 buffer: agreement ≈1e-5 relative).
 */
export function buildFull1d(
  cornersRadial: Float32Array,
  cornersChi: Float32Array,
  mask: Uint8Array | null,
  npt: number,
  range: Range,
): Built1d {
  const n = cornersRadial.length / 4;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < n; k++) {
    if (mask && mask[k] !== 0) continue;
    for (let e = 0; e < 4; e++) {
      const v = cornersRadial[4 * k + e]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const grid = rangeOrData(range, lo, hi, npt);
  const coo = new CooBuilder(npt, n, n * 3);
  const x = new Float64Array(4);
  const y = new Float64Array(4);
  let areas = new Float64Array(64);
  for (let k = 0; k < n; k++) {
    if (mask && mask[k] !== 0) continue;
    let xmin = Number.POSITIVE_INFINITY;
    let xmax = Number.NEGATIVE_INFINITY;
    let ymin = Number.POSITIVE_INFINITY;
    let ymax = Number.NEGATIVE_INFINITY;
    for (let e = 0; e < 4; e++) {
      x[e] = (cornersRadial[4 * k + e]! - grid.min) / grid.delta;
      y[e] = cornersChi[4 * k + e]!;
      xmin = Math.min(xmin, x[e]!);
      xmax = Math.max(xmax, x[e]!);
      ymin = Math.min(ymin, y[e]!);
      ymax = Math.max(ymax, y[e]!);
    }
    // _recenter: a pixel across the χ = ±π cut gets its negative corners moved up by 2π
    if (ymax - ymin > Math.PI) for (let e = 0; e < 4; e++) if (y[e]! < 0) y[e] = y[e]! + 2 * Math.PI;
    if (xmax < 0 || xmin >= npt) continue;
    const b0 = Math.floor(xmin);
    const b1 = Math.floor(xmax);
    if (b0 === b1) {
      coo.add(b0, k, 1);
      continue;
    }
    const lowBin = Math.max(b0, 0);
    const span = Math.min(npt, b1 + 1) - lowBin;
    if (areas.length < span) areas = new Float64Array(span * 2);
    areas.fill(0, 0, span);
    for (let e = 0; e < 4; e++) stripAreas(x, y, e, lowBin, span, areas);
    let total = 0;
    for (let s = 0; s < span; s++) total += areas[s]!;
    for (let s = 0; s < span; s++) coo.add(lowBin + s, k, areas[s]! / total);
  }
  return { matrix: coo.toPixelBins(), grid };
}

/** Adds edge e's signed contribution sign(xb−xa)·∫χ dx to each unit-wide strip [lowBin+s, lowBin+s+1]. */
function stripAreas(
  x: Float64Array,
  y: Float64Array,
  e: number,
  lowBin: number,
  span: number,
  areas: Float64Array,
): void {
  const xa = x[e]!;
  const ya = y[e]!;
  const xb = x[(e + 1) % 4]!;
  const yb = y[(e + 1) % 4]!;
  if (xa === xb) return;
  const slope = (yb - ya) / (xb - xa);
  const sign = xb > xa ? 1 : -1;
  const left = Math.min(xa, xb);
  const right = Math.max(xa, xb);
  const first = Math.max(0, Math.floor(left) - lowBin);
  const last = Math.min(span - 1, Math.floor(right) - lowBin);
  for (let s = first; s <= last; s++) {
    const k0 = lowBin + s;
    const lo = Math.min(Math.max(left, k0), k0 + 1);
    const hi = Math.min(Math.max(right, k0), k0 + 1);
    if (hi <= lo) continue;
    const ylo = ya + slope * (lo - xa);
    const yhi = ya + slope * (hi - xa);
    areas[s] = areas[s]! + sign * (hi - lo) * 0.5 * (ylo + yhi);
  }
}
