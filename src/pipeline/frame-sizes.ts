/**
 * Crystallite size frame by frame (the viewer's "peak size" map): for every reduced frame of a
 * peak's region, the phase's reflections fitted on that frame's curve minus its own pixel's base
 * (the peak's `base`: initial-OCV mean, reference state, or none), then Scherrer (size-fit.ts). One frame is noisier than a region mean per sweep, so a frame
 * where the phase is not detected (see phaseDetected), or whose size has a 1σ error above half of
 * it, is left out (NaN), not guessed.
 */

import type { Role } from "../analysis/regions.js";
import type { Reflection } from "../physics/index.js";
import type { PassContext } from "./analyse.js";
import type { PeakConfig } from "./config.js";
import type { PipelineWorkers } from "./pipeline-workers.js";
import type { DetectorFrames } from "./reduce-stage.js";
import { sizeFit } from "./size-fit.js";

/**
 * Fewer frames than this are fitted here (unless the config names its workers): the run's threads
 * exist already, but handing a few frames over costs about what fitting them does.
 */
const WORKER_MIN_FRAMES = 8;

/**
 * The peak as one frame is fitted: one frame has too few counts to fit the size broadening's shape
 * (η free scatters and biases it), a curved background or free areas (a free fit finds lines in one
 * frame's noise where the tied one sees none), so frames take it as Lorentzian on a line with the
 * areas tied (unless the config frees them), fitted once; the per-sweep region sizes
 * (crystallite/) fit all of it.
 */
export function frameFitConfig(pk: PeakConfig): PeakConfig {
  return {
    ...pk,
    shape: "lorentzian",
    background: "linear",
    amplitudes: pk.amplitudes === "free" ? "free" : "ratio",
  };
}

export async function frameSizes(
  d: DetectorFrames,
  ctx: PassContext,
  pk: PeakConfig,
  refl: Reflection[],
  /** nPix × npt: each pixel's base curve (see peakBase), NaN rows where the pixel has none. */
  base: Float64Array | null,
  logLength: number,
  /** The run's worker threads to fit on (null: all here); `explicit` (the config's workers:) uses them for any number of frames. */
  workers: { pool: PipelineWorkers | null; explicit: boolean },
): Promise<Float64Array> {
  const npt = d.radial.length;
  const out = new Float64Array(logLength).fill(Number.NaN);
  // the frames to fit: their log index, curve minus base, σ
  const which: number[] = [];
  const ys: Float64Array[] = [];
  const ss: Float64Array[] = [];
  d.store.forEach((k, r) => {
    const i = d.index[k]!;
    if (!r.ok || ctx.regionOf(i) !== (pk.region as Role)) return;
    const p = ctx.pixelOf(i);
    if (base && !Number.isFinite(base[p * npt]!)) return;
    const y = new Float64Array(npt);
    for (let j = 0; j < npt; j++) y[j] = r.intensity[j]! - (base ? base[p * npt + j]! : 0);
    which.push(i);
    ys.push(y);
    ss.push(Float64Array.from(r.sigma));
  });
  const frame = frameFitConfig(pk);
  const radial = Float64Array.from(d.radial);
  const pool = workers.pool;
  if (!pool || which.length === 0 || (!workers.explicit && which.length < WORKER_MIN_FRAMES)) {
    which.forEach((i, f) => {
      const L = sizeFit(frame, radial, ys[f]!, ss[f]!, refl).size;
      if (L) out[i] = L.sizeNm;
    });
    return out;
  }
  // blocks of frames to the workers (a few per worker, so a slow block does not hold up the rest)
  const key = pool.setup({ kind: "fits", pk: frame, radial, refl });
  try {
    const block = Math.ceil(which.length / (4 * pool.size));
    const jobs: Promise<void>[] = [];
    for (let a = 0; a < which.length; a += block) {
      const b = Math.min(which.length, a + block);
      const pack = (rows: Float64Array[]) => {
        const m = new Float64Array((b - a) * npt);
        for (let f = a; f < b; f++) m.set(rows[f]!, (f - a) * npt);
        return m;
      };
      const y = pack(ys);
      const sigma = pack(ss);
      jobs.push(
        // a frame's fit costs about what reducing a 1M frame does: a block weighs its frames
        pool.run<Float64Array>({ key, y, sigma }, [y.buffer, sigma.buffer], b - a).then((sizes) => {
          for (let f = a; f < b; f++) out[which[f]!] = sizes[f - a]!;
        }),
      );
    }
    await Promise.all(jobs);
  } finally {
    pool.drop(key);
  }
  return out;
}
