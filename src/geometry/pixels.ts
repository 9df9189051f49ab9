/**
 * Per-pixel geometry in pyFAI's exact conventions (pyFAI 0.21.3, see shared reference `pyfai.md` §1).
 *
 * Lab frame: t1 vertical (up), t2 horizontal, t3 along the beam; the detector origin is the corner
 * of pixel (0,0); pixel (d1,d2) has its centre at ((d1+½)·pixel1, (d2+½)·pixel2).
 *   t1 = p1·c2·c3 + p2·(c3·s1·s2 − c1·s3) − L·(c1·c3·s2 + s1·s3)
 *   t2 = p1·c2·s3 + p2·(c1·c3 + s1·s2·s3) − L·(−c3·s1 + c1·s2·s3)
 *   t3 = p1·s2 − p2·c2·s1 + L·c1·c2
 *   2θ = atan2(√(t1²+t2²), t3),   χ = atan2(t1, t2)
 * (pyFAI/ext/_geometry.pyx f_t1, f_t2, f_t3, f_tth, f_chi).
 *
 * Precision, copied on purpose: pyFAI builds the pixel-centre index grid in float32, so p1 and p2 are
 * float32 values; the trigonometry is float64. Corner positions are float64, and corner results are
 * stored as float32 (`corner_array`). Emulating this reproduces pyFAI to ~1e-12 instead of ~1e-7.
 */
import { polarizationAt, solidAngleAt } from "./corrections.js";
import type { Calibration, PoniGeometry } from "./types.js";
import { qNmFromTth, type RadialUnit } from "./units.js";

const f32 = Math.fround;

/** Index of pixel d (0..n-1) after the detector orientation (PONI v2.1); for corners pass n+1 points. */
function orient(flip: boolean, i: number, last: number): number {
  return flip ? last - i : i;
}

function flips(orientation: number): [boolean, boolean] {
  // pyFAI ≥2023 `_reorder_indexes_from_orientation`: 1 flips both, 2 flips d1, 4 flips d2; 0/3 none.
  return [orientation === 1 || orientation === 2, orientation === 1 || orientation === 4];
}

interface RotationTerms {
  a11: number;
  a12: number;
  a13: number;
  a21: number;
  a22: number;
  a23: number;
  a31: number;
  a32: number;
  a33: number;
}

/** Coefficients of (t1,t2,t3) = A·(p1,p2,L): pyFAI's expanded rotation R = rot3·rot2·rot1. */
function rotationTerms(g: PoniGeometry): RotationTerms {
  const c1 = Math.cos(g.rot1Rad);
  const c2 = Math.cos(g.rot2Rad);
  const c3 = Math.cos(g.rot3Rad);
  const s1 = Math.sin(g.rot1Rad);
  const s2 = Math.sin(g.rot2Rad);
  const s3 = Math.sin(g.rot3Rad);
  return {
    a11: c2 * c3,
    a12: c3 * s1 * s2 - c1 * s3,
    a13: -(c1 * c3 * s2 + s1 * s3),
    a21: c2 * s3,
    a22: c1 * c3 + s1 * s2 * s3,
    a23: -(-(c3 * s1) + c1 * s2 * s3),
    a31: s2,
    a32: -c2 * s1,
    a33: c1 * c2,
  };
}

/**
 * Pixel corners on the detector plane, pyFAI `Detector.get_pixel_corners` layout: float32 array of
 * shape (n1, n2, 4, 3) holding (z, y, x) [m] for corners A=(d1,d2), B=(d1+1,d2), C=(d1+1,d2+1),
 * D=(d1,d2+1); positions are index·pixel size and z = 0 (flat detector).
 */
export function pixelCorners(cal: Calibration, shape: [number, number]): Float32Array {
  const [n1, n2] = shape;
  const out = new Float32Array(n1 * n2 * 12);
  const { pixel1M, pixel2M } = cal.detector;
  const corner = [
    [0, 0],
    [1, 0],
    [1, 1],
    [0, 1],
  ] as const;
  for (let d1 = 0; d1 < n1; d1++) {
    for (let d2 = 0; d2 < n2; d2++) {
      const o = (d1 * n2 + d2) * 12;
      for (let c = 0; c < 4; c++) {
        out[o + 3 * c + 1] = (d1 + corner[c]![0]) * pixel1M;
        out[o + 3 * c + 2] = (d2 + corner[c]![1]) * pixel2M;
      }
    }
  }
  return out;
}

