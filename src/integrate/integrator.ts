/**
 * Azimuthal integration: build the pixel→bin matrix once for a geometry, shape, mask, bin count,
 * unit and range, then integrate any number of frames with it. Mirrors pyFAI 0.21.3
 * `integrate1d_ng` / `integrate2d_ng` (method ("no"|"bbox"|"full", "csr")); see `kernel.js`
 * for the per-frame arithmetic and `split1d.ts` / `split2d.ts` for the splitting.
 */
import { availableParallelism } from "node:os";
import type { Dtype, PixelArray } from "../formats/types.js";
import {
  type Calibration,
  chiHalfWidth,
  cornerRadial,
  detectorMask,
  type RadialUnit,
  type RadialUnitName,
  radialUnit,
} from "../geometry/index.js";
import { InputError } from "../util/errors.js";
import { type BinGrid, binCentres } from "./bins.js";
import { GeometryCache } from "./geometry-cache.js";
import { type FramePrep, frameSums, type Kernel, type Sums, staticSums } from "./kernel.js";
import type { PixelBins } from "./sparse.js";
import { buildBBox1d, buildFull1d, buildNoSplit, type Range } from "./split1d.js";
import { build2d } from "./split2d.js";
import { sharedMatrix } from "./wasm-sums.js";

export type SplitMethod = "no" | "bbox" | "full";
export type ErrorModel = "poisson" | "none";

export interface CorrectionOptions {
  /** 1 = invalid. Combined with the detector's module-gap mask. */
  mask?: Uint8Array | null;
  /** Divide by the relative solid angle cos³α (default true, as pyFAI). */
  correctSolidAngle?: boolean;
  /** Polarisation factor f ∈ [−1, 1]; null/undefined = no polarisation correction. */
  polarizationFactor?: number | null;
  dark?: ArrayLike<number> | null;
  flat?: ArrayLike<number> | null;
  /** "poisson": σ² = max(1, raw); "none": no σ (default "none", as pyFAI). */
  errorModel?: ErrorModel;
  /** Skip, per frame, negative values of signed integer frames and the maximum of unsigned ones (default true). */
  maskInvalid?: boolean;
  /**
   * Skip, per frame, values ≥ this (the detector's count cutoff: saturated or hot pixels, whose
   * counts mean nothing). Default none, as pyFAI (which masks only its `dummy` value).
   */
  countCutoff?: number | null;
  /** The per-frame loop: "wasm" or the JavaScript reference "js" (same sums; default SWAXS_KERNEL, else wasm). */
  kernel?: Kernel;
}

export interface Integrate1dOptions extends CorrectionOptions {
  npt: number;
  unit?: RadialUnitName;
  method?: SplitMethod;
  /** In the output unit. */
  radialRange?: [number, number] | null;
}

export interface Integrate2dOptions extends CorrectionOptions {
  nptRad: number;
  nptAzim?: number;
  unit?: RadialUnitName;
  method?: Exclude<SplitMethod, "full">;
  radialRange?: [number, number] | null;
  /** In degrees. */
  azimuthRange?: [number, number] | null;
}

export interface Result1d {
  unit: RadialUnit;
  /** Bin centres in the output unit. */
  radial: Float64Array;
  intensity: Float64Array;
  /** null when the error model is "none" */
  sigma: Float64Array | null;
  sums: Sums;
}

export interface Result2d {
  unit: RadialUnit;
  radial: Float64Array;
  /** Azimuthal bin centres in degrees. */
  azimuthalDeg: Float64Array;
  /** (nptAzim × nptRad), row-major: intensity[a·nptRad + r] */
  intensity: Float64Array;
  sigma: Float64Array | null;
  count: Float64Array;
}

/**
 * Kernels that can read one matrix in place (wasm-sums.js `sharedMatrix`): this thread's and one
 * per core's worst case of worker threads. A matrix goes into the kernel's shared memory once, as
 * it is built, so neither this thread nor a worker copies it again (each copy of a Pilatus 1M matrix
 * is ~20 MB of fresh memory: ~60 ms). More kernels than this take copies of their own.
 */
const KERNEL_INSTANCES = availableParallelism() + 1;

function unitOrThrow(name: string | undefined): RadialUnit {
  const u = radialUnit(name ?? "q_nm^-1");
  if (!u) throw new InputError("", `unknown radial unit "${name}" (use q_nm^-1, q_A^-1, 2th_deg or 2th_rad)`);
  return u;
}

