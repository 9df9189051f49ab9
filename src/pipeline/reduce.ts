/**
 * Reduction of one detector's frames: integrate each frame with its detector's geometry and mask,
 * normalise by exposure × monitor, and subtract the empty cell scaled by the frame's transmission:
 *
 *   I = I_frame / (t · M)  −  T · I_empty / (t_e · M_e),     T = (it/i0) / (it/i0)_empty
 *   σ² = σ_frame² / (t · M)²  +  T² · σ_empty² / (t_e · M_e)²
 *
 * M is the monitor the config names (any scan-log column, i0 by default, 1 for none); the
 * transmission is always the ratio of the two ion chambers it/i0, whatever the monitor.
 *
 * (the empty cell's own scattering is attenuated by the sample, as in standard SAXS reduction).
 * Frames stream through one at a time; the caller decides where each curve goes.
 */
import { combineMasks, type Frame, flipUd, invalidPixelMask, readFrame, readMask } from "../formats/index.js";
import { type Calibration, detectorForFrame, readPoni } from "../geometry/index.js";
import type { RadialUnitName } from "../geometry/units.js";
import {
  finishSums,
  IntegrationPool,
  Integrator1d,
  Integrator2d,
  type Result1d,
  type Result2d,
  type SplitMethod,
} from "../integrate/index.js";
import { InputError } from "../util/errors.js";
import { FrameFiles } from "./frame-files.js";
import type { FramePool } from "./frame-pool.js";

export interface DetectorReduction {
  poni: string;
  mask?: string;
  npt: number;
  unit: RadialUnitName;
  method: SplitMethod;
  polarization: number | null;
  flipUd: boolean;
  dataset?: string;
  /** Empty-cell frame and how it was counted. */
  background?: { file: string; exposureS: number; monitor: number } | null;
  /** (it/i0) of the empty cell, for the transmission. */
  emptyItOverI0: number;
  /** Also cake each frame into (azimuth × radial) bins, reduced the same way (2D caking). */
  cake?: { nptAzim: number; nptRad: number } | null;
}

/** A detector's reduction settings as its config entry states them (no background, no caking). */
export function reductionOf(d: {
  poni: string;
  mask?: string;
  npt: number;
  unit: RadialUnitName;
  method: SplitMethod;
  polarization?: number;
  flipUd: boolean;
  dataset?: string;
}): DetectorReduction {
  return {
    poni: d.poni,
    mask: d.mask,
    npt: d.npt,
    unit: d.unit,
    method: d.method,
    polarization: d.polarization ?? null,
    flipUd: d.flipUd,
    dataset: d.dataset,
    background: null,
    emptyItOverI0: 1,
    cake: null,
  };
}

export interface FrameRef {
  file: string;
  frame: number;
  exposureS: number;
  /** The count the frame is divided by (with the exposure): the config's monitor column, or 1. */
  monitor: number;
  /** Upstream and downstream ion chambers, for the transmission it/i0. */
  i0: number;
  it: number;
}

export interface ReducedCurve {
  intensity: Float32Array;
  sigma: Float32Array;
  transmission: number;
  /** The caked frame (nptAzim × nptRad, row-major), when caking was asked for. */
  cake?: { intensity: Float32Array; sigma: Float32Array };
}

/** I − T·I_empty and σ = √(σ² + T²σ_empty²), as float32. */
function subtract(
  I: Float64Array,
  S: Float64Array,
  bgI: Float64Array | null,
  bgS: Float64Array | null,
  T: number,
): { intensity: Float32Array; sigma: Float32Array } {
  const n = I.length;
  const intensity = new Float32Array(n);
  const sigma = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    intensity[i] = I[i]! - (bgI ? T * bgI[i]! : 0);
    sigma[i] = Math.sqrt(S[i]! ** 2 + (bgS ? T * bgS[i]! : 0) ** 2);
  }
  return { intensity, sigma };
}

/**
 * The count above which a pixel's value means nothing (saturated, or a hot pixel stuck there): the
 * frame's own `Count_cutoff` (Pilatus miniCBF header) or `saturation_value` (Eiger/NeXus detector
 * group) when it has one, else the 20-bit counter's
 * maximum 2²⁰ − 1 for Pilatus detectors; null (no cutoff) otherwise. Such values are skipped per frame.
 */
