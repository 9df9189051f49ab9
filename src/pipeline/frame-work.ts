/**
 * Worker side of FramePool (frame-pool.ts; started through worker-entry.js): each task names a frame (file, index); the worker
 * reads and decodes it (CBF byte offset with its MD5 check, TIFF, EDF, HDF5 chunks through h5wasm),
 * flips it as the PONI needs, checks its shape and accumulates its sums with the shared matrix.
 * Only the sums (four arrays of the bin count) go back: the frame never crosses threads.
 */
import { parentPort, workerData } from "node:worker_threads";
import { frameSums, type Sums } from "../integrate/index.js";
import { InputError } from "../util/errors.js";
import { errorReply, type TaskReply } from "../util/task-workers.js";
import { FrameFiles } from "./frame-files.js";
import type { FrameDetectorInit, FrameTask, FrameWorkerInit } from "./frame-pool.js";

const init = workerData as FrameWorkerInit;
const port = parentPort!;

const files = new FrameFiles({
  ...(init.dataset !== undefined && { dataset: init.dataset }),
  flipUd: init.flipUd,
  keepOpen: 4,
});

/** The detector, sent by FramePool.setup before the first frame. */
let det: FrameDetectorInit | null = null;

async function sums(task: FrameTask): Promise<Sums> {
  if (!det) throw new Error("frame task before the detector");
  const f = await files.read(task.file, task.frame);
  const [h, w] = det.shape;
  if (f.shape[0] !== h || f.shape[1] !== w)
    throw new InputError(
      task.file,
      `frame ${task.frame} is ${f.shape.join("×")}, the detector's frames are ${h}×${w}`,
    );
  const [validLow, validHigh] = det.windows[f.dtype] ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  return frameSums(det.matrix, f.data, { ...det.prep, validLow, validHigh });
}

port.on("message", (task: FrameTask | { detector: FrameDetectorInit }) => {
  if ("detector" in task) {
    det = task.detector;
    return;
  }
  sums(task).then(
    (s) =>
      port.postMessage(
        { id: task.id, result: s } satisfies TaskReply<Sums>,
        [s.signal, s.variance, s.normalization, s.count].map((a) => a.buffer as ArrayBuffer),
      ),
    // a bug names the frame it met (an InputError names its own file)
    (err: unknown) => port.postMessage(errorReply(task.id, err, `${task.file} frame ${task.frame}`)),
  );
});
