/**
 * Crystallite size frame by frame (the viewer's "peak size" map): for every reduced frame of a
 * peak's region, the phase's reflections fitted on that frame's curve minus its own pixel's
 * initial-OCV mean, then Scherrer. One frame is noisier than a region mean per sweep, so a frame
 * where the phase is not detected (see phaseDetected), or whose size has a 1σ error above half of
 * it, is left out (NaN), not guessed.
 */

import { fitPhasePeaks } from "../analysis/peaks.js";
import type { Role } from "../analysis/regions.js";
import type { Reflection } from "../physics/index.js";
import { crystalliteSize } from "../physics/index.js";
import type { PassContext } from "./analyse.js";
import type { PeakConfig } from "./config.js";
import { phaseDetected } from "./products.js";
import type { DetectorFrames } from "./reduce-stage.js";

export function frameSizes(
  d: DetectorFrames,
  ctx: PassContext,
  pk: PeakConfig,
  refl: Reflection[],
  /** nPix × npt initial-OCV means, and how many OCV frames each pixel had. */
  ocv: { mean: Float64Array; count: Int32Array },
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
    if (!ocv.count[p]) return;
    for (let j = 0; j < npt; j++) {
      y[j] = r.intensity[j]! - ocv.mean[p * npt + j]!;
      s[j] = r.sigma[j]!;
    }
    const fit = fitPhasePeaks(d.radial, y, s, {
      window: pk.q,
      reflections: refl,
      instrumentFwhmQ: pk.instrumentFwhmQ,
    });
    if (!phaseDetected(fit)) return;
    const L = crystalliteSize(fit.fwhmQ, fit.fwhmErr, {
      k: pk.scherrerK,
      instrumentFwhmQ: pk.instrumentFwhmQ,
      eta: fit.eta,
    });
    if (L.ok && L.sizeErrNm < 0.5 * L.sizeNm) out[i] = L.sizeNm;
  });
  return out;
}
