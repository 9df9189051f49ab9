/**
 * The analysis passes of `swaxs run` over one detector's stored curves. Each pass streams the
 * CurveStore block by block, so memory grows with pixels × q and sweeps × q, never frames × q:
 *
 * - `ocvPass`: each pixel's mean curve over the initial OCV (the paper's normalisation), and every
 *   frame's transmission;
 * - `referenceCurves`: each pixel's curve at a reference moment, linear between its two visits;
 * - `StreamPass`: per frame the normalised curve and its band values; per sweep and region the mean
 *   normalised curve (heatmap rows), the mean reduced curve and its σ (Scherrer fits, NXcanSAS);
 *   each sweep handed on as a pixel × q slab (results.h5).
 */
import { bandIntegral } from "../analysis/bands.js";
import type { Role } from "../analysis/regions.js";
import type { DetectorFrames } from "./reduce-stage.js";
import type { StoredCurve } from "./store.js";

export interface PassContext {
  nPix: number;
  pixelOf: (i: number) => number;
  /** Region of each scan-log frame's row. */
  regionOf: (i: number) => Role;
  inOcv: (i: number) => boolean;
}

/**
 * A scan point whose sample transmits less than this (relative to the empty cell) is opaque: its
 * curves after the empty-cell subtraction are parasitic scattering and noise, and a ratio of two of
 * them is noise too. Maps flag it instead of showing a value; region series leave it out.
 */
export const OPAQUE_TRANSMISSION = 0.01;

/** True for a frame's transmission below OPAQUE_TRANSMISSION (not for NaN: a skipped frame). */
export const isOpaque = (transmission: number): boolean => transmission < OPAQUE_TRANSMISSION;

export interface OcvResult {
  /** nPix × npt, NaN-free: 0 where a pixel had no OCV frame (see `count`). */
  mean: Float64Array;
  /** nPix × npt: σ of that mean, √(Σσᵢ²)/n from the frames' Poisson σ (0 without OCV frames). */
  sigma: Float64Array;
  count: Int32Array;
  /** Per record: the sample transmission T (NaN for a skipped frame). */
  transmission: Float64Array;
}

export function ocvPass(d: DetectorFrames, ctx: PassContext): OcvResult {
  const npt = d.radial.length;
  const mean = new Float64Array(ctx.nPix * npt);
  const sigma = new Float64Array(ctx.nPix * npt);
  const count = new Int32Array(ctx.nPix);
  const transmission = new Float64Array(d.index.length).fill(Number.NaN);
  d.store.forEach((k, r) => {
    if (!r.ok) return;
    transmission[k] = r.transmission;
    const i = d.index[k]!;
    if (!ctx.inOcv(i)) return;
    const p = ctx.pixelOf(i);
    count[p]!++;
    const o = p * npt;
    for (let j = 0; j < npt; j++) {
      mean[o + j]! += r.intensity[j]!;
      sigma[o + j]! += r.sigma[j]! ** 2;
    }
  });
  for (let p = 0; p < ctx.nPix; p++) {
    const n = count[p]!;
    if (n > 0)
      for (let j = p * npt; j < (p + 1) * npt; j++) {
        mean[j]! /= n;
        sigma[j] = Math.sqrt(sigma[j]!) / n;
      }
  }
  return { mean, sigma, count, transmission };
}

/** A divisor per pixel and bin (nPix × npt) and its σ: what a normalisation divides each curve by. */
export interface Reference {
  curve: Float64Array;
  sigma: Float64Array;
}

/** Each pixel's initial-OCV mean curve (nPix × npt), NaN rows for pixels without OCV frames. */
export function ocvCurves(ocv: { mean: Float64Array; count: Int32Array }, npt: number): Float64Array {
  return ocv.mean.map((v, x) => (ocv.count[Math.floor(x / npt)]! > 0 ? v : Number.NaN));
}

