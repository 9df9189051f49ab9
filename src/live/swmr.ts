/**
 * HDF5 frame stacks that a detector writes with SWMR (single writer, multiple readers: h5py
 * `libver="latest"`, `swmr_mode = True`, frames appended and flushed). Measured against a real
 * h5py 3.7 / HDF5 1.10.8 SWMR writer with h5wasm 0.8.9 (HDF5 1.14.6), see swmr.test.ts:
 *
 * - opening with plain "r" fails while the writer is open ("file is already open for write");
 * - opening with "Sr" (H5F_ACC_SWMR_READ) works, and a fresh open sees every frame flushed so far
 *   with the right pixels;
 * - keeping a file open and calling `Dataset.refresh()` shows the new frame count, but the new
 *   frames read as zeros (a stale chunk index in the open file's cache): not used.
 *
 * - a second open of the same file while the first stays open shares its stale state (HDF5 keeps
 *   one shared file per process), so nothing else may hold the file open between refreshes.
 *
 * So a refresh is: close, reopen as a SWMR reader, read the frame count.
 */
import { openH5, openHdf5 } from "../formats/index.js";
import { InputError } from "../util/errors.js";

/**
 * Frames in the stack now, reopened as a SWMR reader. With `dataset` (a path in the file) its
 * first axis is counted, so an empty stack (0 frames, the writer's start) counts 0; without it
 * the stack is chosen as openHdf5 chooses it.
 */
export async function refreshFrames(path: string, dataset?: string): Promise<number> {
  if (dataset === undefined) {
    const src = await openHdf5(path, { swmr: true });
    try {
      return src.frameCount;
    } finally {
      src.close();
    }
  }
  const file = await openH5(path, "Sr");
  try {
    const d = file.get(dataset);
    const shape = d && "shape" in d ? (d.shape as number[] | null) : null;
    if (!shape || shape.length < 2 || shape.length > 3)
      throw new InputError(path, `${dataset} is not a 2-D or 3-D dataset`);
    return shape.length === 3 ? shape[0]! : 1;
  } finally {
    file.close();
  }
}