export function countCutoffOf(f: Frame, detectorName: string): number | null {
  const c = f.metadata.Count_cutoff ?? f.metadata.saturation_value;
  const n = typeof c === "number" ? c : typeof c === "string" ? Number.parseInt(c, 10) : Number.NaN;
  if (Number.isFinite(n) && n > 0) return n;
  return /^pilatus/i.test(detectorName) ? 2 ** 20 - 1 : null;
}

/** A frame reduced as it was measured: I / (exposure × monitor), no empty cell, σ (float32 values). */
export interface ReducedAsMeasured {
  radial: Float64Array;
  intensity: Float64Array;
  sigma: Float64Array;
}

/**
 * One frame (a calibrant, an extra measurement) reduced on its own as the detector's frames are,
 * counted as `ref` says: its own matrix, built and dropped (a run reduces its extra measurements
 * with the detector's reducer instead, beside its frames: reduce-stage.ts).
 */
export async function reduceOne(
  d: Parameters<typeof reductionOf>[0],
  ref: FrameRef,
): Promise<ReducedAsMeasured> {
  const red = await DetectorReducer.create(reductionOf(d), ref);
  try {
    return await red.reduceAsMeasured(ref);
  } finally {
    await red.close();
  }
}

export class DetectorReducer {
  readonly radial: Float64Array;
  readonly unitName: string;
  private readonly bgI: Float64Array | null;
  private readonly bgS: Float64Array | null;
  private readonly files: FrameFiles;
  private pool: IntegrationPool | null = null;
  private framePool: FramePool | null = null;

  private constructor(
    private readonly integ: Integrator1d,
    private readonly opts: DetectorReduction,
    bg: { I: Float64Array; S: Float64Array } | null,
    readonly caker: Integrator2d | null,
    private readonly cakeBg: { I: Float64Array; S: Float64Array } | null,
  ) {
    this.radial = integ.radial;
    // a few files open at a time (HDF5 stacks are read frame by frame)
    this.files = new FrameFiles({
      ...(opts.dataset !== undefined && { dataset: opts.dataset }),
      flipUd: opts.flipUd,
      keepOpen: 8,
    });
    this.unitName = integ.unit.name;
    this.bgI = bg?.I ?? null;
    this.bgS = bg?.S ?? null;
  }

  /** Build from the first frame (its shape, its invalid pixels) and the detector's files. */
  static async create(opts: DetectorReduction, first: FrameRef): Promise<DetectorReducer> {
    const cal: Calibration = await readPoni(opts.poni);
    let f = await readFrame(first.file, first.frame, { dataset: opts.dataset });
    if (opts.flipUd) f = flipUd(f);
    cal.detector = detectorForFrame(cal.detector, f.shape, first.file);
    const mask = combineMasks([
      invalidPixelMask(f),
      opts.mask ? await readMask(opts.mask, f.shape, { flipUd: opts.flipUd, dataset: undefined }) : null,
    ]);
    const countCutoff = countCutoffOf(f, cal.detector.name);
    const integ = new Integrator1d(cal, f.shape, {
      countCutoff,
      npt: opts.npt,
      unit: opts.unit,
      method: opts.method,
      polarizationFactor: opts.polarization,
      errorModel: "poisson",
      mask,
    });
    const caker = opts.cake
      ? new Integrator2d(cal, f.shape, {
          nptRad: opts.cake.nptRad,
          nptAzim: opts.cake.nptAzim,
          unit: opts.unit,
          method: opts.method === "full" ? "bbox" : opts.method,
          polarizationFactor: opts.polarization,
          errorModel: "poisson",
          mask,
          countCutoff,
        })
      : null;
    let bg: { I: Float64Array; S: Float64Array } | null = null;
    let cakeBg: { I: Float64Array; S: Float64Array } | null = null;
    if (opts.background) {
      let e = await readFrame(opts.background.file, 0, { dataset: opts.dataset });
      if (opts.flipUd) e = flipUd(e);
      if (e.shape[0] !== f.shape[0] || e.shape[1] !== f.shape[1])
        throw new InputError(
          opts.background.file,
          `empty-cell frame is ${e.shape.join("×")}, frames are ${f.shape.join("×")}`,
        );
      const norm = opts.background.exposureS * opts.background.monitor;
      const r = integ.integrate(e.data, e.dtype, norm);
      bg = { I: r.intensity, S: r.sigma! };
      const c = caker?.integrate(e.data, e.dtype, norm);
      if (c) cakeBg = { I: c.intensity, S: c.sigma! };
    }
    return new DetectorReducer(integ, opts, bg, caker, cakeBg);
  }

