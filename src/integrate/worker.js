/**
 * Worker side of `IntegrationPool`: accumulate the four sums of each frame it is sent.
 * Plain JavaScript so Node can start it without a TypeScript loader (see kernel.js).
 */
import { parentPort, workerData } from "node:worker_threads";
import { accumulate, allocSums } from "./kernel.js";

/** @type {import("./parallel.js").WorkerInit} */
const init = workerData;
const port = /** @type {import("node:worker_threads").MessagePort} */ (parentPort);

port.on("message", (/** @type {import("./parallel.js").WorkerTask} */ task) => {
  const sums = allocSums(init.csr.nRows);
  accumulate(init.csr, task.data, { ...init.prep, validLow: task.validLow, validHigh: task.validHigh }, sums);
  const buffers = [sums.signal, sums.variance, sums.normalization, sums.count].map(
    (a) => /** @type {ArrayBuffer} */ (a.buffer),
  );
  port.postMessage({ id: task.id, sums }, buffers);
});