/** Pixel-centre arrays, row-major over `shape`. */
export interface PixelCentres {
  shape: [number, number];
  tthRad: Float64Array;
  chiRad: Float64Array;
  /** cos of the incidence angle on the detector plane, measured from the PONI: L/√(L²+p1²+p2²). */
  cosIncidence: Float64Array;
}

/**
 * Lab-frame position [m] of one pixel centre: (x=t2, y=t1, z=t3). Like pyFAI's `calc_pos_zyx`, this
 * uses float64 positions (no float32 index grid), so it differs from the 2θ path by ~1e-9 m.
 */
export function pixelCentreLab(
  cal: Calibration,
  d1: number,
  d2: number,
): { x: number; y: number; z: number } {
  const shape = cal.detector.shape ?? [d1 + 1, d2 + 1];
  const [flip1, flip2] = flips(cal.detector.orientation);
  const p1 = (orient(flip1, d1, shape[0] - 1) + 0.5) * cal.detector.pixel1M - cal.poni1M;
  const p2 = (orient(flip2, d2, shape[1] - 1) + 0.5) * cal.detector.pixel2M - cal.poni2M;
  const a = rotationTerms(cal);
  const L = cal.distM;
  return {
    y: a.a11 * p1 + a.a12 * p2 + a.a13 * L,
    x: a.a21 * p1 + a.a22 * p2 + a.a23 * L,
    z: a.a31 * p1 + a.a32 * p2 + a.a33 * L,
  };
}

/**
 * What computeCentres and radialExtent share: the rotation, and each pixel centre's offsets from
 * the PONI as pyFAI computes them (float32 index·size − poni), p2 per column and p1 per row.
 */
function centreOffsets(cal: Calibration, shape: [number, number]) {
  const [n1, n2] = shape;
  const [flip1, flip2] = flips(cal.detector.orientation);
  const px1 = f32(cal.detector.pixel1M);
  const px2 = f32(cal.detector.pixel2M);
  const poni1 = f32(cal.poni1M);
  const poni2 = f32(cal.poni2M);
  const p2row = new Float64Array(n2);
  for (let d2 = 0; d2 < n2; d2++) p2row[d2] = f32(f32(px2 * (orient(flip2, d2, n2 - 1) + 0.5)) - poni2);
  const p1col = new Float64Array(n1);
  for (let d1 = 0; d1 < n1; d1++) p1col[d1] = f32(f32(px1 * (orient(flip1, d1, n1 - 1) + 0.5)) - poni1);
  return { a: rotationTerms(cal), L: cal.distM, p1col, p2row };
}

export function computeCentres(cal: Calibration, shape: [number, number]): PixelCentres {
  const [n1, n2] = shape;
  const n = n1 * n2;
  const tthRad = new Float64Array(n);
  const chiRad = new Float64Array(n);
  const cosIncidence = new Float64Array(n);
  const { a, L, p1col, p2row } = centreOffsets(cal, shape);
  for (let d1 = 0; d1 < n1; d1++) {
    const p1 = p1col[d1]!;
    const b1 = a.a11 * p1 + a.a13 * L;
    const b2 = a.a21 * p1 + a.a23 * L;
    const b3 = a.a31 * p1 + a.a33 * L;
    const row = d1 * n2;
    for (let d2 = 0; d2 < n2; d2++) {
      const p2 = p2row[d2]!;
      const t1 = b1 + a.a12 * p2;
      const t2 = b2 + a.a22 * p2;
      const t3 = b3 + a.a32 * p2;
      tthRad[row + d2] = Math.atan2(Math.sqrt(t1 * t1 + t2 * t2), t3);
      chiRad[row + d2] = Math.atan2(t1, t2);
      cosIncidence[row + d2] = L / Math.sqrt(L * L + p1 * p1 + p2 * p2);
    }
  }
  return { shape, tthRad, chiRad, cosIncidence };
}

/** What `centreFields` computes in its one pass over the pixel centres. */
export interface CentreFieldsWanted {
  /** Each centre's radial value in this unit's base (unscaled), as `centreRadial(computeCentres(…))`. */
  unit?: RadialUnit;
  /**
   * Each centre's static normalisation, float32: polarisation (factor f, or none when null) times the
   * relative solid angle (when `solidAngle`), rounded as the integrators store it.
   */
  normalisation?: { polarizationFactor: number | null; solidAngle: boolean };
}

