/**
 * A frame stack written by h5wasm as DECTRIS writes an Eiger master's data: one chunk per frame,
 * bitshuffle with LZ4 (HDF5 filter 32008, cd_values (block size 0 = automatic, 2 = LZ4); the
 * plugin puts its version and the element size in front). For tests and benches that need files
 * our own writer (formats createEigerStack: uint16/uint32, every frame) does not make: int32 and
 * float32 frames, a frame left unwritten, a bare dataset at the root.
 */
import { createH5 } from "../../src/formats/h5.js";

/** h5wasm's little-endian type codes, with an empty array of each (h5wasm takes its type from it). */
const EMPTY = {
  "<i": () => new Int32Array(0),
  "<H": () => new Uint16Array(0),
  "<I": () => new Uint32Array(0),
  "<f": () => new Float32Array(0),
} as const;

export type StackDtype = keyof typeof EMPTY;

export async function writeBslz4Stack(
  path: string,
  o: {
    dtype: StackDtype;
    shape: [number, number];
    frames: number;
    /** Frame k's pixels, row after row; null leaves it unwritten. */
    frame: (k: number) => ArrayLike<number> | null;
    /** Groups the dataset `data` is in (default entry/data, as an Eiger master's). */
    groups?: string[];
  },
): Promise<void> {
  const f = await createH5(path);
  try {
    let g: { create_group(name: string): typeof g; create_dataset: typeof f.create_dataset } = f;
    for (const name of o.groups ?? ["entry", "data"]) g = g.create_group(name);
    const ds = g.create_dataset({
      name: "data",
      data: EMPTY[o.dtype](),
      shape: [0, ...o.shape],
      maxshape: [o.frames, ...o.shape],
      dtype: o.dtype,
      chunks: [1, ...o.shape],
      compression: 32008,
      compression_opts: [0, 2],
    });
    ds.resize([o.frames, ...o.shape]);
    for (let k = 0; k < o.frames; k++) {
      const v = o.frame(k);
      if (v) ds.write_slice([[k, k + 1], [], []], v as Parameters<typeof ds.write_slice>[1]);
    }
  } finally {
    f.close();
  }
}