/** The initial-OCV means as a normalisation's divisor, with their σ. */
export function ocvReference(ocv: OcvResult, npt: number): Reference {
  return { curve: ocvCurves(ocv, npt), sigma: ocvCurves({ mean: ocv.sigma, count: ocv.count }, npt) };
}

/**
 * Each pixel's curve at Unix time `when`, linear between its own two visits around it (NaN for a
 * pixel without visits on both sides, and for all when `when` is NaN). nPix × npt. Its σ from the
 * two visits' as independent: σ² = (1−w)²σa² + w²σb².
 */
export function referenceCurves(
  d: DetectorFrames,
  ctx: PassContext,
  timeS: Float64Array,
  when: number,
  /** Per record: the transmission ocvPass found, NaN for a skipped frame (which frames were reduced). */
  transmission: Float64Array,
  /** With the frames' SODC [%]: filled with the widest SODC gap between two visits interpolated across. */
  gap?: { sodPct: Float64Array; widestPct: number },
): Reference {
  const npt = d.radial.length;
  const out = new Float64Array(ctx.nPix * npt).fill(Number.NaN);
  const sig = new Float64Array(ctx.nPix * npt).fill(Number.NaN);
  if (!Number.isFinite(when)) return { curve: out, sigma: sig };
  const last = new Int32Array(ctx.nPix).fill(-1);
  const done = new Uint8Array(ctx.nPix);
  // which two records bracket `when` for each pixel: decided on scalars, then read just those
  const pairs: [number, number, number][] = [];
  for (let k = 0; k < d.index.length; k++) {
    if (Number.isNaN(transmission[k]!)) continue;
    const i = d.index[k]!;
    const p = ctx.pixelOf(i);
    if (done[p]) continue;
    const a = last[p]!;
    if (a >= 0) {
      const ta = timeS[d.index[a]!]!;
      const tb = timeS[i]!;
      if (ta <= when && when <= tb) {
        pairs.push([p, a, k]);
        done[p] = 1;
      }
    }
    last[p] = k;
  }
  for (const [p, a, b] of pairs) {
    const ra = d.store.read(a);
    const rb = d.store.read(b);
    const ta = timeS[d.index[a]!]!;
    const tb = timeS[d.index[b]!]!;
    const w = tb === ta ? 0 : (when - ta) / (tb - ta);
    if (gap) {
      const d0 = Math.abs(gap.sodPct[d.index[b]!]! - gap.sodPct[d.index[a]!]!);
      if (Number.isFinite(d0)) gap.widestPct = Math.max(gap.widestPct, d0);
    }
    for (let j = 0; j < npt; j++) {
      out[p * npt + j] = ra.intensity[j]! + w * (rb.intensity[j]! - ra.intensity[j]!);
      sig[p * npt + j] = Math.hypot((1 - w) * ra.sigma[j]!, w * rb.sigma[j]!);
    }
  }
  return { curve: out, sigma: sig };
}

/** Records grouped into sweeps over the grid: a sweep ends when a pixel is visited again. */
export function sweepOfRecords(
  index: number[],
  nPix: number,
  pixelOf: (i: number) => number,
): { sweep: Int32Array; count: number } {
  const sweep = new Int32Array(index.length);
  let s = 0;
  let seen = new Set<number>();
  index.forEach((i, k) => {
    const p = pixelOf(i);
    if (seen.has(p) || seen.size >= nPix) {
      s++;
      seen = new Set();
    }
    seen.add(p);
    sweep[k] = s;
  });
  return { sweep, count: index.length ? s + 1 : 0 };
}

/** One region's mean in one sweep. */
export interface RegionSweep {
  sweep: number;
  /** Scan-log index of the middle frame of the region's frames in this sweep (its time, SOD…). */
  mid: number;
  /** Scan-log indices of the region's reduced frames in this sweep. */
  frames: number[];
  /** Mean normalised curve (the heatmap row) and its σ. */
  normalised: Float64Array;
  normalisedSigma: Float64Array;
  /** Mean reduced curve and its σ (σ of the mean). */
  raw: Float64Array;
  sigma: Float64Array;
}