/** Valid raw-value window [low, high) for a dtype (see `kernel.js`). */
export function validWindow(dtype: Dtype, maskInvalid: boolean): [number, number] {
  if (!maskInvalid || dtype.startsWith("float")) return [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  if (dtype.startsWith("int")) return [0, Number.POSITIVE_INFINITY];
  const bits = Number(dtype.slice(4));
  return [Number.NEGATIVE_INFINITY, 2 ** bits - 1];
}

/** Shared by 1D and 2D: static mask and normalisation for a geometry. */
class Corrections {
  readonly mask: Uint8Array;
  readonly norm: Float32Array;
  readonly dark: Float32Array | null;
  readonly poisson: boolean;
  readonly maskInvalid: boolean;
  readonly countCutoff: number | null;
  readonly kernel: Kernel | undefined;
  private statics: { staticNorm: Float64Array; staticCount: Float64Array } | null = null;

  constructor(geo: GeometryCache, opts: CorrectionOptions, unit: RadialUnit) {
    const n = geo.size;
    const mask = detectorMask(geo.cal.detector, geo.shape);
    if (opts.mask) {
      if (opts.mask.length !== n)
        throw new InputError("", `mask has ${opts.mask.length} pixels, frame has ${n}`);
      for (let k = 0; k < n; k++) if (opts.mask[k]) mask[k] = 1;
    }
    checkLength("dark", opts.dark, n);
    checkLength("flat", opts.flat, n);
    // polarisation × solid angle (float32, as pyFAI stores it) from the geometry, then the flat
    const norm = geo.normalisation(opts.polarizationFactor ?? null, opts.correctSolidAngle !== false, unit);
    const flat = opts.flat ?? null;
    for (let k = 0; k < n; k++) {
      let v = norm[k]!;
      if (flat) v = Math.fround(v * flat[k]!);
      if (!(Number.isFinite(v) && v !== 0)) mask[k] = 1;
      norm[k] = mask[k] ? 0 : v;
    }
    this.mask = mask;
    this.norm = norm;
    this.dark = opts.dark ? Float32Array.from(opts.dark) : null;
    this.poisson = opts.errorModel === "poisson";
    this.maskInvalid = opts.maskInvalid !== false;
    this.countCutoff = opts.countCutoff ?? null;
    this.kernel = opts.kernel;
  }

  /** Raw values in [low, high) count; the rest are skipped in this frame only. */
  window(dtype: Dtype): [number, number] {
    const [lo, hi] = validWindow(dtype, this.maskInvalid);
    return [lo, this.countCutoff === null ? hi : Math.min(hi, this.countCutoff)];
  }

  prep(matrix: PixelBins, dtype: Dtype, varianceFloor: number): FramePrep {
    const [validLow, validHigh] = this.window(dtype);
    this.statics ??= staticSums(matrix, this.norm);
    return {
      norm: this.norm,
      ...this.statics,
      dark: this.dark,
      poisson: this.poisson,
      varianceFloor,
      validLow,
      validHigh,
      ...(this.kernel && { kernel: this.kernel }),
    };
  }
}

function checkLength(what: string, a: ArrayLike<number> | null | undefined, n: number): void {
  if (a && a.length !== n) throw new InputError("", `${what} has ${a.length} pixels, frame has ${n}`);
}

function scaledRange(r: [number, number] | null | undefined, scale: number): Range {
  return r ? [r[0] / scale, r[1] / scale] : null;
}

function divide(
  sums: Sums,
  nf: number,
  poisson: boolean,
): { intensity: Float64Array; sigma: Float64Array | null } {
  const n = sums.signal.length;
  const intensity = new Float64Array(n);
  const sigma = poisson ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    sums.normalization[i] = sums.normalization[i]! * nf;
    if (sums.count[i]! > 0) {
      const norm = sums.normalization[i]!;
      intensity[i] = sums.signal[i]! / norm;
      if (sigma) sigma[i] = Math.sqrt(sums.variance[i]!) / norm;
    }
  }
  return { intensity, sigma };
}

/** A 1D integrator bound to one geometry, frame shape, mask, binning and set of corrections. */
export class Integrator1d {
  readonly unit: RadialUnit;
  readonly matrix: PixelBins;
  readonly grid: BinGrid;
  /** Bin centres in the output unit. */
  readonly radial: Float64Array;
  readonly shape: [number, number];
  private readonly corr: Corrections;

  constructor(cal: Calibration, shape: [number, number], opts: Integrate1dOptions, cache?: GeometryCache) {
    const geo = cache ?? new GeometryCache(cal, shape);
    this.shape = shape;
    this.unit = unitOrThrow(opts.unit);
    if (!(Number.isInteger(opts.npt) && opts.npt > 0))
      throw new InputError("", `npt must be a positive integer`);
    this.corr = new Corrections(geo, opts, this.unit);
    const range = scaledRange(opts.radialRange, this.unit.scale);
    const method = opts.method ?? "bbox";
    let built: { matrix: PixelBins; grid: BinGrid };
    if (method === "no") {
      built = buildNoSplit(geo.radial(this.unit), this.corr.mask, opts.npt, range);
    } else if (method === "bbox") {
      built = buildBBox1d(geo.radial(this.unit), geo.radialHalf(this.unit), this.corr.mask, opts.npt, range);
    } else if (method === "full") {
      built = buildFull1d(
        cornerRadial(geo.cornerRadialGrid(this.unit), shape),
        geo.chiCorners(),
        this.corr.mask,
        opts.npt,
        range,
      );
    } else {
      throw new InputError("", `unknown splitting method "${method}" (use no, bbox or full)`);
    }
    this.matrix = sharedMatrix(built.matrix, KERNEL_INSTANCES);
    this.grid = built.grid;
    this.radial = binCentres(built.grid).map((v) => v * this.unit.scale);
  }

