/**
 * Detector frames for the digital twin: a 1D profile I(q) → the counts a real detector would
 * write. The geometry is worked out once per detector (q, solid angle, polarisation, gaps, hot
 * pixels), so rendering a frame is one pass of gather + multiply + Poisson over the pixels.
 *
 * Conventions are pyFAI's, so that integrating a rendered frame with `correctSolidAngle: true` and
 * the same polarisation factor gives the profile back:
 *   expected counts = I(q_pixel) × scale × cos³α × P(2θ, χ)
 * with cos³α the relative solid angle (1 at the PONI) and P pyFAI's polarisation factor.
 */
import { dtypeMax } from "../formats/dtype.js";
import type { Frame } from "../formats/types.js";
import {
  type Calibration,
  centreRadial,
  computeCentres,
  detectorMask,
  polarization,
  radialUnit,
  solidAngleRelative,
} from "../geometry/index.js";
import { Rng } from "./rng.js";

export type RenderDtype = "int32" | "uint16" | "uint32";

export interface RendererOptions {
  dtype: RenderDtype;
  /** pyFAI polarisation factor f ∈ [−1, 1]; null = no polarisation (P = 1). */
  polarizationFactor: number | null;
  /** Value written into module gaps: −1 for a Pilatus (int32), the dtype maximum for an Eiger. */
  gapValue: number;
  /** How many hot pixels (fixed per detector, never in a gap) read `saturation` in every frame. */
  hotPixels: number;
  /** Seed of the hot-pixel positions (the frame noise comes from the Rng passed to render()). */
  seed: number;
  /**
   * Highest count a pixel reads; larger values are clipped to it. Default: 1 048 575 (the 20-bit
   * Pilatus counter) for int32, dtype maximum − 1 for unsigned types (the maximum itself is the
   * Eiger "invalid pixel" marker, which readers mask).
   */
  saturation?: number;
  /** Extra invalid pixels (1 = invalid), written like gaps; row-major, rows × cols. */
  mask?: Uint8Array | null;
}

/** A radial profile on a sorted grid: expected counts per pixel at the PONI-equivalent solid angle. */
export interface Profile {
  /** Strictly increasing q [nm⁻¹]. */
  qNm: Float64Array;
  intensity: Float64Array;
}

type OutArray = Int32Array | Uint16Array | Uint32Array;

const PILATUS_SATURATION = 0xfffff; // 20-bit counter

export class FrameRenderer {
  readonly shape: [number, number];
  readonly dtype: RenderDtype;
  /** q [nm⁻¹] at each pixel centre. */
  readonly qNm: Float64Array;
  /** cos³α × P at each pixel, × the beamstop's transmission in its shadow (what a flat profile is multiplied by). */
  readonly factor: Float32Array;
  /** 1 = gap or masked: written as gapValue. */
  readonly invalid: Uint8Array;
  /** Indices of the hot pixels, sorted. */
  readonly hot: Int32Array;
  readonly gapValue: number;
  readonly saturation: number;
  private readonly qMin: number;
  private readonly qMax: number;
  // Interpolation of the last profile grid, per pixel: lower grid index and weight of the upper one.
  private gridCopy: Float64Array | null = null;
  private lower: Int32Array | null = null;
  private weight: Float32Array | null = null;