export interface StreamResult {
  /** Sweep of each record (as passed in). */
  sweep: Int32Array;
  /** Band name → value per scan-log frame (NaN where not this detector's or not reduced). */
  bandValue: Map<string, Float64Array>;
  /** Band name → σ of that value (Poisson, through the subtraction and the normalisation). */
  bandError: Map<string, Float64Array>;
  /** Region → its sweeps in order. */
  regions: Map<Role, RegionSweep[]>;
  /** nPix × npt: each pixel's curve the normalisation divided by (OCV mean or reference state), or null. */
  reference?: Float64Array | null;
  /** Reference-state normalisation: the widest SODC gap [%] between the two visits a pixel's reference was interpolated from. */
  referenceGapPct?: number;
}

export interface StreamOptions {
  /** nPix × npt divisor of each pixel's curves and its σ, or null (no normalisation). */
  reference: Reference | null;
  bands: { name: string; q: [number, number] }[];
  sweep: Int32Array;
  /** Called with each finished sweep's pixel × q slab of I and σ (NaN where no frame). */
  onSweep?: (sweep: number, intensity: Float32Array, sigma: Float32Array) => void;
  /** Called with every record in order (NaN rows for skipped frames). */
  onRecord?: (k: number, intensity: Float32Array, sigma: Float32Array) => void;
}

/**
 * The stream pass record by record (see the file comment), so that it can follow a store as it
 * fills (analysis-stage.ts: while the frames are still being reduced). Records must come in order.
 */
export class StreamPass {
  private readonly npt: number;
  private readonly bandValue: Map<string, Float64Array>;
  private readonly bandError: Map<string, Float64Array>;
  private readonly regions = new Map<Role, RegionSweep[]>();
  private readonly slabI: Float32Array;
  private readonly slabE: Float32Array;
  private readonly nanRow: Float32Array;
  private readonly y: Float64Array;
  private readonly ys: Float64Array;
  private acc = new Map<Role, StreamAcc>();
  private cur = -1;
  /** The next record expected. */
  next = 0;

  constructor(
    private readonly d: DetectorFrames,
    private readonly ctx: PassContext,
    logLength: number,
    private readonly opts: StreamOptions,
  ) {
    const npt = d.radial.length;
    this.npt = npt;
    const perFrame = () =>
      new Map(opts.bands.map((b) => [b.name, new Float64Array(logLength).fill(Number.NaN)]));
    this.bandValue = perFrame();
    this.bandError = perFrame();
    this.slabI = new Float32Array(ctx.nPix * npt).fill(Number.NaN);
    this.slabE = new Float32Array(ctx.nPix * npt).fill(Number.NaN);
    this.nanRow = new Float32Array(npt).fill(Number.NaN);
    this.y = new Float64Array(npt);
    this.ys = new Float64Array(npt);
  }

  private flush(): void {
    if (this.cur < 0) return;
    for (const [role, a] of this.acc) {
      const n = a.frames.length;
      const list = this.regions.get(role) ?? [];
      list.push({
        sweep: this.cur,
        mid: a.frames[n >> 1]!,
        frames: a.frames,
        normalised: a.norm.map((v) => v / n),
        normalisedSigma: a.n2.map((v) => Math.sqrt(v) / n),
        raw: a.raw.map((v) => v / n),
        sigma: a.s2.map((v) => Math.sqrt(v) / n),
      });
      this.regions.set(role, list);
    }
    this.opts.onSweep?.(this.cur, this.slabI, this.slabE);
    this.slabI.fill(Number.NaN);
    this.slabE.fill(Number.NaN);
    this.acc = new Map();
  }

