/**
 * Worker side of `IntegrationPool`: the four sums of each frame it is sent.
 * Plain JavaScript so Node can start it without a TypeScript loader (see kernel.js).
 */
import { parentPort, workerData } from "node:worker_threads";
import { frameSums } from "./kernel.js";

/** @type {import("./parallel.js").WorkerInit} */
const init = workerData;
const port = /** @type {import("node:worker_threads").MessagePort} */ (parentPort);

port.on("message", (/** @type {import("./parallel.js").WorkerTask} */ task) => {
  const sums = frameSums(init.matrix, task.data, {
    ...init.prep,
    validLow: task.validLow,
    validHigh: task.validHigh,
  });
  const buffers = [sums.signal, sums.variance, sums.normalization, sums.count].map(
    (a) => /** @type {ArrayBuffer} */ (a.buffer),
  );
  port.postMessage({ id: task.id, result: sums }, buffers);
});