  constructor(cal: Calibration, shape: [number, number], opts: RendererOptions) {
    const [rows, cols] = shape;
    const n = rows * cols;
    if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0)) {
      throw new RangeError(`shape must be two positive integers, got ${shape.join("×")}`);
    }
    this.shape = [rows, cols];
    this.dtype = opts.dtype;
    const max = dtypeMax(opts.dtype);
    const min = opts.dtype === "int32" ? -0x80000000 : 0;
    this.saturation = opts.saturation ?? (opts.dtype === "int32" ? PILATUS_SATURATION : max - 1);
    if (!(Number.isInteger(this.saturation) && this.saturation >= 0 && this.saturation <= max)) {
      throw new RangeError(`saturation ${this.saturation} does not fit ${opts.dtype}`);
    }
    if (!(Number.isInteger(opts.gapValue) && opts.gapValue >= min && opts.gapValue <= max)) {
      throw new RangeError(`gapValue ${opts.gapValue} does not fit ${opts.dtype}`);
    }
    this.gapValue = opts.gapValue;

    const centres = computeCentres(cal, this.shape);
    this.qNm = centreRadial(centres, radialUnit("q_nm^-1")!, cal.wavelengthM);
    const sa = solidAngleRelative(centres);
    const pol = opts.polarizationFactor === null ? null : polarization(centres, opts.polarizationFactor);
    this.factor = new Float32Array(n);
    for (let k = 0; k < n; k++) this.factor[k] = sa[k]! * (pol ? pol[k]! : 1);

    this.invalid = detectorMask(cal.detector, this.shape);
    if (opts.mask) {
      if (opts.mask.length !== n) throw new RangeError(`mask has ${opts.mask.length} pixels, expected ${n}`);
      for (let k = 0; k < n; k++) if (opts.mask[k]) this.invalid[k] = 1;
    }

    let qMin = Number.POSITIVE_INFINITY;
    let qMax = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < n; k++) {
      const q = this.qNm[k]!;
      if (q < qMin) qMin = q;
      if (q > qMax) qMax = q;
    }
    this.qMin = qMin;
    this.qMax = qMax;
    this.hot = pickHotPixels(this.invalid, opts.hotPixels, opts.seed);
  }

  /**
   * Put a round beamstop on the direct beam: pixels whose centre is below `qMaxNm` [nm⁻¹] receive
   * `transmission` × their counts (default 0: they read 0, as behind a tungsten stop). When `mask`
   * is given (rows × cols, 1 = invalid), the shadowed pixels are also set in it, for the reduction.
   * Returns how many pixels are shadowed. Calling it again shadows more (it never un-shadows).
   */
  addBeamstop(qMaxNm: number, mask?: Uint8Array | null, transmission = 0): number {
    if (!(Number.isFinite(qMaxNm) && qMaxNm >= 0))
      throw new RangeError(`beamstop q must be ≥ 0, got ${qMaxNm}`);
    if (!(transmission >= 0 && transmission <= 1)) {
      throw new RangeError(`beamstop transmission must be in [0, 1], got ${transmission}`);
    }
    if (mask && mask.length !== this.qNm.length) {
      throw new RangeError(`mask has ${mask.length} pixels, expected ${this.qNm.length}`);
    }
    let shadowed = 0;
    for (let k = 0; k < this.qNm.length; k++) {
      if (this.qNm[k]! >= qMaxNm) continue;
      this.factor[k] = this.factor[k]! * transmission;
      if (mask) mask[k] = 1;
      shadowed++;
    }
    return shadowed;
  }

  /** Smallest and largest pixel-centre q [nm⁻¹] (gaps included): the span a profile grid must cover. */
  qRange(): [number, number] {
    return [this.qMin, this.qMax];
  }

  /**
   * Expected counts per pixel, no noise, no gaps, no hot pixels, no clipping: profile(q) × scale ×
   * cos³α × P. Linear interpolation in q; outside the grid the end values hold.
   */
  expected(profile: Profile, scale: number, out?: Float64Array): Float64Array {
    const n = this.qNm.length;
    const result = out ?? new Float64Array(n);
    if (result.length !== n) throw new RangeError(`out has ${result.length} values, expected ${n}`);
    this.prepare(profile);
    const lower = this.lower!;
    const weight = this.weight!;
    const I = profile.intensity;
    const f = this.factor;
    for (let k = 0; k < n; k++) {
      const j = lower[k]!;
      const a = I[j]!;
      result[k] = (a + weight[k]! * (I[j + 1]! - a)) * scale * f[k]!;
    }
    return result;
  }

  /** One frame: expected counts with Poisson noise, gaps at gapValue, hot pixels saturated, clipped. */
  render(profile: Profile, scale: number, rng: Rng): Frame {
    if (!(Number.isFinite(scale) && scale >= 0)) throw new RangeError(`scale must be ≥ 0, got ${scale}`);
    const [rows, cols] = this.shape;
    const n = rows * cols;
    this.prepare(profile);
    const data: OutArray =
      this.dtype === "int32"
        ? new Int32Array(n)
        : this.dtype === "uint16"
          ? new Uint16Array(n)
          : new Uint32Array(n);
    const lower = this.lower!;
    const weight = this.weight!;
    const invalid = this.invalid;
    const I = profile.intensity;
    const f = this.factor;
    const sat = this.saturation;
    const gap = this.gapValue;
    for (let k = 0; k < n; k++) {
      if (invalid[k]) {
        data[k] = gap;
        continue;
      }
      const j = lower[k]!;
      const a = I[j]!;
      const lambda = (a + weight[k]! * (I[j + 1]! - a)) * scale * f[k]!;
      // A negative expectation (a profile dipping below 0 after interpolation) reads 0.
      const counts = lambda > 0 ? rng.poisson(lambda) : 0;
      data[k] = Math.min(counts, sat);
    }
    for (const k of this.hot) data[k] = sat;
    return { data, shape: [rows, cols], dtype: this.dtype, metadata: {} };
  }

  /** Per-pixel interpolation indices for this profile's grid (kept while the grid stays the same). */
  private prepare(profile: Profile): void {
    const q = profile.qNm;
    const m = q.length;
    if (profile.intensity.length !== m) {
      throw new RangeError(`profile has ${m} q values but ${profile.intensity.length} intensities`);
    }
    if (m < 2) throw new RangeError("profile needs at least 2 points");
    for (let i = 0; i < m; i++) {
      if (!Number.isFinite(profile.intensity[i]!)) {
        throw new RangeError(`profile intensity at q = ${q[i]} is not finite`);
      }
    }
    if (this.gridCopy && sameValues(this.gridCopy, q)) return;
    for (let i = 1; i < m; i++) {
      if (!(q[i]! > q[i - 1]!)) throw new RangeError(`profile q must increase strictly (index ${i})`);
    }
    const n = this.qNm.length;
    const lower = this.lower ?? new Int32Array(n);
    const weight = this.weight ?? new Float32Array(n);
    const last = m - 1;
    for (let k = 0; k < n; k++) {
      const x = this.qNm[k]!;
      if (x <= q[0]!) {
        lower[k] = 0;
        weight[k] = 0;
      } else if (x >= q[last]!) {
        lower[k] = last - 1;
        weight[k] = 1;
      } else {
        // Largest j with q[j] ≤ x (binary search).
        let lo = 0;
        let hi = last;
        while (hi - lo > 1) {
          const mid = (lo + hi) >>> 1;
          if (q[mid]! <= x) lo = mid;
          else hi = mid;
        }
        lower[k] = lo;
        weight[k] = (x - q[lo]!) / (q[lo + 1]! - q[lo]!);
      }
    }
    this.lower = lower;
    this.weight = weight;
    this.gridCopy = Float64Array.from(q);
  }
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `count` distinct valid pixels drawn with their own stream, so they do not move between runs. */
function pickHotPixels(invalid: Uint8Array, count: number, seed: number): Int32Array {
  if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`hotPixels must be ≥ 0, got ${count}`);
  let valid = 0;
  for (let k = 0; k < invalid.length; k++) if (!invalid[k]) valid++;
  if (count > valid / 2) throw new RangeError(`hotPixels ${count} is too many for ${valid} valid pixels`);
  const rng = new Rng(seed);
  const chosen = new Set<number>();
  while (chosen.size < count) {
    const k = rng.int(invalid.length);
    if (!invalid[k]) chosen.add(k);
  }
  return Int32Array.from([...chosen].sort((a, b) => a - b));
}
