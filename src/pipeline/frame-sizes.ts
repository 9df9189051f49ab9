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
import type { DetectorFrames } from "./reduce-stage.js";
import { sizeFit } from "./size-fit.js";

export function frameSizes(
  d: DetectorFrames,
  ctx: PassContext,
  pk: PeakConfig,
  refl: Reflection[],
  /** nPix × npt: each pixel's base curve (see peakBase), NaN rows where the pixel has none. */
  base: Float64Array | null,
  logLength: number,
): Float64Array {
  const npt = d.radial.length;
  const out = new Float64Array(logLength).fill(Number.NaN);
  const y = new Float64Array(npt);
  const s = new Float64Array(npt);
  d.store.forEach((k, r) => {
    const i = d.index[k]!;
    if (!r.ok || ctx.regionOf(i) !== (pk.region as Role)) return;
    const p = ctx.pixelOf(i);
    if (base && !Number.isFinite(base[p * npt]!)) return;
    for (let j = 0; j < npt; j++) {
      y[j] = r.intensity[j]! - (base ? base[p * npt + j]! : 0);
      s[j] = r.sigma[j]!;
    }
    // one frame has too few counts to fit the size broadening's shape (η free scatters and biases
    // it), a curved background or free areas (a free fit finds lines in one frame's noise where the
    // tied one sees none): frames take it as Lorentzian on a line with the areas tied (unless the
    // config frees them), fitted once; the per-sweep region sizes (crystallite/) fit all of it
    const frame = {
      ...pk,
      shape: "lorentzian" as const,
      background: "linear" as const,
      amplitudes: pk.amplitudes === "free" ? ("free" as const) : ("ratio" as const),
    };
    const L = sizeFit(frame, d.radial, y, s, refl).size;
    if (L) out[i] = L.sizeNm;
  });
  return out;
}