/**
 * The radial value and the static normalisation of every pixel centre in one pass, without the three
 * float64 arrays of `computeCentres` (2θ, χ, cos α: 24 MB for a Pilatus 1M). Why: a fresh page of
 * memory costs ~11 µs at its first write on the machines we measure (a virtual machine's page fault),
 * so each 8 MB array written once costs ~25 ms, more than the arithmetic that fills it (issue 11).
 * Value for value the same arithmetic as computeCentres → radialBase / polarizationAt ·
 * solidAngleAt (same operations in the same order), so the results are bit-identical.
 */
export function centreFields(
  cal: Calibration,
  shape: [number, number],
  want: CentreFieldsWanted,
): { radial: Float64Array | null; norm: Float32Array | null } {
  const [n1, n2] = shape;
  const n = n1 * n2;
  const unit = want.unit ?? null;
  const radial = unit ? new Float64Array(n) : null;
  const norm = want.normalisation ? new Float32Array(n) : null;
  const f = want.normalisation?.polarizationFactor ?? null;
  const sa = want.normalisation?.solidAngle === true;
  const lambda = cal.wavelengthM;
  const { a, L, p1col, p2row } = centreOffsets(cal, shape);
  for (let d1 = 0; d1 < n1; d1++) {
    const p1 = p1col[d1]!;
    const b1 = a.a11 * p1 + a.a13 * L;
    const b2 = a.a21 * p1 + a.a23 * L;
    const b3 = a.a31 * p1 + a.a33 * L;
    const row = d1 * n2;
    for (let d2 = 0; d2 < n2; d2++) {
      const p2 = p2row[d2]!;
      const t1 = b1 + a.a12 * p2;
      const t2 = b2 + a.a22 * p2;
      const t3 = b3 + a.a32 * p2;
      const tth = Math.atan2(Math.sqrt(t1 * t1 + t2 * t2), t3);
      if (radial) radial[row + d2] = radialBase(unit!, tth, lambda);
      if (norm) {
        let v = 1;
        if (f !== null) v = Math.fround(polarizationAt(tth, Math.atan2(t1, t2), f));
        if (sa) v = Math.fround(v * Math.fround(solidAngleAt(L / Math.sqrt(L * L + p1 * p1 + p2 * p2))));
        norm[row + d2] = v;
      }
    }
  }
  return { radial, norm };
}

/**
 * 2θ and χ at the (n1+1)×(n2+1) pixel-corner grid, float64 (pyFAI computes corners in float64 and
 * stores the converted values as float32; conversion happens in `cornerRadial`/`cornerChi`).
 * Corner (i,j) is at index i·(n2+1)+j; pixel (d1,d2) has corners A=(d1,d2), B=(d1+1,d2),
 * C=(d1+1,d2+1), D=(d1,d2+1).
 */
export interface CornerGrid {
  shape: [number, number];
  tthRad: Float64Array;
  /** null when not asked for (`computeCornerGrid(…, false)`): 1D bounding-box splitting needs 2θ only. */
  chiRad: Float64Array | null;
}

export function computeCornerGrid(cal: Calibration, shape: [number, number], withChi = true): CornerGrid {
  const m1 = shape[0] + 1;
  const m2 = shape[1] + 1;
  const tthRad = new Float64Array(m1 * m2);
  const chiRad = withChi ? new Float64Array(m1 * m2) : null;
  const a = rotationTerms(cal);
  const L = cal.distM;
  const [flip1, flip2] = flips(cal.detector.orientation);
  for (let i = 0; i < m1; i++) {
    const p1 = orient(flip1, i, m1 - 1) * cal.detector.pixel1M - cal.poni1M;
    const b1 = a.a11 * p1 + a.a13 * L;
    const b2 = a.a21 * p1 + a.a23 * L;
    const b3 = a.a31 * p1 + a.a33 * L;
    for (let j = 0; j < m2; j++) {
      const p2 = orient(flip2, j, m2 - 1) * cal.detector.pixel2M - cal.poni2M;
      const t1 = b1 + a.a12 * p2;
      const t2 = b2 + a.a22 * p2;
      const t3 = b3 + a.a32 * p2;
      tthRad[i * m2 + j] = Math.atan2(Math.sqrt(t1 * t1 + t2 * t2), t3);
      if (chiRad) chiRad[i * m2 + j] = Math.atan2(t1, t2);
    }
  }
  return { shape, tthRad, chiRad };
}