  /** Integrate one frame; `normalizationFactor` divides I and σ (e.g. the monitor count). */
  integrate(data: PixelArray, dtype: Dtype, normalizationFactor = 1): Result1d {
    checkFrame(data, this.shape);
    return finishSums(this, frameSums(this.matrix, data, this.framePrep(dtype)), normalizationFactor);
  }

  /** What the accumulation needs besides the matrix (typed arrays only, so workers can share it). */
  framePrep(dtype: Dtype): FramePrep {
    return this.corr.prep(this.matrix, dtype, 1);
  }

  /** Raw values counted in a frame of this dtype: [low, high) (invalid flags and the count cutoff excluded). */
  validWindow(dtype: Dtype): [number, number] {
    return this.corr.window(dtype);
  }

  get poisson(): boolean {
    return this.corr.poisson;
  }
}

/** I and σ from the four sums of one frame (also used by the worker pool). */
export function finishSums(integ: Integrator1d, sums: Sums, normalizationFactor: number): Result1d {
  const { intensity, sigma } = divide(sums, normalizationFactor, integ.poisson);
  return { unit: integ.unit, radial: integ.radial, intensity, sigma, sums };
}

function checkFrame(data: PixelArray, shape: [number, number]): void {
  if (data.length !== shape[0] * shape[1])
    throw new InputError("", `frame has ${data.length} pixels, integrator expects ${shape[0]}×${shape[1]}`);
}

/** A 2D (radial × χ) integrator: caking for texture. */
export class Integrator2d {
  readonly unit: RadialUnit;
  readonly matrix: PixelBins;
  readonly radial: Float64Array;
  readonly azimuthalDeg: Float64Array;
  readonly nptRad: number;
  readonly nptAzim: number;
  readonly shape: [number, number];
  private readonly corr: Corrections;

  constructor(cal: Calibration, shape: [number, number], opts: Integrate2dOptions, cache?: GeometryCache) {
    const geo = cache ?? new GeometryCache(cal, shape);
    this.shape = shape;
    this.unit = unitOrThrow(opts.unit);
    this.nptRad = opts.nptRad;
    this.nptAzim = opts.nptAzim ?? 360;
    this.corr = new Corrections(geo, opts, this.unit);
    const method = opts.method ?? "bbox";
    if (method !== "no" && method !== "bbox")
      throw new InputError("", `2D integration supports splitting "no" or "bbox", not "${method}"`);
    const split = method === "bbox";
    const deg = Math.PI / 180;
    const built = build2d(
      {
        radial: geo.radial(this.unit),
        radialHalf: split ? geo.radialHalf(this.unit) : null,
        chi: geo.centres().chiRad,
        chiHalf: split ? chiHalfWidth(geo.centres().chiRad, geo.chiCorners()) : null,
      },
      this.corr.mask,
      this.nptRad,
      this.nptAzim,
      scaledRange(opts.radialRange, this.unit.scale),
      opts.azimuthRange ? [opts.azimuthRange[0] * deg, opts.azimuthRange[1] * deg] : null,
    );
    this.matrix = sharedMatrix(built.matrix, KERNEL_INSTANCES);
    this.radial = binCentres(built.radial).map((v) => v * this.unit.scale);
    this.azimuthalDeg = binCentres(built.azimuthal).map((v) => v / deg);
  }

  integrate(data: PixelArray, dtype: Dtype, normalizationFactor = 1): Result2d {
    checkFrame(data, this.shape);
    const sums = frameSums(this.matrix, data, this.corr.prep(this.matrix, dtype, Number.NEGATIVE_INFINITY));
    const { intensity, sigma } = divide(sums, normalizationFactor, this.corr.poisson);
    // bins are radial·nptAzim + azim; pyFAI returns (nptAzim, nptRad): transpose
    const nr = this.nptRad;
    const na = this.nptAzim;
    const t = (a: Float64Array) => {
      const o = new Float64Array(a.length);
      for (let r = 0; r < nr; r++) for (let z = 0; z < na; z++) o[z * nr + r] = a[r * na + z]!;
      return o;
    };
    return {
      unit: this.unit,
      radial: this.radial,
      azimuthalDeg: this.azimuthalDeg,
      intensity: t(intensity),
      sigma: sigma ? t(sigma) : null,
      count: t(sums.count),
    };
  }
}
