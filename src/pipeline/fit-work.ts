/**
 * A peak's fits on a pipeline worker (pipeline-work.ts): each task is a block of curves (base
 * already subtracted) and their σ; the answer is each curve's crystallite size [nm], NaN where there
 * is none (frame by frame: frame-sizes.ts), or each curve's whole fits (`whole`: the per-sweep
 * region fits and per-reflection fits, sweep-fits.ts). The fits are the main thread's (sizeFit,
 * fitSweep), so the results are the same wherever they are computed.
 */

import type { Job } from "./pipeline-work.js";
import type { FitsSetup, FitTask } from "./pipeline-workers.js";
import { sizeFit } from "./size-fit.js";
import { fitSweep } from "./sweep-fits.js";

export function fitJob(setup: FitsSetup): Job {
  const { pk, radial, refl } = setup;
  const npt = radial.length;
  return {
    run: async (t) => {
      const task = t as FitTask;
      const rows = task.y.length / npt;
      const row = (a: Float64Array, f: number) => a.subarray(f * npt, (f + 1) * npt);
      if (task.whole) {
        const fits = Array.from({ length: rows }, (_, f) =>
          fitSweep(pk, radial, row(task.y, f), row(task.sigma, f), refl),
        );
        return { result: fits, transfer: [] };
      }
      const sizes = new Float64Array(rows).fill(Number.NaN);
      for (let f = 0; f < rows; f++) {
        const L = sizeFit(pk, radial, row(task.y, f), row(task.sigma, f), refl).size;
        if (L) sizes[f] = L.sizeNm;
      }
      return { result: sizes, transfer: [sizes.buffer] };
    },
    what: () => `peak ${pk.name}`,
  };
}
