/** Element types of detector frames, named as NumPy names them. */
export type Dtype = "int8" | "uint8" | "int16" | "uint16" | "int32" | "uint32" | "float32" | "float64";

export type PixelArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/** Header values kept from a file (exposure, wavelength, …), as found; numbers where they parse. */
export type Metadata = Record<string, string | number>;

/**
 * One 2D detector frame. `data` is row-major (C order): pixel (row d1, column d2) is at
 * `data[d1 * shape[1] + d2]`; row 0 is the first row stored in the file.
 */
export interface Frame {
  data: PixelArray;
  /** [rows (slow, dim1), columns (fast, dim2)] */
  shape: [number, number];
  dtype: Dtype;
  metadata: Metadata;
}

/**
 * A file holding one or more frames of one shape and dtype. Frames are decoded on demand,
 * one at a time, so a stack larger than memory can be streamed.
 */
export interface FrameSource {
  /** "cbf" | "edf" | "tiff" | "hdf5" */
  format: string;
  path: string;
  frameCount: number;
  shape: [number, number];
  dtype: Dtype;
  /** File-level metadata (headers common to all frames). */
  metadata: Metadata;
  readFrame(index: number): Promise<Frame>;
  /**
   * readFrame, synchronously, where the source can (HDF5); with `scratch` the pixels may land in
   * its reusable memory (valid until its next use: for a caller done with the frame before that).
   */
  readFrameNow?(index: number, scratch?: { pixels?: ArrayBuffer }): Frame;
  close(): void;
}
