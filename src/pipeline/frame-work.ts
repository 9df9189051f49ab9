/**
 * A detector's frames on a pipeline worker (pipeline-work.ts; FramePool on the main thread): each
 * task names a frame (file, index); the worker reads and decodes it (CBF byte offset with its MD5
 * check, TIFF, EDF, HDF5 chunks), flips it as the PONI needs, checks its shape and accumulates its
 * sums with the shared matrix. Only the sums (four arrays of the bin count) go back: the frame never
 * crosses threads.
 */
import { frameSums, type Sums } from "../integrate/index.js";
import { InputError } from "../util/errors.js";
import { FrameFiles } from "./frame-files.js";
import type { Job } from "./pipeline-work.js";
import type { FramesSetup, FrameTask } from "./pipeline-workers.js";

export function frameJob(setup: FramesSetup): Job {
  const det = setup.detector;
  const files = new FrameFiles({
    ...(setup.read.dataset !== undefined && { dataset: setup.read.dataset }),
    flipUd: setup.read.flipUd,
    keepOpen: 4,
  });
  const sums = async (task: FrameTask): Promise<Sums> => {
    // the pixels land in the reader's reusable memory: summed before anything is awaited
    const f = files.readNow(task.file, task.frame) ?? (await files.read(task.file, task.frame));
    const [h, w] = det.shape;
    if (f.shape[0] !== h || f.shape[1] !== w)
      throw new InputError(
        task.file,
        `frame ${task.frame} is ${f.shape.join("×")}, the detector's frames are ${h}×${w}`,
      );
    const [validLow, validHigh] = det.windows[f.dtype] ?? [
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ];
    return frameSums(det.matrix, f.data, { ...det.prep, validLow, validHigh });
  };
  return {
    run: async (task) => {
      const s = await sums(task as FrameTask);
      return {
        result: s,
        transfer: [s.signal, s.variance, s.normalization, s.count].map((a) => a.buffer as ArrayBuffer),
      };
    },
    // a bug names the frame it met (an InputError names its own file)
    what: (task) => `${(task as FrameTask).file} frame ${(task as FrameTask).frame}`,
    close: () => files.closeAll(),
  };
}
