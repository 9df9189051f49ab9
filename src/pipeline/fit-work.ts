/**
 * A peak's frame-by-frame fits on a pipeline worker (pipeline-work.ts; frame-sizes.ts on the main
 * thread): each task is a block of frames' curves (base already subtracted) and their σ; the answer
 * is each frame's crystallite size [nm], NaN where there is none. The fits are the main thread's
 * (sizeFit), so the sizes are the same wherever they are computed.
 */

import type { Job } from "./pipeline-work.js";
import type { FitsSetup, FitTask } from "./pipeline-workers.js";
import { sizeFit } from "./size-fit.js";

export function fitJob(setup: FitsSetup): Job {
  const { pk, radial, refl } = setup;
  const npt = radial.length;
  return {
    run: async (t) => {
      const task = t as FitTask;
      const sizes = new Float64Array(task.y.length / npt).fill(Number.NaN);
      for (let f = 0; f < sizes.length; f++) {
        const row = (a: Float64Array) => a.subarray(f * npt, (f + 1) * npt);
        const L = sizeFit(pk, radial, row(task.y), row(task.sigma), refl).size;
        if (L) sizes[f] = L.sizeNm;
      }
      return { result: sizes, transfer: [sizes.buffer] };
    },
    what: () => `peak ${pk.name}`,
  };
}
