/**
 * Pixel→bin matrix for 2D caking (radial × χ), pyFAI `integrate2d_ng` layout: CSR row =
 * radialBin·nptAzim + azimBin. bbox splitting takes the product of the radial and the azimuthal
 * 1D bounding-box weights (splitBBox calc_lut_2d); "no" puts each pixel centre in one cell.
 * The χ range is clipped to [−π, π] (the discontinuity sits at ±π, pyFAI's default).
 */
import { type BinGrid, bboxWeights, binGrid } from "./bins.js";
import { CooBuilder, type PixelBins } from "./sparse.js";
import type { Range } from "./split1d.js";

export interface Built2d {
  matrix: PixelBins;
  radial: BinGrid;
  azimuthal: BinGrid;
}

export interface PixelBoxes {
  radial: Float64Array;
  /** radial half-widths; null for no splitting */
  radialHalf: Float64Array | null;
  chi: Float64Array;
  chiHalf: Float64Array | null;
}

export function build2d(
  px: PixelBoxes,
  mask: Uint8Array | null,
  nptRad: number,
  nptAzim: number,
  radialRange: Range,
  azimuthRange: Range,
): Built2d {
  const n = px.radial.length;
  const rh = px.radialHalf;
  const ch = px.chiHalf;
  let r0 = Number.POSITIVE_INFINITY;
  let r1 = Number.NEGATIVE_INFINITY;
  let a0 = Number.POSITIVE_INFINITY;
  let a1 = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < n; k++) {
    if (mask && mask[k] !== 0) continue;
    const dr = rh ? rh[k]! : 0;
    const da = ch ? ch[k]! : 0;
    r0 = Math.min(r0, px.radial[k]! - dr);
    r1 = Math.max(r1, px.radial[k]! + dr);
    a0 = Math.min(a0, px.chi[k]! - da);
    a1 = Math.max(a1, px.chi[k]! + da);
  }
  const radial = radialRange
    ? binGrid(radialRange[0], radialRange[1], nptRad)
    : binGrid(Math.max(0, r0), Math.max(0, r1), nptRad);
  const azimuthal = azimuthRange
    ? binGrid(azimuthRange[0], azimuthRange[1], nptAzim)
    : binGrid(Math.max(-Math.PI, a0), Math.min(Math.PI, a1), nptAzim);

  const coo = new CooBuilder(nptRad * nptAzim, n, n * 4);
  const rb: number[] = [];
  const rw: number[] = [];
  const ab: number[] = [];
  const aw: number[] = [];
  const pushR = (b: number, w: number) => {
    rb.push(b);
    rw.push(w);
  };
  const pushA = (b: number, w: number) => {
    ab.push(b);
    aw.push(w);
  };
  for (let k = 0; k < n; k++) {
    if (mask && mask[k] !== 0) continue;
    rb.length = rw.length = ab.length = aw.length = 0;
    const r = px.radial[k]!;
    const a = px.chi[k]!;
    if (rh) {
      const d = rh[k]!;
      if (
        !bboxWeights((r - d - radial.min) / radial.delta, (r + d - radial.min) / radial.delta, nptRad, pushR)
      )
        continue;
    } else if (!singleBin(r, radial, pushR)) continue;
    if (ch) {
      const d = ch[k]!;
      const lo = Math.max(a - d, azimuthal.min);
      const hi = Math.min(a + d, azimuthal.maxIn);
      if (hi < lo) continue;
      if (
        !bboxWeights(
          (lo - azimuthal.min) / azimuthal.delta,
          (hi - azimuthal.min) / azimuthal.delta,
          nptAzim,
          pushA,
        )
      )
        continue;
    } else if (!singleBin(a, azimuthal, pushA)) continue;
    for (let i = 0; i < rb.length; i++) {
      for (let j = 0; j < ab.length; j++) coo.add(rb[i]! * nptAzim + ab[j]!, k, rw[i]! * aw[j]!);
    }
  }
  return { matrix: coo.toPixelBins(), radial, azimuthal };
}

function singleBin(v: number, g: BinGrid, emit: (b: number, w: number) => void): boolean {
  if (v < g.min || v >= g.max) return false;
  const b = Math.trunc((v - g.min) / g.delta);
  if (b < 0 || b >= g.npt) return false;
  emit(b, 1);
  return true;
}
