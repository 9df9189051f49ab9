/**
 * Worker side of the frame-by-frame peak fits (frame-sizes.ts; started through worker-entry.js):
 * each task is a block of frames' curves (base already subtracted) and their σ; the answer is
 * each frame's crystallite size [nm], NaN where there is none. The fits are the main thread's
 * (sizeFit), so the sizes are the same wherever they are computed.
 */
import { parentPort, workerData } from "node:worker_threads";
import { errorReply } from "../util/task-workers.js";
import type { FitTask, FitWorkerInit } from "./frame-sizes.js";
import { sizeFit } from "./size-fit.js";

const init = workerData as FitWorkerInit;
const port = parentPort!;

port.on("message", (task: FitTask) => {
  try {
    const npt = init.radial.length;
    const sizes = new Float64Array(task.y.length / npt).fill(Number.NaN);
    for (let f = 0; f < sizes.length; f++) {
      const row = (a: Float64Array) => a.subarray(f * npt, (f + 1) * npt);
      const L = sizeFit(init.pk, init.radial, row(task.y), row(task.sigma), init.refl).size;
      if (L) sizes[f] = L.sizeNm;
    }
    port.postMessage({ id: task.id, result: sizes }, [sizes.buffer]);
  } catch (err) {
    port.postMessage(errorReply(task.id, err, `peak ${init.pk.name}`));
  }
});