  /** Record k (the next one): its arrays are read during the call only. */
  push(k: number, r: StoredCurve): void {
    const { opts, ctx, d, npt, y, ys } = this;
    if (k !== this.next) throw new Error(`stream pass: record ${k} given where ${this.next} was due`);
    this.next++;
    if (opts.sweep[k] !== this.cur) {
      this.flush();
      this.cur = opts.sweep[k]!;
    }
    opts.onRecord?.(k, r.ok ? r.intensity : this.nanRow, r.ok ? r.sigma : this.nanRow);
    if (!r.ok) return;
    const i = d.index[k]!;
    const p = ctx.pixelOf(i);
    this.slabI.set(r.intensity, p * npt);
    this.slabE.set(r.sigma, p * npt);
    const ref = opts.reference;
    for (let j = 0; j < npt; j++) {
      const raw = r.intensity[j]!;
      if (!ref) {
        y[j] = raw;
        ys[j] = r.sigma[j]!;
      } else {
        // y = I/R: σ_y² = (σ_I/R)² + (I·σ_R/R²)² (the frame and its divisor independent)
        const q = ref.curve[p * npt + j]!;
        y[j] = q > 0 ? raw / q : Number.NaN;
        const u = r.sigma[j]! / q;
        const v = (raw * ref.sigma[p * npt + j]!) / (q * q);
        ys[j] = q > 0 ? Math.sqrt(u * u + v * v) : Number.NaN;
      }
    }
    for (const b of opts.bands) {
      const band = bandIntegral(d.radial, y, ys, b.q);
      this.bandValue.get(b.name)![i] = band.value / (b.q[1] - b.q[0]);
      this.bandError.get(b.name)![i] = band.error / (b.q[1] - b.q[0]);
    }
    const role = ctx.regionOf(i);
    let a = this.acc.get(role);
    if (!a) {
      a = {
        frames: [],
        norm: new Float64Array(npt),
        n2: new Float64Array(npt),
        raw: new Float64Array(npt),
        s2: new Float64Array(npt),
      };
      this.acc.set(role, a);
    }
    a.frames.push(i);
    for (let j = 0; j < npt; j++) {
      if (Number.isFinite(y[j]!)) {
        a.norm[j]! += y[j]!;
        a.n2[j]! += ys[j]! ** 2;
      }
      a.raw[j]! += r.intensity[j]!;
      a.s2[j]! += r.sigma[j]! ** 2;
    }
  }

  /** After the last record: the last sweep handed on, and the results. */
  end(): StreamResult {
    this.flush();
    return {
      sweep: this.opts.sweep,
      bandValue: this.bandValue,
      bandError: this.bandError,
      regions: this.regions,
    };
  }
}

type StreamAcc = {
  frames: number[];
  norm: Float64Array;
  n2: Float64Array;
  raw: Float64Array;
  s2: Float64Array;
};

/**
 * 2D caking: each region's mean caked frame per sweep, handed on one at a time (`emit`), so that
 * only one sweep's sums per region are held.
 */
export function cakePass(
  d: DetectorFrames,
  ctx: PassContext,
  sweep: Int32Array,
  emit: (region: Role, sweep: number, mean: Float32Array, mid: number) => void,
): void {
  const c = d.cakes;
  if (!c) return;
  const n = c.store.header.npt;
  let cur = -1;
  let acc = new Map<Role, { sum: Float64Array; frames: number[] }>();
  const flush = () => {
    for (const [role, a] of acc) {
      const m = new Float32Array(n);
      for (let j = 0; j < n; j++) m[j] = a.sum[j]! / a.frames.length;
      emit(role, cur, m, a.frames[a.frames.length >> 1]!);
    }
    acc = new Map();
  };
  c.store.forEach((k, r) => {
    if (sweep[k] !== cur) {
      flush();
      cur = sweep[k]!;
    }
    if (!r.ok) return;
    const i = d.index[k]!;
    const role = ctx.regionOf(i);
    let a = acc.get(role);
    if (!a) {
      a = { sum: new Float64Array(n), frames: [] };
      acc.set(role, a);
    }
    a.frames.push(i);
    for (let j = 0; j < n; j++) a.sum[j]! += r.intensity[j]!;
  }, 16);
  flush();
}