/**
 * The radial value (unit base, float32 as pyFAI's `corner_array`) at every point of the
 * (n1+1)×(n2+1) pixel-corner grid: computeCornerGrid's 2θ converted, without its float64 array.
 */
export function cornerRadialGrid(cal: Calibration, shape: [number, number], unit: RadialUnit): Float32Array {
  const m1 = shape[0] + 1;
  const m2 = shape[1] + 1;
  const grid = new Float32Array(m1 * m2);
  const a = rotationTerms(cal);
  const L = cal.distM;
  const lambda = cal.wavelengthM;
  const [flip1, flip2] = flips(cal.detector.orientation);
  for (let i = 0; i < m1; i++) {
    const p1 = orient(flip1, i, m1 - 1) * cal.detector.pixel1M - cal.poni1M;
    const b1 = a.a11 * p1 + a.a13 * L;
    const b2 = a.a21 * p1 + a.a23 * L;
    const b3 = a.a31 * p1 + a.a33 * L;
    for (let j = 0; j < m2; j++) {
      const p2 = orient(flip2, j, m2 - 1) * cal.detector.pixel2M - cal.poni2M;
      const t1 = b1 + a.a12 * p2;
      const t2 = b2 + a.a22 * p2;
      grid[i * m2 + j] = radialBase(unit, Math.atan2(Math.sqrt(t1 * t1 + t2 * t2), b3 + a.a32 * p2), lambda);
    }
  }
  return grid;
}

/** Radial value in the unit's internal base (q nm⁻¹ or 2θ rad) from 2θ, float64. */
export function radialBase(unit: RadialUnit, tthRad: number, wavelengthM: number): number {
  return unit.base === "q_nm^-1" ? qNmFromTth(tthRad, wavelengthM) : tthRad;
}

/** Radial position of every pixel centre in the unit's base, float64 (pyFAI `array_from_unit("center")`). */
export function centreRadial(c: PixelCentres, unit: RadialUnit, wavelengthM: number): Float64Array {
  const out = new Float64Array(c.tthRad.length);
  for (let k = 0; k < out.length; k++) out[k] = radialBase(unit, c.tthRad[k]!, wavelengthM);
  return out;
}

/**
 * The lowest and highest radial value of the pixel centres, in the unit (scaled): the range a band
 * or a peak window must lie in. q and 2θ both grow with 2θ, so the extremes of 2θ give it.
 *
 * Without visiting every pixel (a full pass over a Pilatus 1M took ~90 ms of a run's start): below
 * 90°, the points of the detector plane within an angle α of the beam are the plane's cut through a
 * convex cone, a convex set, so along any line of the plane 2θ has no maximum inside a segment and a
 * single minimum. Hence the highest pixel of each row is one of its two ends, and its lowest is found
 * by bisecting on the slope, then scanning the last few pixels (where 2θ is flat to rounding).
 * Where some pixel reaches 90° (back-scattering) every pixel is visited.
 */
export function radialExtent(cal: Calibration, shape: [number, number], unit: RadialUnit): [number, number] {
  const [n1, n2] = shape;
  const c = centreOffsets(cal, shape);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let d1 = 0; d1 < n1; d1++) {
    const tth = rowTwoTheta(c, d1);
    hi = Math.max(hi, tth(0), tth(n2 - 1));
    let l = 0;
    let r = n2 - 1;
    while (r - l > 16) {
      const m = (l + r) >> 1;
      if (tth(m) <= tth(m + 1)) r = m;
      else l = m + 1;
    }
    for (let d2 = l; d2 <= r; d2++) lo = Math.min(lo, tth(d2));
  }
  if (!(hi < Math.PI / 2)) [lo, hi] = tthExtentByScan(cal, shape);
  return [
    radialBase(unit, lo, cal.wavelengthM) * unit.scale,
    radialBase(unit, hi, cal.wavelengthM) * unit.scale,
  ];
}