  /** Frames are read, decoded and integrated by worker threads (a FramePool). */
  get onFramePool(): boolean {
    return this.framePool !== null;
  }

  /** Worker threads integrating (0: this thread). */
  get workers(): number {
    return this.framePool?.size ?? this.pool?.size ?? 0;
  }

  /** Frame pixels: what decides whether caking's worker threads pay off (see `usePool`). */
  get pixels(): number {
    return this.integ.matrix.nPixels;
  }

  /**
   * Each frame read, decoded and integrated by a worker of `pool` from now on (frame-pool.ts): the
   * run's threads, given this detector's matrix. Not with caking, whose 2D integration stays here.
   */
  useFramePool(pool: FramePool): void {
    if (this.caker || this.pool || this.framePool)
      throw new Error("useFramePool: a pool is set already, or caking");
    this.framePool = pool.setup(this.integ);
  }

  /**
   * With caking: each frame read and decoded here (its 2D integration stays here) and its 1D
   * integration done on `workers` threads of its own, the frame's buffer handed over.
   */
  usePool(workers: number): void {
    if (!(workers > 0) || this.pool || this.framePool) return;
    this.pool = new IntegrationPool(this.integ, workers);
  }

  /**
   * A frame as it was measured (a calibrant, an extra measurement): integrated and counted as the
   * frames are, without the empty cell or a transmission (stored as float32, as the frames' curves).
   */
  async reduceAsMeasured(ref: FrameRef): Promise<ReducedAsMeasured> {
    const { r } = await this.integrate(ref, false);
    const c = subtract(r.intensity, r.sigma!, null, null, 1);
    return {
      radial: this.radial,
      intensity: Float64Array.from(c.intensity),
      sigma: Float64Array.from(c.sigma),
    };
  }

  async reduce(ref: FrameRef): Promise<ReducedCurve> {
    const { r, c } = await this.integrate(ref, true);
    const T = ref.i0 > 0 ? ref.it / ref.i0 / this.opts.emptyItOverI0 : 1;
    const out: ReducedCurve = { ...subtract(r.intensity, r.sigma!, this.bgI, this.bgS, T), transmission: T };
    if (c) out.cake = subtract(c.intensity, c.sigma!, this.cakeBg?.I ?? null, this.cakeBg?.S ?? null, T);
    return out;
  }

  /** The frame's 1D curve (and its cake, with caking and `cake`), divided by exposure × monitor. */
  private async integrate(ref: FrameRef, cake: boolean): Promise<{ r: Result1d; c?: Result2d }> {
    const norm = ref.exposureS * ref.monitor;
    if (!(norm > 0 && Number.isFinite(norm)))
      throw new InputError(ref.file, `exposure × monitor must be > 0, got ${ref.exposureS} × ${ref.monitor}`);
    let r: Result1d;
    let c: Result2d | undefined;
    if (this.framePool) r = finishSums(this.integ, await this.framePool.sums(ref.file, ref.frame), norm);
    else {
      const f = await this.files.read(ref.file, ref.frame);
      // the cake first: a frame sent to a worker is transferred away
      if (cake) c = this.caker?.integrate(f.data, f.dtype, norm);
      r = this.pool
        ? await this.pool.integrate(f.data, f.dtype, norm)
        : this.integ.integrate(f.data, f.dtype, norm);
    }
    return c ? { r, c } : { r };
  }

  closeAll(): void {
    this.files.closeAll();
  }

  /** Close the files and stop the workers. */
  async close(): Promise<void> {
    this.closeAll();
    await this.pool?.close();
    await this.framePool?.close();
    this.pool = null;
    this.framePool = null;
  }
}
