/**
 * The per-sweep region fits of each peak (crystallite/ and reflections/): its phase's reflections on
 * the region's mean curve minus the region's base, sweep by sweep, and each reflection on its own
 * (reflection-series.ts). They can start as soon as the streams give the region means, and the
 * run's worker threads are idle by then (the frames are all reduced), so they go there while this
 * thread writes the other products (issue 11: they were ~0.4 s of the demo's main thread after its
 * last frame). Without workers, writeCrystallite fits
 * them itself; either way the same fits on the same curves, so the results are identical.
 */

import { quiet } from "../util/quiet.js";
import type { PeakConfig } from "./config.js";
import type { RunContext } from "./context.js";
import type { PipelineWorkers } from "./pipeline-workers.js";
import { type PeakSweeps, sweepCurve } from "./products.js";
import { reflectionCells } from "./reflection-series.js";
import { peakBase, regionBase, type SizeFitResult, sizeFit } from "./size-fit.js";

/** One sweep's fits: the phase fit and size, and the per-reflection cells. */
export interface SweepFit {
  size: SizeFitResult;
  cells: number[];
}

/** The fits of one sweep's curve (minus base) and σ: what crystalliteSeries and reflectionSeries make of it. */
export function fitSweep(
  pk: PeakConfig,
  radial: Float64Array,
  y: Float64Array,
  sigma: Float64Array,
  refl: PeakSweeps["refl"],
): SweepFit {
  const size = sizeFit(pk, radial, y, sigma, refl);
  return { size, cells: reflectionCells(pk, refl, radial, y, sigma, size.fit) };
}

/** What a peak's per-sweep fits are made from, or null where its detector was not reduced. */
export function crystalliteInput(c: RunContext, pk: PeakConfig): PeakSweeps | null {
  const d = c.dets.find((x) => x.name === pk.detector);
  if (!d) return null;
  const npt = d.radial.length;
  // the region's base: its pixels' base curves (initial-OCV means weighted by their OCV frame
  // counts; reference-state curves alike; none for base: none)
  const o = c.ocv.get(d.name)!;
  const base = regionBase(
    peakBase(pk, o, c.streams.get(d.name), npt),
    (p) => c.regions[p] === pk.region,
    (p) => (pk.base === "ocv" ? o.count[p]! : 1),
    o.count.length,
    npt,
  );
  return {
    pk,
    sweeps: c.streams.get(d.name)!.regions.get(pk.region) ?? [],
    base,
    radial: d.radial,
    refl: c.refl.get(pk.name)!,
    timeS: c.log.timeS,
    clock: c.clock,
  };
}

/**
 * Every peak's per-sweep fits, started on the run's threads (by peak name; none without threads:
 * writeCrystallite then fits them itself).
 */
export function startSweepFits(
  c: RunContext,
  pool: PipelineWorkers | null,
): Map<string, Promise<SweepFit[]>> {
  const out = new Map<string, Promise<SweepFit[]>>();
  if (!pool) return out;
  for (const pk of c.cfg.peaks) {
    const x = crystalliteInput(c, pk);
    if (!x || x.sweeps.length === 0) continue;
    // awaited by writeCrystallite, after other products: a failure meanwhile is not unhandled
    out.set(pk.name, quiet(onWorkers(pool, x)));
  }
  return out;
}

async function onWorkers(pool: PipelineWorkers, x: PeakSweeps): Promise<SweepFit[]> {
  const npt = x.radial.length;
  const n = x.sweeps.length;
  const key = pool.setup({ kind: "fits", pk: x.pk, radial: Float64Array.from(x.radial), refl: x.refl });
  try {
    // a few blocks per thread, so one slow fit does not hold up the rest
    const block = Math.ceil(n / (2 * pool.size));
    const blocks: Promise<SweepFit[]>[] = [];
    for (let a = 0; a < n; a += block) {
      const b = Math.min(n, a + block);
      const y = new Float64Array((b - a) * npt);
      const sigma = new Float64Array((b - a) * npt);
      for (let k = a; k < b; k++) {
        y.set(sweepCurve(x, k), (k - a) * npt);
        sigma.set(x.sweeps[k]!.sigma, (k - a) * npt);
      }
      // a sweep's fit weighs about what reducing a frame does (see TaskWorkers.run)
      blocks.push(pool.run<SweepFit[]>({ key, y, sigma, whole: true }, [y.buffer, sigma.buffer], b - a));
    }
    return (await Promise.all(blocks)).flat();
  } finally {
    pool.drop(key);
  }
}