/** The lowest and highest 2θ of the pixel centres, every pixel visited (radialExtent's reference). */
export function tthExtentByScan(cal: Calibration, shape: [number, number]): [number, number] {
  const [n1, n2] = shape;
  const c = centreOffsets(cal, shape);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let d1 = 0; d1 < n1; d1++) {
    const tth = rowTwoTheta(c, d1);
    for (let d2 = 0; d2 < n2; d2++) {
      const t = tth(d2);
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
  }
  return [lo, hi];
}

/** computeCentres' 2θ of the pixel centres of row d1 (the same float32 positions), by column. */
function rowTwoTheta(c: ReturnType<typeof centreOffsets>, d1: number): (d2: number) => number {
  const { a, L, p1col, p2row } = c;
  const p1 = p1col[d1]!;
  const b1 = a.a11 * p1 + a.a13 * L;
  const b2 = a.a21 * p1 + a.a23 * L;
  const b3 = a.a31 * p1 + a.a33 * L;
  return (d2) => {
    const p2 = p2row[d2]!;
    const t1 = b1 + a.a12 * p2;
    const t2 = b2 + a.a22 * p2;
    return Math.atan2(Math.sqrt(t1 * t1 + t2 * t2), b3 + a.a32 * p2);
  };
}

/**
 * Radial value at each pixel's 4 corners (A,B,C,D), float32 as pyFAI's `corner_array`: shape (n, 4),
 * from `cornerRadialGrid`.
 */
export function cornerRadial(grid: Float32Array, shape: [number, number]): Float32Array {
  return gatherCorners(grid, shape);
}

/** χ at each pixel's 4 corners (A,B,C,D), float32: shape (n, 4). */
export function cornerChi(g: CornerGrid): Float32Array {
  if (!g.chiRad) throw new Error("cornerChi: the corner grid was computed without χ");
  return gatherCorners(Float32Array.from(g.chiRad), g.shape);
}

function gatherCorners(grid: Float32Array, shape: [number, number]): Float32Array {
  const [n1, n2] = shape;
  const m2 = n2 + 1;
  const out = new Float32Array(n1 * n2 * 4);
  for (let d1 = 0; d1 < n1; d1++) {
    for (let d2 = 0; d2 < n2; d2++) {
      const o = (d1 * n2 + d2) * 4;
      const a = d1 * m2 + d2;
      out[o] = grid[a]!; // A (d1, d2)
      out[o + 1] = grid[a + m2]!; // B (d1+1, d2)
      out[o + 2] = grid[a + m2 + 1]!; // C (d1+1, d2+1)
      out[o + 3] = grid[a + 1]!; // D (d1, d2+1)
    }
  }
  return out;
}

/**
 * Half-width of each pixel in the radial unit: max over the 4 corners of |corner − centre|
 * (pyFAI `Geometry.delta_array`, used by bounding-box splitting), the corners' values float32 from
 * `cornerRadialGrid`. Read straight from the corner grid: no (n, 4) corner array is built.
 */
export function radialHalfWidth(
  centre: Float64Array,
  grid: Float32Array,
  shape: [number, number],
): Float64Array {
  const [n1, n2] = shape;
  const m2 = n2 + 1;
  const out = new Float64Array(centre.length);
  for (let d1 = 0; d1 < n1; d1++) {
    for (let d2 = 0; d2 < n2; d2++) {
      const k = d1 * n2 + d2;
      const a = d1 * m2 + d2;
      const c = centre[k]!;
      out[k] = Math.max(
        Math.abs(grid[a]! - c),
        Math.abs(grid[a + m2]! - c),
        Math.abs(grid[a + m2 + 1]! - c),
        Math.abs(grid[a + 1]! - c),
      );
    }
  }
  return out;
}

/**
 * Half-width in χ, aware of the ±π wrap: max over corners of min((corner−c) mod 2π, (c−corner) mod 2π)
 * (pyFAI `Geometry.deltaChi`).
 */
export function chiHalfWidth(chiCentre: Float64Array, cornersChi: Float32Array): Float64Array {
  const twoPi = 2 * Math.PI;
  const mod = (x: number) => ((x % twoPi) + twoPi) % twoPi;
  const out = new Float64Array(chiCentre.length);
  for (let k = 0; k < chiCentre.length; k++) {
    const c = chiCentre[k]!;
    let m = 0;
    for (let e = 0; e < 4; e++) {
      const v = cornersChi[k * 4 + e]!;
      m = Math.max(m, Math.min(mod(v - c), mod(c - v)));
    }
    out[k] = m;
  }
  return out;
}
